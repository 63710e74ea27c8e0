using System.Globalization;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using InternalApi.Core.Kubernetes;
using InternalApi.Core.Model;

namespace InternalApi.Core.Import;

/// <summary>A finding as the file gives it: the reporting agent, the report, and its state.</summary>
public sealed record StarboardFindingRecord(long AgentId, StarboardReport Report, VulnerabilityState State, DateTimeOffset? DetectedAt, DateTimeOffset? ResolvedAt);

/// <summary>
/// <c>starboard_vulnerabilities</c>: cluster image scanning findings as KAS would have reported them, flat —
/// <c>agent_id</c> (the reporting agent; the finding belongs to its project), <c>name</c>, <c>severity</c>,
/// <c>confidence</c>, <c>state</c>, <c>image</c>, <c>package_name</c>, <c>package_version</c>, <c>namespace</c>,
/// <c>kind</c>, <c>resource_name</c>, <c>container_name</c>, <c>operating_system</c>, <c>identifiers: [{ type, name,
/// value, url }]</c>, <c>scanner_id</c>, <c>scanner_name</c>, <c>scanner_vendor</c>, <c>message</c>,
/// <c>description</c>, <c>solution</c>, <c>detected_at</c>, <c>resolved_at</c>. The UUID is computed as the PUT computes it,
/// so a KAS report of the same finding finds the imported one.
/// </summary>
public sealed class StarboardVulnerabilitiesSection(AgentStore agents, StarboardStore findings, StarboardVulnerabilityService service) : ImportSection<StarboardFindingRecord>
{
    private static readonly IReadOnlyDictionary<string, VulnerabilityState> States = new Dictionary<string, VulnerabilityState>(StringComparer.Ordinal)
    {
        ["detected"] = VulnerabilityState.Detected,
        ["resolved"] = VulnerabilityState.Resolved,
    };

    private static readonly JsonSerializerOptions Compact = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <inheritdoc/>
    public override string Name => "starboard_vulnerabilities";

    /// <inheritdoc/>
    protected override StarboardFindingRecord Read(ImportReader record)
    {
        ArgumentNullException.ThrowIfNull(record);
        var agentId = record.Id("agent_id", required: true) ?? 0;
        var severity = record.Text("severity", required: true) ?? "unknown";
        if (!StarboardValues.Severities.Contains(severity))
        {
            record.Error("severity", $"must be one of {string.Join(", ", StarboardValues.Severities)}");
        }

        var confidence = record.Text("confidence");
        if (confidence is not null && !StarboardValues.Confidences.Contains(confidence))
        {
            record.Error("confidence", $"must be one of {string.Join(", ", StarboardValues.Confidences)}");
        }

        string Required(string name) => record.Text(name, required: true) ?? "";
        var image = Required("image");
        var packageName = Required("package_name");
        var packageVersion = record.Text("package_version");
        var ns = Required("namespace");
        var kind = Required("kind");
        var resourceName = Required("resource_name");
        var containerName = Required("container_name");
        var operatingSystem = record.Text("operating_system");
        var identifiers = record.Objects("identifiers")
            .Select(i => new ReportedIdentifier(i.Text("type", required: true) ?? "", i.Text("name", required: true) ?? "", i.Text("value"), i.Text("url")))
            .ToList();
        if (identifiers.Count == 0)
        {
            record.Error("identifiers", "must list at least one identifier (the first is the primary one)");
        }

        // The location object exactly as KAS sends it, so that stored findings look the same whoever created them.
        var location = new JsonObject
        {
            ["image"] = image,
            ["dependency"] = new JsonObject { ["package"] = new JsonObject { ["name"] = packageName }, ["version"] = packageVersion },
            ["kubernetes_resource"] = new JsonObject
            {
                ["namespace"] = ns,
                ["name"] = resourceName,
                ["kind"] = kind,
                ["container_name"] = containerName,
                ["agent_id"] = agentId.ToString(CultureInfo.InvariantCulture),
            },
            ["operating_system"] = operatingSystem,
        };
        var report = new StarboardReport
        {
            Name = record.Text("name", required: true) ?? "",
            Severity = severity,
            Confidence = confidence,
            Location = new ReportedLocation(image, packageName, ns, kind, resourceName, containerName, agentId.ToString(CultureInfo.InvariantCulture), null),
            LocationJson = location.ToJsonString(Compact),
            Identifiers = identifiers,
            Message = record.Text("message"),
            Description = record.Text("description"),
            Solution = record.Text("solution"),
            ScannerId = Required("scanner_id"),
            ScannerName = Required("scanner_name"),
            ScannerVendor = Required("scanner_vendor"),
        };
        if (report.Identifiers.Count > 0 && StarboardVulnerabilityService.ValidationProblem(report) is { } problem)
        {
            record.Error(problem.Field, problem.Message);
        }

        return new StarboardFindingRecord(agentId, report, record.Choice("state", States, VulnerabilityState.Detected), record.Time("detected_at"), record.Time("resolved_at"));
    }

    /// <inheritdoc/>
    protected override void CheckFile(IEnumerable<ImportItem<StarboardFindingRecord>> items, ImportContext context)
    {
        ArgumentNullException.ThrowIfNull(context);

        // The project is the agent's, so the agent and the UUID's other inputs decide the UUID.
        context.Duplicates(items, f => f.AgentId > 0 && f.Report.Identifiers.Count > 0 ? $"{f.AgentId} {service.Finding(f.AgentId, 0, f.Report).Uuid}" : null, null, StringComparer.Ordinal);
    }

    /// <inheritdoc/>
    protected override async Task CheckAsync(ImportItem<StarboardFindingRecord> item, ImportContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(item);
        ArgumentNullException.ThrowIfNull(context);
        var agentId = item.Value.AgentId;
        if (agentId > 0 && !context.Items<AgentRecord>().Any(a => a.Value.Agent.Id == agentId) && await agents.GetAgentAsync(agentId, cancellationToken) is null)
        {
            context.Error(item.Path, "agent_id", $"unknown agent {agentId}");
        }
    }

    /// <inheritdoc/>
    protected override async Task WriteAsync(StarboardFindingRecord value, ImportContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(value);
        var agent = await agents.GetAgentAsync(value.AgentId, cancellationToken)
            ?? throw new InvalidOperationException($"Agent {value.AgentId} vanished between the checks and the writes.");
        var finding = service.Finding(agent.Id, agent.ProjectId, value.Report);
        var detectedAt = value.DetectedAt ?? (await findings.GetAsync(agent.ProjectId, finding.Uuid, cancellationToken))?.Finding.DetectedAt ?? DateTimeOffset.UnixEpoch;
        await findings.UpsertAsync(finding with
        {
            State = value.State,
            DetectedAt = detectedAt,
            ResolvedAt = value.State == VulnerabilityState.Resolved ? value.ResolvedAt ?? detectedAt : null,
            UpdatedAt = detectedAt,
        }, cancellationToken);
        if (!agent.HasVulnerabilities)
        {
            await agents.MarkHasVulnerabilitiesAsync(agent.Id, cancellationToken);
        }
    }
}
