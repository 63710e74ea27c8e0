using System.Globalization;
using InternalApi.Core.Data;
using InternalApi.Core.Model;
using Microsoft.Extensions.Options;

namespace InternalApi.Core.Kubernetes;

/// <summary>
/// A Cilium alert as the edge read it from the generic alert payload (see <see cref="CiliumAlertService"/> for where
/// each value comes from): null where the payload has none.
/// </summary>
/// <param name="PayloadJson">The whole payload as JSON (kept with the alert, and what the size limit applies to).</param>
/// <param name="Fingerprint">The deduplication key of the payload.</param>
/// <param name="Title">The title, or null.</param>
/// <param name="Description">The description, or null.</param>
/// <param name="Severity">The severity as sent, or null.</param>
/// <param name="Hosts">The hosts named.</param>
/// <param name="StartTime">The start time as sent, or null.</param>
public sealed record CiliumAlertReport(string PayloadJson, string Fingerprint, string? Title, string? Description, string? Severity, IReadOnlyList<string> Hosts, string? StartTime);

/// <summary>What a <c>cilium_alert</c> call came to: the alert, or a refusal.</summary>
public readonly record struct CiliumAlertResult(KasRefusal? Refusal, NetworkAlert? Alert);

/// <summary>
/// The legacy Cilium network-alert module of KAS (spec §4.9, doc versions 000/002/003; removed from GitLab with the
/// Cilium integration, ~15.0). An alert of the agent's project is raised from a Hubble flow payload, deduplicated
/// by fingerprint: a repeat of an open alert counts an event instead of opening another.
/// <list type="bullet">
/// <item>title: <c>ciliumNetworkPolicy.metadata.name</c>, else <c>title</c>, else GitLab's <c>New: Alert</c>;</item>
/// <item>description: <c>flow.verdict</c>, else <c>description</c>, else <c>message</c>;</item>
/// <item>severity: <c>severity</c> if one of GitLab's (case-insensitive), else <c>critical</c>, GitLab's default;</item>
/// <item>start time: <c>start_time</c> (ISO 8601), else the time of the report; hosts: <c>hosts</c> (a string or a list);</item>
/// <item>fingerprint: computed from the flow by the edge (<c>CiliumAlertPayload</c>), which reads the payload.</item>
/// </list>
/// </summary>
public sealed class CiliumAlertService(ProjectStore projects, NetworkAlertStore alerts, IOptions<KubernetesOptions> options, TimeProvider time)
{
    /// <summary>Severities an alert may have.</summary>
    public static readonly IReadOnlySet<string> Severities = new HashSet<string>(["critical", "high", "medium", "low", "info", "unknown"], StringComparer.Ordinal);

    /// <summary>GitLab's title for an alert whose payload has none.</summary>
    public const string DefaultTitle = "New: Alert";

    /// <summary>Longest alert payload kept (JSON characters; a table property holds 32K).</summary>
    public const int MaxPayloadLength = 30_000;

    /// <summary>Raises (or counts again) the alert for the agent's project.</summary>
    public async Task<CiliumAlertResult> RaiseAsync(ClusterAgent agent, CiliumAlertReport alert, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(agent);
        ArgumentNullException.ThrowIfNull(alert);
        if (await projects.GetProjectAsync(agent.ProjectId, cancellationToken) is not { } project)
        {
            return new(KasRefusal.NotFound, null);
        }

        if (!options.Value.CiliumAlertsLicensed)
        {
            return new(KasRefusal.Forbidden, null);
        }

        if (alert.PayloadJson.Length > MaxPayloadLength)
        {
            // GitLab refuses payloads over its size limit with its service's error.
            return new(KasRefusal.Invalid, null);
        }

        var now = time.GetUtcNow();
        var severity = alert.Severity?.ToLowerInvariant();
        var raised = await alerts.RaiseAsync(new NetworkAlert
        {
            ProjectId = project.Id,
            Iid = 0,
            Fingerprint = alert.Fingerprint,
            Title = alert.Title ?? DefaultTitle,
            Description = alert.Description,
            Severity = severity is not null && Severities.Contains(severity) ? severity : "critical",
            Hosts = alert.Hosts,
            StartedAt = DateTimeOffset.TryParse(alert.StartTime, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var start) ? start : now,
            LastReportedAt = now,
            PayloadJson = alert.PayloadJson,
        }, cancellationToken);
        return new(null, raised);
    }
}
