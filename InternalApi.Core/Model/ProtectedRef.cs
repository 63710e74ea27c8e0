namespace InternalApi.Core.Model;

/// <summary>Branch or tag.</summary>
public enum RefKind
{
    /// <summary><c>refs/heads/*</c>.</summary>
    Branch,

    /// <summary><c>refs/tags/*</c>.</summary>
    Tag,
}

/// <summary>
/// A protected branch or tag rule: an exact name or a wildcard pattern (<c>*</c> matches any run of
/// characters, including <c>/</c>), with the access levels allowed to push, merge (branches) or create (tags).
/// </summary>
public sealed record ProtectedRef
{
    /// <summary>Project.</summary>
    public required long ProjectId { get; init; }

    /// <summary>Branch or tag rule.</summary>
    public required RefKind Kind { get; init; }

    /// <summary>Name or wildcard pattern, e.g. <c>main</c>, <c>release/*</c>, <c>v*</c>.</summary>
    public required string Pattern { get; init; }

    /// <summary>Levels allowed to push (branches) or create (tags); <see cref="AccessLevel.NoAccess"/> = "No one".</summary>
    public IReadOnlyList<AccessLevel> PushAccessLevels { get; init; } = [AccessLevel.Maintainer];

    /// <summary>Levels allowed to merge (branches).</summary>
    public IReadOnlyList<AccessLevel> MergeAccessLevels { get; init; } = [AccessLevel.Maintainer];

    /// <summary>Force push allowed (branches).</summary>
    public bool AllowForcePush { get; init; }

    /// <summary>Deploy keys allowed to push (branches).</summary>
    public IReadOnlyList<long> DeployKeyIds { get; init; } = [];

    /// <summary>Whether <paramref name="name"/> (without <c>refs/heads/</c>/<c>refs/tags/</c>) matches this rule.</summary>
    public bool Matches(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        if (!Pattern.Contains('*', StringComparison.Ordinal))
        {
            return string.Equals(Pattern, name, StringComparison.Ordinal);
        }

        var parts = Pattern.Split('*');
        if (!name.StartsWith(parts[0], StringComparison.Ordinal) || !name.EndsWith(parts[^1], StringComparison.Ordinal))
        {
            return false;
        }

        var position = parts[0].Length;
        for (var i = 1; i < parts.Length - 1; i++)
        {
            var found = name.IndexOf(parts[i], position, StringComparison.Ordinal);
            if (found < 0)
            {
                return false;
            }

            position = found + parts[i].Length;
        }

        return position <= name.Length - parts[^1].Length;
    }
}
