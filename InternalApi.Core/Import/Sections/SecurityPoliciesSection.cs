using InternalApi.Core.Kubernetes;
using InternalApi.Core.Model;

namespace InternalApi.Core.Import;

/// <summary>
/// <c>security_policies</c>: a project's security policy configuration — <c>project_id</c>,
/// <c>security_policy_project_id</c>, <c>updated_at</c>, and <c>scan_execution_policies: [{ name, description, enabled,
/// actions: [{ scan, scanner_profile, site_profile }], rules: [{ type, branches, cadence, agents: [{ name, namespaces }] }] }]</c>,
/// the content of GitLab's <c>policy.yml</c> with the agents map written as a list.
/// </summary>
public sealed class SecurityPoliciesSection(SecurityPolicyStore policies) : ImportSection<SecurityPolicyConfiguration>
{
    /// <summary>Scans a scan execution policy can run.</summary>
    private static readonly IReadOnlyDictionary<string, string> Scans = new[]
    {
        "sast", "sast_iac", "dependency_scanning", "container_scanning", "cluster_image_scanning", "secret_detection", "dast",
    }.ToDictionary(s => s, s => s, StringComparer.Ordinal);

    /// <summary>Rule types.</summary>
    private static readonly IReadOnlyDictionary<string, string> RuleTypes = new[] { "pipeline", "schedule" }.ToDictionary(s => s, s => s, StringComparer.Ordinal);

    /// <inheritdoc/>
    public override string Name => "security_policies";

    /// <inheritdoc/>
    protected override SecurityPolicyConfiguration Read(ImportReader record)
    {
        ArgumentNullException.ThrowIfNull(record);
        // Required, and then an ISO time (read as text first so that each problem is reported once).
        var updatedAt = record.Text("updated_at", required: true) is null ? null : record.Time("updated_at");

        return new SecurityPolicyConfiguration
        {
            ProjectId = record.Id("project_id", required: true) ?? 0,
            SecurityPolicyProjectId = record.Id("security_policy_project_id"),
            UpdatedAt = updatedAt ?? DateTimeOffset.UnixEpoch,
            ScanExecutionPolicies = [.. record.Objects("scan_execution_policies").Select(ReadPolicy)],
        };
    }

    private static ScanExecutionPolicy ReadPolicy(ImportReader policy)
    {
        var actions = policy.Objects("actions").Select(a => new PolicyAction(RequiredChoice(a, "scan", Scans), a.Text("scanner_profile"), a.Text("site_profile"))).ToList();
        if (actions.Count == 0)
        {
            policy.Error("actions", "must list at least one action");
        }

        var rules = policy.Objects("rules").Select(ReadRule).ToList();
        if (rules.Count == 0)
        {
            policy.Error("rules", "must list at least one rule");
        }

        return new ScanExecutionPolicy
        {
            Name = policy.Text("name", required: true) ?? "",
            Description = policy.Text("description"),
            Enabled = policy.Bool("enabled", true),
            Actions = actions,
            Rules = rules,
        };
    }

    private static PolicyRule ReadRule(ImportReader rule)
    {
        var type = RequiredChoice(rule, "type", RuleTypes);

        var branches = rule.Strings("branches") ?? [];
        var cadence = rule.Text("cadence");
        var agents = rule.Objects("agents").Select(a => new PolicyAgentTarget(a.Text("name", required: true) ?? "", a.Strings("namespaces") ?? [])).ToList();
        if (type == "schedule" && cadence is null)
        {
            rule.Error("cadence", "is missing (a schedule rule needs a cron cadence)");
        }
        else if (cadence is not null && cadence.Split(' ', StringSplitOptions.RemoveEmptyEntries).Length != 5)
        {
            rule.Error("cadence", "must be a cron expression of five fields, e.g. '0 4 * * *'");
        }

        if (type == "pipeline" && branches.Count == 0)
        {
            rule.Error("branches", "is missing (a pipeline rule needs branches)");
        }

        if (type == "pipeline" && agents.Count > 0)
        {
            rule.Error("agents", "only schedule rules run in agents");
        }

        if (agents.GroupBy(a => a.AgentName, StringComparer.Ordinal).FirstOrDefault(g => g.Key.Length > 0 && g.Count() > 1) is { } twice)
        {
            rule.Error("agents", $"names agent '{twice.Key}' twice");
        }

        return new PolicyRule { Type = type, Branches = branches, Cadence = cadence, Agents = agents };
    }

    /// <summary>One of <paramref name="choices"/>, required; empty (after the problem is reported) otherwise.</summary>
    private static string RequiredChoice(ImportReader record, string field, IReadOnlyDictionary<string, string> choices)
    {
        var text = record.Text(field, required: true);
        if (text is null)
        {
            return "";
        }

        if (!choices.ContainsKey(text))
        {
            record.Error(field, $"must be one of {string.Join(", ", choices.Keys)}");
            return "";
        }

        return text;
    }

    /// <inheritdoc/>
    protected override void CheckFile(IEnumerable<ImportItem<SecurityPolicyConfiguration>> items, ImportContext context)
    {
        ArgumentNullException.ThrowIfNull(items);
        ArgumentNullException.ThrowIfNull(context);
        context.Duplicates(items, c => ImportContext.Key(c.ProjectId), "project_id", StringComparer.Ordinal);
        foreach (var item in items)
        {
            var names = new Dictionary<string, int>(StringComparer.Ordinal);
            var policies = item.Value.ScanExecutionPolicies;
            for (var i = 0; i < policies.Count; i++)
            {
                if (policies[i].Name.Length > 0 && !names.TryAdd(policies[i].Name, i))
                {
                    context.Error($"{item.Path}.scan_execution_policies[{i}]", "name", $"duplicate of {item.Path}.scan_execution_policies[{names[policies[i].Name]}]");
                }
            }
        }
    }

    /// <inheritdoc/>
    protected override async Task CheckAsync(ImportItem<SecurityPolicyConfiguration> item, ImportContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(item);
        ArgumentNullException.ThrowIfNull(context);
        if (!await context.ProjectExistsAsync(item.Value.ProjectId, cancellationToken))
        {
            context.Error(item.Path, "project_id", $"unknown project {item.Value.ProjectId}");
        }

        if (item.Value.SecurityPolicyProjectId is { } policyProject && !await context.ProjectExistsAsync(policyProject, cancellationToken))
        {
            context.Error(item.Path, "security_policy_project_id", $"unknown project {policyProject}");
        }
    }

    /// <inheritdoc/>
    protected override Task WriteAsync(SecurityPolicyConfiguration value, ImportContext context, CancellationToken cancellationToken) =>
        policies.UpsertAsync(value, cancellationToken);
}
