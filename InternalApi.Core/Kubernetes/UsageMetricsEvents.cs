namespace InternalApi.Core.Kubernetes;

/// <summary>
/// The event names <c>usage_metrics</c> understands (spec §4.4): the union of every GitLab release's lists,
/// so older and newer KAS versions are both counted. Other names are ignored.
/// </summary>
public static class UsageMetricsEvents
{
    /// <summary>Counters (integer increments).</summary>
    public static readonly IReadOnlyList<string> Counters =
    [
        "gitops_sync", "k8s_api_proxy_request", "flux_git_push_notifications_total", "k8s_api_proxy_requests_via_ci_access",
        "k8s_api_proxy_requests_via_user_access", "k8s_api_proxy_requests_via_pat_access",
    ];

    /// <summary>Unique counters (sets of ids).</summary>
    public static readonly IReadOnlyList<string> UniqueCounters =
    [
        "agent_users_using_ci_tunnel", "k8s_api_proxy_requests_unique_users_via_ci_access", "k8s_api_proxy_requests_unique_agents_via_ci_access",
        "k8s_api_proxy_requests_unique_users_via_user_access", "k8s_api_proxy_requests_unique_agents_via_user_access",
        "k8s_api_proxy_requests_unique_users_via_pat_access", "k8s_api_proxy_requests_unique_agents_via_pat_access",
        "flux_git_push_notified_unique_projects",
    ];

    /// <summary>Counters only <c>agent_events</c> adds to (<c>usage_metrics</c> does not take them).</summary>
    public static readonly IReadOnlyList<string> AgentEventCounters = [AgentEventNames.RegistrationsCounter];

    /// <summary>Unique counters only <c>agent_events</c> adds to.</summary>
    public static readonly IReadOnlyList<string> AgentEventUniqueCounters = [AgentEventNames.RegisteredAgents];
}
