using InternalApi.Core.Data;
using InternalApi.Core.Model;
using Microsoft.Extensions.Options;

namespace InternalApi.Core.Kubernetes;

/// <summary>One schedule a cluster agent runs scans on (spec §4.8).</summary>
public sealed record AgentScanSchedule(string Cadence, IReadOnlyList<string> Namespaces, DateTimeOffset UpdatedAt);

/// <summary>What a policy endpoint came to: its items, or a refusal.</summary>
public readonly record struct PolicyResult<T>(KasRefusal? Refusal, IReadOnlyList<T> Items, DateTimeOffset UpdatedAt);

/// <summary>
/// The security orchestration side of KAS's Starboard module (spec §4.7–4.8): which scan execution policies of
/// the agent's project concern the agent, and the scan schedules the agent must run.
/// </summary>
public sealed class SecurityPolicyService(ProjectStore projects, SecurityPolicyStore policies, IOptions<KubernetesOptions> options)
{
    /// <summary>Scans the agent runs itself: only policies with one of these actions configure it.</summary>
    public static readonly IReadOnlySet<string> ClusterScans = new HashSet<string>(["container_scanning", "cluster_image_scanning"], StringComparer.Ordinal);

    /// <summary>
    /// The scan execution policies of the agent's project that name this agent in a rule's <c>agents</c>, enabled
    /// or not (the answer says which). With <see cref="KubernetesOptions.ScanExecutionPoliciesOfAllAgents"/> every
    /// policy of the project is answered, as GitLab's policy finder returns them (spec appendix B, point 14).
    /// </summary>
    public Task<PolicyResult<ScanExecutionPolicy>> ScanExecutionPoliciesAsync(ClusterAgent agent, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(agent);
        var all = options.Value.ScanExecutionPoliciesOfAllAgents;
        return SelectAsync(agent, configuration => configuration.ScanExecutionPolicies
            .Where(p => all || p.Rules.Any(r => Targets(r, agent))), cancellationToken);
    }

    /// <summary>
    /// One entry per rule of type <c>schedule</c> naming this agent, in every <em>enabled</em> policy whose actions
    /// include a cluster scan (<see cref="ClusterScans"/>), as GitLab's operational configuration service selects them.
    /// </summary>
    public Task<PolicyResult<AgentScanSchedule>> SchedulesAsync(ClusterAgent agent, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(agent);
        return SelectAsync(agent, configuration => configuration.ScanExecutionPolicies
            .Where(p => p.Enabled && p.Actions.Any(a => ClusterScans.Contains(a.Scan)))
            .SelectMany(p => p.Rules)
            .Where(r => r.Type == "schedule" && r.Cadence is not null && Targets(r, agent))
            .Select(r => new AgentScanSchedule(r.Cadence!, r.Agents.First(a => a.AgentName == agent.Name).Namespaces, configuration.UpdatedAt)), cancellationToken);
    }

    private async Task<PolicyResult<T>> SelectAsync<T>(ClusterAgent agent, Func<SecurityPolicyConfiguration, IEnumerable<T>> select, CancellationToken cancellationToken)
    {
        if (await projects.GetProjectAsync(agent.ProjectId, cancellationToken) is not { } project)
        {
            return new(KasRefusal.NotFound, [], default);
        }

        if (!options.Value.SecurityOrchestrationPoliciesLicensed)
        {
            return new(KasRefusal.NotLicensed, [], default);
        }

        var configuration = await policies.GetAsync(project.Id, cancellationToken);
        return configuration is null ? new(null, [], default) : new(null, [.. select(configuration)], configuration.UpdatedAt);
    }

    private static bool Targets(PolicyRule rule, ClusterAgent agent) => rule.Agents.Any(a => a.AgentName == agent.Name);
}
