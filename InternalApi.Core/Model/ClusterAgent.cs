namespace InternalApi.Core.Model;

/// <summary>
/// A GitLab agent for Kubernetes registered in a project (its configuration project). KAS authenticates
/// as the agent with one of the agent's tokens.
/// </summary>
public sealed record ClusterAgent
{
    /// <summary>Id (the agent's database id; KAS sends it back as <c>agent_id</c>).</summary>
    public required long Id { get; init; }

    /// <summary>Name, unique in its project (a DNS label: <c>.gitlab/agents/&lt;name&gt;/config.yaml</c>).</summary>
    public required string Name { get; init; }

    /// <summary>The configuration project the agent is registered in.</summary>
    public required long ProjectId { get; init; }

    /// <summary>Who registered it (the Starboard endpoints act with this user's permissions).</summary>
    public long? CreatedById { get; init; }

    /// <summary>Creation time.</summary>
    public DateTimeOffset CreatedAt { get; init; }

    /// <summary>Whether a Starboard finding was ever reported by this agent (GitLab's <c>has_vulnerabilities</c>).</summary>
    public bool HasVulnerabilities { get; init; }
}

/// <summary>Status of an agent token: only active ones authenticate.</summary>
public enum AgentTokenStatus
{
    /// <summary>Usable.</summary>
    Active,

    /// <summary>Revoked: refused with 401.</summary>
    Revoked,
}

/// <summary>A token of a cluster agent; only its SHA-256 digest is stored (<see cref="SecretDigest"/>).</summary>
public sealed record AgentToken
{
    /// <summary>Id.</summary>
    public required long Id { get; init; }

    /// <summary>The agent it authenticates.</summary>
    public required long AgentId { get; init; }

    /// <summary>Lower-case hex SHA-256 of the token text.</summary>
    public required string Digest { get; init; }

    /// <summary>Name.</summary>
    public required string Name { get; init; }

    /// <summary>Description, or null.</summary>
    public string? Description { get; init; }

    /// <summary>Active or revoked.</summary>
    public AgentTokenStatus Status { get; init; } = AgentTokenStatus.Active;

    /// <summary>Who created it.</summary>
    public long? CreatedById { get; init; }

    /// <summary>Creation time.</summary>
    public DateTimeOffset CreatedAt { get; init; }

    /// <summary>Last use (written at most once per <c>Kas:AgentTokenUsageInterval</c>).</summary>
    public DateTimeOffset? LastUsedAt { get; init; }
}
