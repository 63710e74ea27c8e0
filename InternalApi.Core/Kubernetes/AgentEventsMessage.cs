namespace InternalApi.Core.Kubernetes;

/// <summary>One use of KAS's Kubernetes API proxy by a user, in a project's context.</summary>
public sealed record AgentUserEvent(long? UserId, long? ProjectId);

/// <summary>An agent that registered with KAS (<c>register_agent_at_kas</c>); older agents send no agent id or Kubernetes version.</summary>
public sealed record AgentRegistration(
    long? ProjectId,
    long? AgentId,
    string? AgentVersion,
    string? Architecture,
    string? KubernetesVersion,
    string? InstallationMethod,
    string? HelmChartVersion);

/// <summary>The message on queue <c>agent-events</c>: one validated <c>agent_events</c> call, events as KAS sent them.</summary>
public sealed record AgentEventsMessage
{
    /// <summary>The user events by name (<see cref="AgentEventNames.UserEvents"/>; empty lists already dropped).</summary>
    public Dictionary<string, AgentUserEvent[]> UserEvents { get; init; } = [];

    /// <summary>The agents that registered.</summary>
    public AgentRegistration[] Registrations { get; init; } = [];

    /// <summary>When the call was received; its UTC date is the day the events count for.</summary>
    public required DateTimeOffset ReceivedAt { get; init; }
}

/// <summary>
/// The events <c>agent_events</c> takes, and the usage metrics they add to. GitLab turns each event into an internal
/// event; the three user events feed the same unique-user metrics as <c>usage_metrics</c>' unique counters of the
/// same names, and all three together <c>agent_users_using_ci_tunnel</c> — so they land in the same day sets here.
/// </summary>
public static class AgentEventNames
{
    /// <summary>The user events.</summary>
    public static readonly IReadOnlyList<string> UserEvents =
    [
        "k8s_api_proxy_requests_unique_users_via_ci_access",
        "k8s_api_proxy_requests_unique_users_via_user_access",
        "k8s_api_proxy_requests_unique_users_via_pat_access",
    ];

    /// <summary>The registration event.</summary>
    public const string RegisterAgent = "register_agent_at_kas";

    /// <summary>The counter of registrations.</summary>
    public const string RegistrationsCounter = RegisterAgent;

    /// <summary>The day set of agents that registered (by agent id, when sent).</summary>
    public const string RegisteredAgents = "register_agent_at_kas_unique_agents";

    /// <summary>The unique counter every user event also adds to.</summary>
    public const string AllTunnelUsers = "agent_users_using_ci_tunnel";
}
