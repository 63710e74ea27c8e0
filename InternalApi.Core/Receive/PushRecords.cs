namespace InternalApi.Core.Receive;

/// <summary>One ref update of a push, as recorded by the worker.</summary>
public sealed record PushEvent
{
    /// <summary>Project.</summary>
    public required long ProjectId { get; init; }

    /// <summary>The job that recorded it.</summary>
    public required string JobId { get; init; }

    /// <summary>Full ref name (<c>refs/heads/main</c>, or a bare name as sent).</summary>
    public required string Ref { get; init; }

    /// <summary><c>branch</c>, <c>tag</c> or <c>other</c>.</summary>
    public required string Kind { get; init; }

    /// <summary><c>created</c>, <c>updated</c> or <c>deleted</c>.</summary>
    public required string Action { get; init; }

    /// <summary>Old revision.</summary>
    public required string Before { get; init; }

    /// <summary>New revision.</summary>
    public required string After { get; init; }

    /// <summary><c>user-N</c>/<c>key-N</c> as sent.</summary>
    public string? Identifier { get; init; }

    /// <summary>The acting user, when resolved.</summary>
    public long? UserId { get; init; }

    /// <summary>Push option <c>ci.skip</c> was given.</summary>
    public bool CiSkip { get; init; }

    /// <summary>When the push was received.</summary>
    public required DateTimeOffset At { get; init; }
}

/// <summary>A ref head as the repository has it after the pushes processed so far.</summary>
public sealed record RefHead(long ProjectId, string Ref, string Kind, string Sha, DateTimeOffset UpdatedAt);

/// <summary>A merge request asked for with <c>merge_request.*</c> push options.</summary>
public sealed record MergeRequestRequest(long ProjectId, string JobId, string SourceBranch, string? TargetBranch, string? Title, string? Description, long? UserId, DateTimeOffset At);

/// <summary>What processing a job recorded about it.</summary>
public sealed record PostReceiveJobOutcome(string JobId, long ProjectId, int Events, IReadOnlyList<string> Malformed, IReadOnlyList<string> Warnings);
