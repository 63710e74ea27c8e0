namespace InternalApi.Core.Model;

/// <summary>One action of a scan execution policy: which scan to run.</summary>
public sealed record PolicyAction(string Scan, string? ScannerProfile = null, string? SiteProfile = null);

/// <summary>The Kubernetes namespaces a schedule rule scans in one agent's cluster (empty = all).</summary>
public sealed record PolicyAgentTarget(string AgentName, IReadOnlyList<string> Namespaces);

/// <summary>A rule of a scan execution policy: <c>pipeline</c> (on branches) or <c>schedule</c> (a cron cadence, optionally for agents).</summary>
public sealed record PolicyRule
{
    /// <summary><c>pipeline</c> or <c>schedule</c>.</summary>
    public required string Type { get; init; }

    /// <summary>Branches (pipeline rules, and schedule rules for branch pipelines).</summary>
    public IReadOnlyList<string> Branches { get; init; } = [];

    /// <summary>Cron cadence of a schedule rule.</summary>
    public string? Cadence { get; init; }

    /// <summary>Agents a schedule rule runs in, with their namespaces.</summary>
    public IReadOnlyList<PolicyAgentTarget> Agents { get; init; } = [];
}

/// <summary>A scan execution policy as GitLab keeps it in the policy project's <c>policy.yml</c>.</summary>
public sealed record ScanExecutionPolicy
{
    /// <summary>Name.</summary>
    public required string Name { get; init; }

    /// <summary>Description, or null.</summary>
    public string? Description { get; init; }

    /// <summary>Enabled.</summary>
    public bool Enabled { get; init; } = true;

    /// <summary>What to scan.</summary>
    public required IReadOnlyList<PolicyAction> Actions { get; init; }

    /// <summary>When.</summary>
    public required IReadOnlyList<PolicyRule> Rules { get; init; }
}

/// <summary>A project's security policy configuration: its scan execution policies and when they last changed.</summary>
public sealed record SecurityPolicyConfiguration
{
    /// <summary>The project the policies apply to.</summary>
    public required long ProjectId { get; init; }

    /// <summary>The security policy project holding <c>policy.yml</c>, or null.</summary>
    public long? SecurityPolicyProjectId { get; init; }

    /// <summary>GitLab's <c>policy_last_updated_at</c>.</summary>
    public required DateTimeOffset UpdatedAt { get; init; }

    /// <summary>The scan execution policies, in file order.</summary>
    public required IReadOnlyList<ScanExecutionPolicy> ScanExecutionPolicies { get; init; }
}
