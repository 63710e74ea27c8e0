namespace InternalApi.Core.Shell;

/// <summary>
/// The scopes a token created over SSH may carry: GitLab's API, repository and registry scopes, as of
/// the doc-era releases this service implements (spec §3.7). Admin (<c>sudo</c>, <c>admin_mode</c>),
/// service-ping and AI scopes are never allowed here.
/// </summary>
public static class PersonalAccessTokenScopes
{
    /// <summary>The allowed scopes, sorted (ordinal), as GitLab lists them in its error message.</summary>
    public static IReadOnlyList<string> Allowed { get; } =
    [
        "api", "create_runner", "k8s_proxy", "read_api", "read_registry", "read_repository", "read_user", "write_registry", "write_repository",
    ];

    /// <summary>The first requested scope that is not allowed, or null.</summary>
    public static string? FirstInvalid(IEnumerable<string> requested)
    {
        ArgumentNullException.ThrowIfNull(requested);
        return requested.FirstOrDefault(scope => !Allowed.Contains(scope, StringComparer.Ordinal));
    }

    /// <summary>
    /// <c>Invalid scope: '&lt;scope&gt;'. Valid scopes are: ["api", ...]</c> — the list rendered the way
    /// Ruby prints an array of strings.
    /// </summary>
    public static string InvalidScopeMessage(string scope) =>
        $"Invalid scope: '{scope}'. Valid scopes are: [{string.Join(", ", Allowed.Select(s => $"\"{s}\""))}]";
}
