using System.Globalization;
using Azure.Storage.Queues;
using Azure.Storage.Queues.Models;
using InternalApi.Core.Data;
using Microsoft.Extensions.Azure;

namespace InternalApi.Functions.Hosting;

/// <summary>
/// <c>queues list | peek &lt;queue&gt; [n] | replay &lt;queue&gt;-poison [--max n]</c>: inspect the app's queues
/// and put poison messages back on their queue once the cause is fixed. Replay copies the message text
/// unchanged, then deletes it from the poison queue (at-least-once: the functions are idempotent).
/// </summary>
public static class QueueCommand
{
    private const int BodyPreview = 400;

    /// <summary>Runs the verb; exit code 0 on success, 2 on usage errors.</summary>
    public static async Task<int> RunAsync(string[] args, TextWriter output, TextWriter error)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(error);
        var positional = args.TakeWhile(a => !a.StartsWith("--", StringComparison.Ordinal)).ToArray();
        var configArgs = args.Skip(positional.Length).ToList();
        var max = int.MaxValue;
        var maxIndex = configArgs.IndexOf("--max");
        if (maxIndex >= 0 && maxIndex + 1 < configArgs.Count && int.TryParse(configArgs[maxIndex + 1], CultureInfo.InvariantCulture, out var m))
        {
            max = m;
            configArgs.RemoveRange(maxIndex, 2);
        }

        await using var services = CommandServices.Create([.. configArgs]);
        // Raw text, not decoded: replay must put back exactly the text that failed, base64 or not.
        var queues = services.GetRequiredService<IAzureClientFactory<QueueServiceClient>>().CreateClient(StorageConnection.RawQueues);
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
                error.WriteLine("usage: queues list | queues peek <queue> [n] | queues replay <queue>-poison [--max n]");
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
