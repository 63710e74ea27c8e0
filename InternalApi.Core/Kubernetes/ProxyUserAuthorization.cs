using InternalApi.Core.Model;

namespace InternalApi.Core.Kubernetes;

/// <summary>The credential a user reached the cluster with through KAS's Kubernetes API proxy.</summary>
public enum ProxyAccessType
{
    /// <summary>A GitLab web session cookie (needs GitLab's session store: not served here).</summary>
    SessionCookie,

    /// <summary>A personal access token with the <c>k8s_proxy</c> scope.</summary>
    PersonalAccessToken,
}

/// <summary>An <c>authorize_proxy_user</c> request, validated at the edge.</summary>
public sealed record ProxyUserRequest(long AgentId, ProxyAccessType AccessType, string AccessKey);

/// <summary>Why a proxy user was not authorized, in GitLab's order of checks.</summary>
public enum ProxyUserFailure
{
    /// <summary>Authorized.</summary>
    None,

    /// <summary>A session cookie: there are no GitLab web sessions to look it up in.</summary>
    SessionCookieUnsupported,

    /// <summary>No token with that text (GitLab: <c>Unable to get user from request data</c>).</summary>
    UnknownToken,

    /// <summary>The token has expired.</summary>
    TokenExpired,

    /// <summary>The token was revoked.</summary>
    TokenRevoked,

    /// <summary>The token lacks the <c>k8s_proxy</c> scope.</summary>
    InsufficientScope,

    /// <summary>The token's user is missing, blocked or otherwise may not sign in.</summary>
    UserNotUsable,

    /// <summary>No agent with that id.</summary>
    AgentNotFound,

    /// <summary>The agent's configuration authorizes nothing under <c>user_access</c>.</summary>
    NoUserAccess,

    /// <summary><c>user_access</c> has no <c>access_as</c>.</summary>
    NoAccessAs,

    /// <summary><c>access_as</c> names more than one way.</summary>
    AccessAsNotOnce,

    /// <summary><c>access_as</c> is not <c>agent</c> (impersonating the user is EE and not served).</summary>
    AccessAsUnsupported,

    /// <summary>The user is not a Developer (or more) of any authorized project or group.</summary>
    NotMember,
}

/// <summary>The outcome; on success the agent and the user the proxy acts for.</summary>
public sealed record ProxyUserOutcome(ProxyUserFailure Failure, ClusterAgent? Agent = null, User? User = null)
{
    /// <summary>The token scope KAS's proxy needs.</summary>
    public const string Scope = "k8s_proxy";
}
