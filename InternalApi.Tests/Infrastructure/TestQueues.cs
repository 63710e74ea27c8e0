using Azure.Storage.Queues;
using Azure.Storage.Queues.Models;

namespace InternalApi.Tests.Infrastructure;

/// <summary>Queue shapes the tests repeat, over the app's own <see cref="QueueServiceClient"/>.</summary>
public static class TestQueues
{
    /// <summary>Sends a body (base64 on the wire, as the app sends).</summary>
    public static async Task<SendReceipt> SendMessageAsync(this QueueServiceClient queues, string queue, BinaryData body)
    {
        var client = queues.GetQueueClient(queue);
        await client.CreateIfNotExistsAsync();
        return (await client.SendMessageAsync(body)).Value;
    }

    /// <summary>Up to <paramref name="max"/> (at most 32) messages, without taking them.</summary>
    public static async Task<PeekedMessage[]> PeekMessagesAsync(this QueueServiceClient queues, string queue, int max) =>
        await queues.GetQueueClient(queue).ExistsAsync() ? (await queues.GetQueueClient(queue).PeekMessagesAsync(Math.Min(max, 32))).Value : [];

    /// <summary>Approximate number of messages (0 for a missing queue).</summary>
    public static async Task<int> CountAsync(this QueueServiceClient queues, string queue) =>
        await queues.GetQueueClient(queue).ExistsAsync() ? (await queues.GetQueueClient(queue).GetPropertiesAsync()).Value.ApproximateMessagesCount : 0;
}
