namespace InternalApi.Tests.Infrastructure;

/// <summary>
/// A clock the test moves by hand for what the app reads as "now", while timers and delays keep real time. Unlike
/// FakeTimeProvider, whose timers only fire when the test advances it, a whole app can run on this one: its queue
/// polling and storage retries go on as usual.
/// </summary>
public sealed class ManualTimeProvider(DateTimeOffset start) : TimeProvider
{
    private DateTimeOffset _now = start;

    /// <inheritdoc/>
    public override DateTimeOffset GetUtcNow() => _now;

    /// <summary>Moves the clock forward.</summary>
    public void Advance(TimeSpan by) => _now += by;
}
