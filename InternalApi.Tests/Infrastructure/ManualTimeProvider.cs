namespace InternalApi.Tests.Infrastructure;

/// <summary>
/// A clock the test moves by hand for what the app reads as "now", while timers and delays keep real time: for a whole
/// app (its queue polling and storage retries go on as usual). FakeTimeProvider, whose timers fire only when the test
/// advances it, is what the unit tests of one class use.
/// </summary>
public sealed class ManualTimeProvider(DateTimeOffset start) : TimeProvider
{
    private DateTimeOffset _now = start;

    /// <inheritdoc/>
    public override DateTimeOffset GetUtcNow() => _now;

    /// <summary>Moves the clock forward.</summary>
    public void Advance(TimeSpan by) => _now += by;
}
