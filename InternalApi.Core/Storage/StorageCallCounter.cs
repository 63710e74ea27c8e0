using Azure.Core;
using Azure.Core.Pipeline;

namespace InternalApi.Core.Storage;

/// <summary>
/// Counts storage requests as they leave (every retry too), so that tests and benchmarks report calls per request
/// from the pipeline itself rather than from hand-kept tallies.
/// </summary>
public sealed class StorageCallCounter : HttpPipelineSynchronousPolicy
{
    private static readonly AsyncLocal<FlowCount?> Flow = new();
    private long _count;
    private long _writes;
    private long _queueSends;

    /// <summary>Requests sent since start.</summary>
    public long Count => Interlocked.Read(ref _count);

    /// <summary>Of those, the ones that change something (every method but GET and HEAD: table writes, queue sends and deletes).</summary>
    public long Writes => Interlocked.Read(ref _writes);

    /// <summary>Of the writes, the queue messages sent (Put Message: a POST to a queue's <c>/messages</c>).</summary>
    public long QueueSends => Interlocked.Read(ref _queueSends);

    /// <summary>
    /// Starts counting, apart from every other flow, the requests the calling flow (and what it awaits or starts) sends
    /// from now on: one invocation's calls, while others run beside it.
    /// </summary>
    public static FlowCount CountFlow()
    {
        var count = new FlowCount();
        Flow.Value = count;
        return count;
    }

    /// <inheritdoc/>
    public override void OnSendingRequest(HttpMessage message)
    {
        ArgumentNullException.ThrowIfNull(message);
        Interlocked.Increment(ref _count);
        if (Flow.Value is { } flow)
        {
            Interlocked.Increment(ref flow.Value);
        }

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

/// <summary>The storage requests of one flow (<see cref="StorageCallCounter.CountFlow"/>).</summary>
public sealed class FlowCount
{
#pragma warning disable CA1051 // A field, so that Interlocked can count on it.
    internal long Value;
#pragma warning restore CA1051

    /// <summary>Requests sent so far.</summary>
    public long Calls => Interlocked.Read(ref Value);
}
