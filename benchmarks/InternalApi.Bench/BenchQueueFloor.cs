using Azure.Storage.Queues;

namespace InternalApi.Bench;

/// <summary>
/// The bench's queue floor: what sending one small message costs at the SDK (the enqueue on every
/// <c>post_receive</c>), through the app's own queue client (same pipeline and counter). Its queue is the bench's
/// own, created for the run and deleted after it.
/// </summary>
internal sealed class BenchQueueFloor : IAsyncDisposable
{
    /// <summary>The queue the floor sends to; nothing reads it.</summary>
    public const string QueueName = "bench-queue-floor";

    // About the size of a post-receive job for one ref change.
    private static readonly BinaryData Message = BinaryData.FromString(new string('x', 300));

    private readonly QueueClient _queue;

    private BenchQueueFloor(QueueClient queue) => _queue = queue;

    /// <summary>Creates the queue.</summary>
    public static async Task<BenchQueueFloor> CreateAsync(QueueServiceClient service)
    {
        ArgumentNullException.ThrowIfNull(service);
        var queue = service.GetQueueClient(QueueName);
        await queue.CreateIfNotExistsAsync();
        return new BenchQueueFloor(queue);
    }

    /// <summary>One message sent; true when accepted.</summary>
    public async Task<bool> SendAsync() => !(await _queue.SendMessageAsync(Message)).GetRawResponse().IsError;

    /// <summary>
    /// Drops what was sent: Azurite keeps every queue's messages in one collection, and tens of thousands left there
    /// slowed the app's own queue (its sends and the job processor's receives) in the rows after.
    /// </summary>
    public async Task ClearAsync() => await _queue.ClearMessagesAsync();

    /// <summary>Deletes the queue and what was sent to it.</summary>
    public async ValueTask DisposeAsync() => await _queue.DeleteIfExistsAsync();
}
