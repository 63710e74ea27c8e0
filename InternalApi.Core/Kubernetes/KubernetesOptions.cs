namespace InternalApi.Core.Kubernetes;

/// <summary>
/// Settings of the KAS security modules (section <c>Kubernetes</c>). The <c>*Licensed</c> switches stand in
/// for GitLab's Ultimate license features, which these endpoints check per project; they default to on, as
/// an instance serving KAS security modules is licensed for them.
/// </summary>
public sealed class KubernetesOptions
{
    /// <summary>Configuration section.</summary>
    public const string SectionName = "Kubernetes";

    /// <summary>GitLab's production namespace of finding UUIDs (spec §4.5 step 4).</summary>
    public static readonly Guid ProductionUuidNamespace = new("58dc0f06-936c-43b3-93bb-71693f1b6570");

    /// <summary>
    /// Namespace of the name-based finding UUIDs. GitLab uses <see cref="ProductionUuidNamespace"/> in production,
    /// <c>a6930898-a1b2-4365-ab18-12aa474d9b26</c> on staging and <c>a143e9e2-41b3-47bc-9a19-081d089229f4</c> in
    /// development and test: set the one of the GitLab whose data this instance must stay compatible with.
    /// </summary>
    public Guid VulnerabilityUuidNamespace { get; set; } = ProductionUuidNamespace;

    /// <summary>License feature <c>security_dashboard</c>: without it the Starboard endpoints answer 403.</summary>
    public bool SecurityDashboardLicensed { get; set; } = true;

    /// <summary>License feature <c>security_orchestration_policies</c>: without it the policy endpoints answer 402.</summary>
    public bool SecurityOrchestrationPoliciesLicensed { get; set; } = true;

    /// <summary>
    /// <c>scan_execution_policies</c> answers every scan execution policy of the agent's project (as GitLab's policy
    /// finder would) instead of only those naming the agent in a rule (the spec's reading; appendix B, point 14).
    /// </summary>
    public bool ScanExecutionPoliciesOfAllAgents { get; set; }

    /// <summary>License feature <c>cilium_alerts</c>: without it <c>cilium_alert</c> answers 403.</summary>
    public bool CiliumAlertsLicensed { get; set; } = true;

    /// <summary>
    /// <c>project_info</c> and <c>verify_project_access</c> also grant the projects the agent's posted configuration
    /// authorizes (<c>ci_access</c> / <c>user_access</c>, directly or through a group). Off by default, as in GitLab:
    /// a configuration is written by the maintainers of the agent's project, and this would let their agent read
    /// private repositories of their root namespace that they cannot read themselves.
    /// </summary>
    public bool AgentConfigGrantsProjectAccess { get; set; }

    /// <summary>License feature <c>cluster_receptive_agents</c> (EE): without it <c>receptive_agents</c> answers 404, as CE does.</summary>
    public bool ReceptiveAgentsLicensed { get; set; }
}
