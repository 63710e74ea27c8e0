using System.Globalization;
using InternalApi.Core.Storage;

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
        var queues = services.GetRequiredService<QueueStorageClient>();
        var catalog = services.GetRequiredService<FunctionCatalog>();
        switch (positional)
        {
            case ["list"]:
                foreach (var queue in catalog.QueueFunctions.Select(f => f.QueueName))
                {
                    var poison = QueueNames.PoisonQueueFor(queue);
                    var live = await queues.GetApproximateMessageCountAsync(queue);
                    var dead = poison is null ? 0 : await queues.GetApproximateMessageCountAsync(poison);
                    output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{queue,-24} {live,8} messages   {poison,-31} {dead,8} messages"));
                }

                return 0;

            case ["peek", var name, ..] when QueueNames.IsValid(name):
                var count = positional.Length > 2 && int.TryParse(positional[2], CultureInfo.InvariantCulture, out var n) ? n : 32;
                foreach (var message in await queues.PeekMessagesAsync(name, count))
                {
                    var body = message.Body?.ToString() ?? $"<not {queues.MessageEncoding}: {message.MessageText}>";
                    output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                        $"{message.MessageId}  inserted {message.InsertedOn:O}  dequeued {message.DequeueCount}x\n  {(body.Length > BodyPreview ? body[..BodyPreview] + "..." : body)}"));
                }

                return 0;

            case ["replay", var poisonQueue] when poisonQueue.EndsWith("-poison", StringComparison.Ordinal) && QueueNames.IsValid(poisonQueue):
                var target = poisonQueue[..^"-poison".Length];
                var replayed = 0;
                await queues.CreateQueueIfNotExistsAsync(target);
                while (replayed < max)
                {
                    var batch = await queues.ReceiveMessagesAsync(poisonQueue, Math.Min(32, max - replayed), TimeSpan.FromMinutes(5));
                    if (batch.Count == 0)
                    {
                        break;
                    }

                    foreach (var message in batch)
                    {
                        await queues.SendMessageTextAsync(target, message.MessageText);
                        await queues.DeleteMessageAsync(poisonQueue, message.MessageId, message.PopReceipt!);
                        replayed++;
                    }
                }

                output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"replayed {replayed} message(s) from {poisonQueue} to {target}"));
                return 0;

            default:
                error.WriteLine("usage: queues list | queues peek <queue> [n] | queues replay <queue>-poison [--max n]");
                return 2;
        }
    }
}
