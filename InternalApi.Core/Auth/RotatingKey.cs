namespace InternalApi.Core.Auth;

/// <summary>
/// A verification key with, during a rotation, the value it replaced. Callers sign with
/// <see cref="Current"/> only; they verify with <see cref="KeysAt"/>, which keeps the previous value
/// until its window ends, so clients still signing with the old secret keep working while they are
/// rolled over, and stop working at a moment the operator chose.
/// </summary>
public sealed class RotatingKey
{
    private readonly byte[][] _currentOnly;
    private readonly byte[][] _both;

    /// <summary>Creates the key; <paramref name="previous"/> and <paramref name="previousValidUntil"/> go together.</summary>
    public RotatingKey(byte[] current, byte[]? previous = null, DateTimeOffset? previousValidUntil = null)
    {
        ArgumentNullException.ThrowIfNull(current);
        if ((previous is null) != (previousValidUntil is null))
        {
            throw new ArgumentException("A previous key needs the end of its rotation window, and only then.", nameof(previousValidUntil));
        }

        Current = current;
        Previous = previous;
        PreviousValidUntil = previousValidUntil;
        _currentOnly = [current];
        _both = previous is null ? _currentOnly : [current, previous];
    }

    /// <summary>The key new tokens are signed with.</summary>
    public byte[] Current { get; }

    /// <summary>The replaced key, accepted until <see cref="PreviousValidUntil"/>; null outside a rotation.</summary>
    public byte[]? Previous { get; }

    /// <summary>End of the rotation window (exclusive).</summary>
    public DateTimeOffset? PreviousValidUntil { get; }

    /// <summary>The keys a token presented at <paramref name="now"/> may be signed with, current first.</summary>
    public IReadOnlyList<byte[]> KeysAt(DateTimeOffset now) =>
        PreviousValidUntil is { } until && now < until ? _both : _currentOnly;
}
