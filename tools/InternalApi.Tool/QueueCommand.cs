using System.CommandLine;
using System.Globalization;
using Azure.Storage.Queues;
using Azure.Storage.Queues.Models;
using InternalApi.Core.Data;
using InternalApi.Core.Storage;
using Microsoft.Extensions.Azure;

namespace InternalApi.Tool;

/// <summary>
/// <c>queues list | peek &lt;queue&gt; [n] | replay &lt;queue&gt;-poison [--max n]</c>: inspect the app's queues
/// and put poison messages back on their queue once the cause is fixed. Replay copies the message text
/// unchanged, then deletes it from the poison queue (at-least-once: the functions are idempotent).
/// </summary>
internal static class QueueCommand
{
    /// <summary>What a usage error prints.</summary>
    public const string Usage = "usage: queues list | queues peek <queue> [n] | queues replay <queue>-poison [--max n]";

    private const int BodyPreview = 400;

    /// <summary>Runs the verb on the arguments that follow <c>queues</c> on the command line (parsed as the tool parses them).</summary>
    public static Task<int> RunAsync(string[] args, TextWriter output, TextWriter error) => ToolCommands.RunAsync(["queues", .. args], output, error);

    /// <summary>The verb and its three subcommands; <paramref name="configuration"/> is filled before they run.</summary>
    public static Command Create(IReadOnlyList<string> configuration, TextWriter output, TextWriter error)
    {
        var list = new Command("list", "Every queue and its poison queue, with message counts.");
        list.SetAction((_, _) => ExecuteAsync(["list"], int.MaxValue, configuration, output, error));

        var peekQueue = new Argument<string>("queue");
        // Text, not a number: as before, anything but a count peeks the most the service returns (32).
        var peekCount = new Argument<string?>("n") { Arity = ArgumentArity.ZeroOrOne, Description = "how many (at most 32)" };
        var peek = new Command("peek", "Message ids, dequeue counts and decoded bodies, without taking them.") { peekQueue, peekCount };
        peek.SetAction((result, _) => ExecuteAsync(["peek", result.GetValue(peekQueue)!, .. result.GetValue(peekCount) is { } n ? [n] : Array.Empty<string>()], int.MaxValue, configuration, output, error));

        var replayQueue = new Argument<string>("queue") { Description = "a poison queue: <queue>-poison" };
        var max = new Option<int>("--max") { Description = "replay at most this many", DefaultValueFactory = _ => int.MaxValue };
        var replay = new Command("replay", "Put a poison queue's messages back on their queue, unchanged.") { replayQueue, max };
        replay.SetAction((result, _) => ExecuteAsync(["replay", result.GetValue(replayQueue)!], result.GetValue(max), configuration, output, error));

        return new Command("queues", "Inspect the app's queues and replay poison messages.") { list, peek, replay };
    }

    /// <summary>Runs the verb (<paramref name="positional"/>: <c>list</c>, <c>peek q [n]</c> or <c>replay q-poison</c>); exit code 0 on success, 2 on usage errors.</summary>
    public static async Task<int> ExecuteAsync(string[] positional, int max, IReadOnlyList<string> configuration, TextWriter output, TextWriter error)
    {
        ArgumentNullException.ThrowIfNull(positional);
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(error);
        await using var services = CommandServices.Create(configuration);
        // Raw text, not decoded: replay must put back exactly the text that failed, base64 or not.
        var queues = services.GetRequiredService<IAzureClientFactory<QueueServiceClient>>().CreateClient(StorageAccount.RawQueues);
        var names = services.GetServices<IQueueSet>().SelectMany(q => q.Names).Distinct(StringComparer.Ordinal).ToList();
        switch (positional)
        {
            case ["list"]:
                foreach (var queue in names)
                {
                    var poison = queue + "-poison";
                    var live = await CountAsync(queues.GetQueueClient(queue));
                    var dead = await CountAsync(queues.GetQueueClient(poison));
                    output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{queue,-24} {live,8} messages   {poison,-31} {dead,8} messages"));
                }

                return 0;

            case ["peek", var name, ..] when IsQueueName(name):
                var count = positional.Length > 2 && int.TryParse(positional[2], CultureInfo.InvariantCulture, out var n) ? n : 32;
                var peeked = await queues.GetQueueClient(name).PeekMessagesAsync(Math.Clamp(count, 1, 32));
                foreach (var message in peeked.Value)
                {
                    var body = Decoded(message.Body.ToString());
                    output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                        $"{message.MessageId}  inserted {message.InsertedOn:O}  dequeued {message.DequeueCount}x\n  {(body.Length > BodyPreview ? body[..BodyPreview] + "..." : body)}"));
                }

                return 0;

            case ["replay", var poisonQueue] when poisonQueue.EndsWith("-poison", StringComparison.Ordinal) && IsQueueName(poisonQueue):
                var source = queues.GetQueueClient(poisonQueue);
                var target = queues.GetQueueClient(poisonQueue[..^"-poison".Length]);
                var replayed = 0;
                await target.CreateIfNotExistsAsync();
                while (replayed < max && await source.ExistsAsync())
                {
                    QueueMessage[] batch = await source.ReceiveMessagesAsync(Math.Min(32, max - replayed), TimeSpan.FromMinutes(5));
                    if (batch.Length == 0)
                    {
                        break;
                    }

                    foreach (var message in batch)
                    {
                        // Same body, same encoding: the queue holds exactly the text that failed.
                        await target.SendMessageAsync(message.Body.ToString());
                        await source.DeleteMessageAsync(message.MessageId, message.PopReceipt);
                        replayed++;
                    }
                }

                output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"replayed {replayed} message(s) from {poisonQueue} to {target.Name}"));
                return 0;

            default:
                error.WriteLine(Usage);
                return 2;
        }
    }

    private static string Decoded(string text)
    {
        var buffer = new byte[text.Length];
        return Convert.TryFromBase64String(text, buffer, out var written)
            ? System.Text.Encoding.UTF8.GetString(buffer, 0, written)
            : "<not base64> " + text;
    }

    private static async Task<int> CountAsync(QueueClient queue) =>
        await queue.ExistsAsync() ? (await queue.GetPropertiesAsync()).Value.ApproximateMessagesCount : 0;

    /// <summary>Azure's queue name rules: 3-63 of lower-case letters, digits and single hyphens.</summary>
    private static bool IsQueueName(string name) =>
        name.Length is >= 3 and <= 63 && name.All(c => c is (>= 'a' and <= 'z') or (>= '0' and <= '9') or '-') &&
        name[0] != '-' && name[^1] != '-' && !name.Contains("--", StringComparison.Ordinal);
}
