using Azure.Core;
using Azure.Core.Pipeline;

namespace InternalApi.Core.Storage;

/// <summary>
/// Counts storage requests as they leave (every retry too), so that tests and benchmarks report calls per request
/// from the pipeline itself rather than from hand-kept tallies.
/// </summary>
public sealed class StorageCallCounter : HttpPipelineSynchronousPolicy
{
    private long _count;
    private long _writes;
    private long _queueSends;

    /// <summary>Requests sent since start.</summary>
    public long Count => Interlocked.Read(ref _count);

    /// <summary>Of those, the ones that change something (every method but GET and HEAD: table writes, queue sends and deletes).</summary>
    public long Writes => Interlocked.Read(ref _writes);

    /// <summary>Of the writes, the queue messages sent (Put Message: a POST to a queue's <c>/messages</c>).</summary>
    public long QueueSends => Interlocked.Read(ref _queueSends);

    /// <inheritdoc/>
    public override void OnSendingRequest(HttpMessage message)
    {
        ArgumentNullException.ThrowIfNull(message);
        Interlocked.Increment(ref _count);
        if (message.Request.Method != RequestMethod.Get && message.Request.Method != RequestMethod.Head)
        {
            Interlocked.Increment(ref _writes);
            if (message.Request.Method == RequestMethod.Post && message.Request.Uri.Path.EndsWith("/messages", StringComparison.Ordinal))
            {
                Interlocked.Increment(ref _queueSends);
            }
        }
    }
}
