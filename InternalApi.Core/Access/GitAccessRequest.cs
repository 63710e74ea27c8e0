namespace InternalApi.Core.Access;

/// <summary>The parameters of <c>/internal/allowed</c> that drive the decision (spec §3.1.1), as sent.</summary>
public sealed record GitAccessRequest
{
    /// <summary><c>git-upload-pack</c>, <c>git-receive-pack</c> or <c>git-upload-archive</c>.</summary>
    public string? Action { get; init; }

    /// <summary><c>ssh</c>, <c>http</c> or <c>web</c>.</summary>
    public string? Protocol { get; init; }

    /// <summary><c>_any</c> or newline-separated <c>oldrev newrev ref</c> lines.</summary>
    public string? Changes { get; init; }

    /// <summary>Repository path as typed.</summary>
    public string? Project { get; init; }

    /// <summary>Repository identifier; wins over <see cref="Project"/>.</summary>
    public string? GlRepository { get; init; }

    /// <summary>Actor parameters.</summary>
    public ActorQuery Actor { get; init; } = new();
}

/// <summary>The answer: allowed with its payload, or a denial with GitLab's status and message.</summary>
public sealed record GitAccessResult
{
    /// <summary>HTTP status: 200 allowed, 401/404/422/503 denied.</summary>
    public required int Status { get; init; }

    /// <summary>Denial message (null when allowed).</summary>
    public string? Message { get; init; }

    /// <summary>The actor that was decided on.</summary>
    public Actor? Actor { get; init; }

    /// <summary>The repository (with its project) when allowed.</summary>
    public RepositoryTarget? Target { get; init; }

    /// <summary>Top-level namespace id of the project.</summary>
    public long? RootNamespaceId { get; init; }

    /// <summary>Messages gitlab-shell prints after a successful check.</summary>
    public IReadOnlyList<string> ConsoleMessages { get; init; } = [];

    /// <summary>Whether access was granted.</summary>
    public bool Allowed => Status == 200;

    internal static GitAccessResult Deny(int status, string message) => new() { Status = status, Message = message };
}
