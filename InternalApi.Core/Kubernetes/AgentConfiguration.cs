namespace InternalApi.Core.Kubernetes;

/// <summary>
/// One <c>projects</c> or <c>groups</c> entry under <c>ci_access</c> or <c>user_access</c> of an agent's configuration:
/// the full path it names (<c>id</c>) and the rest of the entry (<c>default_namespace</c>, <c>access_as</c>,
/// <c>environments</c>, ...) as JSON text, kept as GitLab keeps it on the authorization row.
/// </summary>
public sealed record AgentAccessEntry(string FullPath, string SettingsJson);

/// <summary>The <c>projects</c> and <c>groups</c> a keyword lists; null when the keyword has no such list.</summary>
public sealed record AgentAccessSection(IReadOnlyList<AgentAccessEntry>? Projects, IReadOnlyList<AgentAccessEntry>? Groups);

/// <summary>
/// What <c>agent_configuration</c> posts, already parsed: the whole configuration as JSON text, the two keywords
/// that grant access, and <c>user_access</c>'s <c>access_as</c> slice (<c>{"access_as":{...}}</c>, or <c>{}</c>
/// without one), which GitLab copies onto every user-access authorization.
/// </summary>
public sealed record AgentConfigurationUpdate(long AgentId, string ConfigJson, AgentAccessSection CiAccess, AgentAccessSection UserAccess, string UserAccessAsJson);

/// <summary>How an agent's configuration changed nothing, or everything.</summary>
public enum AgentConfigurationOutcome
{
    /// <summary>Stored, authorizations refreshed.</summary>
    Stored,

    /// <summary>No agent with that id.</summary>
    AgentNotFound,

    /// <summary>The configuration is larger than one stored row can hold.</summary>
    TooLarge,
}

/// <summary>Which keyword granted an authorization.</summary>
[Flags]
public enum AgentAccessKinds
{
    /// <summary>None.</summary>
    None = 0,

    /// <summary><c>ci_access</c>: CI jobs of the project (or the group's projects) may use the agent.</summary>
    Ci = 1,

    /// <summary><c>user_access</c>: members of the project (or group) may reach the cluster through KAS.</summary>
    User = 2,
}

/// <summary>A stored authorization of an agent for a project or a group.</summary>
public sealed record AgentAuthorization(bool IsGroup, long TargetId, AgentAccessKinds Kinds, string? CiSettingsJson, string? UserAccessAsJson);
