using System.Globalization;
using System.Text;

namespace InternalApi.Core.Access;

/// <summary>
/// The decision's time budget and its timing log. GitLab answers 503 with "Push operation timed out"
/// followed by one line per check step and its duration; this keeps the same kind of log.
/// </summary>
public sealed class CheckTimer(TimeProvider time, TimeSpan budget)
{
    private readonly long _start = time.GetTimestamp();
    private readonly List<(string Step, TimeSpan Took)> _steps = [];
    private long _last = time.GetTimestamp();

    /// <summary>Marks the end of a step; throws <see cref="TimeoutException"/> once the budget is spent.</summary>
    public void Step(string step)
    {
        var now = time.GetTimestamp();
        _steps.Add((step, time.GetElapsedTime(_last, now)));
        _last = now;
        if (time.GetElapsedTime(_start, now) >= budget)
        {
            throw new TimeoutException("The access check ran out of time.");
        }
    }

    /// <summary>The 503 message: the fixed prefix and the steps that completed, with their durations.</summary>
    public string TimedOutMessage()
    {
        var text = new StringBuilder(AccessMessages.TimedOut).Append("\n\nTiming information for debugging purposes:\n");
        foreach (var (step, took) in _steps)
        {
            text.Append(CultureInfo.InvariantCulture, $"{step} ({took.TotalMilliseconds:0.##}ms)\n");
        }

        return text.ToString();
    }
}
