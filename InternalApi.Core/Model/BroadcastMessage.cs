namespace InternalApi.Core.Model;

/// <summary>
/// An instance broadcast message shown on the command line after pushes (post-receive "alert").
/// <see cref="TargetPath"/> limits it to matching project paths (<c>*</c> wildcards).
/// </summary>
public sealed record BroadcastMessage
{
    /// <summary>Id.</summary>
    public required long Id { get; init; }

    /// <summary>Markdown text, used as is.</summary>
    public required string Message { get; init; }

    /// <summary>Shown from.</summary>
    public DateTimeOffset? StartsAt { get; init; }

    /// <summary>Shown until.</summary>
    public DateTimeOffset? EndsAt { get; init; }

    /// <summary>Shown on the command line (pushes).</summary>
    public bool ShowOnCommandLine { get; init; } = true;

    /// <summary>Only for projects whose path matches this pattern; null = everywhere.</summary>
    public string? TargetPath { get; init; }

    /// <summary>Whether it is current at <paramref name="now"/>.</summary>
    public bool IsCurrent(DateTimeOffset now) => (StartsAt is null || StartsAt <= now) && (EndsAt is null || now < EndsAt);
}
