namespace InternalApi.LocalHost.Http;

/// <summary>
/// Completes when the local host has answered its first HTTP request. The queue listener waits for it (at most
/// <see cref="QueueProcessingOptions.StartDelay"/>) before its first poll: on a cold start with few cores, five
/// pollers creating their queues and JIT-compiling the queue client compete with the request that woke the
/// instance, and add about half a second to its answer. Queue work is background work: it can start a moment later.
/// </summary>
public sealed class FirstResponse
{
    private readonly TaskCompletionSource _answered = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Completes at the first answer.</summary>
    public Task Answered => _answered.Task;

    /// <summary>Marks an answer (the first one completes <see cref="Answered"/>; later ones do nothing).</summary>
    public void Mark() => _answered.TrySetResult();
}
