namespace InternalApi.Functions.Hosting;

/// <summary>How a function's caller authenticates (spec §1.7).</summary>
public enum FunctionAuth
{
    /// <summary>No authentication (liveness probe).</summary>
    Anonymous,

    /// <summary>Shell JWT in <c>Gitlab-Shell-Api-Request</c> (gitlab-shell, Gitaly).</summary>
    ShellJwt,

    /// <summary>KAS JWT in <c>Gitlab-Kas-Api-Request</c>.</summary>
    KasJwt,

    /// <summary>Pages JWT in <c>Gitlab-Pages-Api-Request</c> (the GitLab Pages daemon).</summary>
    PagesJwt,

    /// <summary>
    /// The shell JWT when <c>Gitlab-Shell-Api-Request</c> is sent (401 when it is bad), else Workhorse's JWT in
    /// <c>Gitlab-Workhorse-Api-Request</c> plus its <c>Gitlab-Workhorse</c> header (403 otherwise), as GitLab's
    /// <c>authenticate_by_gitlab_shell_or_workhorse_token!</c>.
    /// </summary>
    ShellOrWorkhorseJwt,

    /// <summary>
    /// KAS JWT, then an active agent token in <c>Authorization: Bearer</c> (spec §4.1); the agent is then
    /// available to the function (<see cref="KasAgentContext.Agent"/>).
    /// </summary>
    KasAgentToken,

    /// <summary>The function checks its own credential (the error tracking token).</summary>
    Custom,

    /// <summary>
    /// Group SCIM (spec §1.7 F, §6.2): the group of the route's <c>groupPath</c> and its SAML provider must exist
    /// (404 SCIM errors otherwise, before the token), then <c>Authorization: Bearer</c> must be that group's SCIM
    /// token; the scope is then available to the function (<see cref="ScimScopeContext.ScimScope"/>).
    /// </summary>
    ScimGroupToken,

    /// <summary>Instance SCIM (spec §6.8): instance SAML/SCIM enabled, then the instance SCIM token.</summary>
    ScimInstanceToken,

    /// <summary>
    /// A personal access token of an administrator with the <c>api</c> scope (<c>read_api</c> for GET), checked
    /// before anything else (spec §1.7 E): 401 for no/invalid/expired/revoked, 403 for a non-admin or a missing scope.
    /// </summary>
    AdminToken,

    /// <summary>
    /// A usable personal access token with the <c>api</c> scope (<c>read_api</c> for GET): 401/403 as for
    /// <see cref="AdminToken"/>, but the function decides who may act (<see cref="AdminCallerContext"/>), after
    /// validating its parameters, as GitLab's subscription and storage endpoints do.
    /// </summary>
    PersonalToken,

    /// <summary>
    /// <see cref="AdminToken"/> behind the GitLab.com gate, which answers 403 first, even without a token (upcoming
    /// reconciliations, spec §5.12).
    /// </summary>
    GitLabComAdminToken,

    /// <summary>
    /// CustomersDot's current internal API (<c>/internal/gitlab_subscriptions</c>): with an
    /// <c>X-Customers-Dot-Internal-Token</c> header, that JWT, verified against the subscription portal's OpenID
    /// Connect keys (401 when it fails, 503 while the keys cannot be fetched); without it, an administrator's
    /// personal access token as for <see cref="AdminToken"/> (GitLab keeps that path, deprecated).
    /// </summary>
    CustomersDotToken,
}

/// <summary>
/// Declares, next to the trigger, how callers of an HTTP function authenticate. Every HTTP function
/// carries one; a function without it is refused (fail closed) by both hosts.
/// </summary>
[AttributeUsage(AttributeTargets.Method, AllowMultiple = false, Inherited = false)]
public sealed class FunctionAuthAttribute(FunctionAuth kind) : Attribute
{
    /// <summary>The credential the caller must present.</summary>
    public FunctionAuth Kind { get; } = kind;
}
