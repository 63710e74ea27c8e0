using InternalApi.Core.Identity;

namespace InternalApi.Core.Access;

/// <summary>The parameters of <c>/allowed</c> that take part in the decision, as sent (strings).</summary>
public sealed record AccessRequest
{
    /// <summary><c>git-upload-pack</c>, <c>git-receive-pack</c> or <c>git-upload-archive</c>.</summary>
    public string? Action { get; init; }

    /// <summary><c>ssh</c>, <c>http</c> or <c>web</c>.</summary>
    public string? Protocol { get; init; }

    /// <summary><c>_any</c> or newline-separated <c>oldrev newrev ref</c> lines.</summary>
    public string? Changes { get; init; }

    /// <summary>Repository path as typed by the user.</summary>
    public string? Project { get; init; }

    /// <summary>Repository identifier; wins over <see cref="Project"/>.</summary>
    public string? GlRepository { get; init; }

    /// <summary>Actor parameters.</summary>
    public ActorQuery Actor { get; init; } = new();

    /// <summary>
    /// The client's address as gitlab-shell (or Gitaly, for a push) saw it; null when not sent. Any value that was
    /// sent is checked against the top-level group's IP allow-list, so one that is not an address is outside it.
    /// </summary>
    public string? CheckIp { get; init; }

    /// <summary>
    /// The group whose SSH certificate authority signed the certificate the user logged in with (gitlab-sshd
    /// sends what <c>authorized_certs</c> answered); blank or null after a login with a plain key.
    /// </summary>
    public string? NamespacePath { get; init; }
}

/// <summary>Outcome of an access check.</summary>
public abstract record AccessResult;

/// <summary>
/// Access granted. <see cref="Repository"/> names the repository (for a project created by this push, the
/// new project); <see cref="ConsoleMessages"/> are printed by gitlab-shell after the check.
/// </summary>
public sealed record AccessGranted(Actor Actor, RepositoryTarget Repository, IReadOnlyList<string> ConsoleMessages) : AccessResult
{
    /// <summary>The project behind the repository (never null once granted).</summary>
    public Model.Project Project => Repository.Project!;

    /// <summary>Id of the project's top-level namespace, when the namespace is known.</summary>
    public long? RootNamespaceId { get; init; }
}

/// <summary>Access denied: why, in GitLab's words.</summary>
public sealed record AccessDenied(AccessDenial Kind, string Message) : AccessResult;

/// <summary>
/// GitLab's kinds of denial (the edge answers them with GitLab's status codes: 401, 404, 422, 503).
/// </summary>
public enum AccessDenial
{
    /// <summary>Known but not allowed (GitLab's <c>ForbiddenError</c>).</summary>
    Forbidden,

    /// <summary>No such project or namespace, as far as the actor may know (<c>NotFoundError</c>).</summary>
    NotFound,

    /// <summary>A project the push would create cannot be created.</summary>
    Unprocessable,

    /// <summary>The checks ran out of time (GitLab's "Push operation timed out").</summary>
    TimedOut,
}

/// <summary>Git actions.</summary>
public static class GitActions
{
    /// <summary>Fetch/clone.</summary>
    public const string UploadPack = "git-upload-pack";

    /// <summary>Push.</summary>
    public const string ReceivePack = "git-receive-pack";

    /// <summary><c>git archive --remote</c>.</summary>
    public const string UploadArchive = "git-upload-archive";

    /// <summary>Whether the action downloads.</summary>
    public static bool IsDownload(string? action) => action is UploadPack or UploadArchive;
}
