namespace InternalApi.LocalHost.Queues;

/// <summary>What happened to a message the local host's queue listener handled.</summary>
public enum QueueDispatchStatus
{
    /// <summary>The function succeeded and the message was deleted.</summary>
    Succeeded,

    /// <summary>The function failed; the message was released for another attempt.</summary>
    Released,

    /// <summary>The function failed for the last allowed time; the message moved to the poison queue.</summary>
    Poisoned,
}

/// <summary>One dispatch outcome.</summary>
public sealed record QueueDispatchOutcome(string FunctionName, string QueueName, string MessageId, long DequeueCount, QueueDispatchStatus Status);

/// <summary>
/// Publishes dispatch outcomes so that an operator's diagnostics or a test can wait for "message X was
/// processed" instead of sleeping.
/// </summary>
public sealed class QueueDispatchMonitor
{
    private readonly Lock _gate = new();
    private readonly List<QueueDispatchOutcome> _history = [];
    private readonly List<(Func<QueueDispatchOutcome, bool> Match, TaskCompletionSource<QueueDispatchOutcome> Done)> _waiters = [];

    /// <summary>Records an outcome and releases matching waiters.</summary>
    public void Publish(QueueDispatchOutcome outcome)
    {
        List<TaskCompletionSource<QueueDispatchOutcome>> release = [];
        lock (_gate)
        {
            _history.Add(outcome);
            if (_history.Count > 10_000)
            {
                _history.RemoveRange(0, 5_000);
            }

            for (var i = _waiters.Count - 1; i >= 0; i--)
            {
                if (_waiters[i].Match(outcome))
                {
                    release.Add(_waiters[i].Done);
                    _waiters.RemoveAt(i);
                }
            }
        }

        foreach (var tcs in release)
        {
            tcs.TrySetResult(outcome);
        }
    }

    /// <summary>Waits for an outcome matching <paramref name="match"/> (including ones already seen).</summary>
    public async Task<QueueDispatchOutcome> WaitForAsync(Func<QueueDispatchOutcome, bool> match, TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(match);
        var tcs = new TaskCompletionSource<QueueDispatchOutcome>(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (_gate)
        {
            var seen = _history.FirstOrDefault(match);
            if (seen is not null)
            {
                return seen;
            }

            _waiters.Add((match, tcs));
        }

        return await tcs.Task.WaitAsync(timeout, cancellationToken);
    }
}
