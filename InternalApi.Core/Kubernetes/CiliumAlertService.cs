using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using InternalApi.Core.Data;
using InternalApi.Core.Model;
using Microsoft.Extensions.Options;

namespace InternalApi.Core.Kubernetes;

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
/// <item>fingerprint: hex SHA-1 of the <c>flow</c> object without <c>time</c>, <c>Summary</c> and
/// <c>l4.TCP.flags</c> (what GitLab leaves out, so that repeats of one flow match), written as JSON with sorted keys;
/// without a <c>flow</c>, of the <c>fingerprint</c> field's text; without either, of the whole alert without its
/// start time. GitLab hashes Ruby's rendering of the flow instead, so fingerprints differ from GitLab's.</item>
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
    public async Task<CiliumAlertResult> RaiseAsync(ClusterAgent agent, JsonObject alert, CancellationToken cancellationToken = default)
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

        var payload = alert.ToJsonString();
        if (payload.Length > MaxPayloadLength)
        {
            // GitLab refuses payloads over its size limit with its service's 400.
            return new(KasRefusal.Invalid, null);
        }

        var now = time.GetUtcNow();
        var severity = Text(alert["severity"])?.ToLowerInvariant();
        var raised = await alerts.RaiseAsync(new NetworkAlert
        {
            ProjectId = project.Id,
            Iid = 0,
            Fingerprint = Fingerprint(alert),
            Title = Text(alert["ciliumNetworkPolicy"]?["metadata"]?["name"]) ?? Text(alert["title"]) ?? DefaultTitle,
            Description = Text(alert["flow"]?["verdict"]) ?? Text(alert["description"]) ?? Text(alert["message"]),
            Severity = severity is not null && Severities.Contains(severity) ? severity : "critical",
            Hosts = alert["hosts"] switch
            {
                JsonArray list => [.. list.Select(Text).OfType<string>()],
                var single => Text(single) is { } host ? [host] : [],
            },
            StartedAt = DateTimeOffset.TryParse(Text(alert["start_time"]), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var start) ? start : now,
            LastReportedAt = now,
            PayloadJson = payload,
        }, cancellationToken);
        return new(null, raised);
    }

    /// <summary>The deduplication key of an alert payload (see the class remarks).</summary>
    public static string Fingerprint(JsonObject alert)
    {
        ArgumentNullException.ThrowIfNull(alert);
        string basis;
        if (alert["flow"] is JsonObject flow)
        {
            var copy = (JsonObject)flow.DeepClone();
            copy.Remove("time");
            copy.Remove("Summary");
            (copy["l4"]?["TCP"] as JsonObject)?.Remove("flags");
            basis = Canonical(copy);
        }
        else if (Text(alert["fingerprint"]) is { } explicitFingerprint)
        {
            basis = explicitFingerprint;
        }
        else
        {
            var copy = (JsonObject)alert.DeepClone();
            copy.Remove("start_time");
            basis = Canonical(copy);
        }

#pragma warning disable CA5350 // A deduplication key like GitLab's (SHA-1); it protects nothing.
        return Convert.ToHexStringLower(SHA1.HashData(Encoding.UTF8.GetBytes(basis)));
#pragma warning restore CA5350
    }

    /// <summary>JSON with object keys sorted (ordinal) at every level, so equal payloads hash equally.</summary>
    private static string Canonical(JsonNode? node) => node switch
    {
        JsonObject obj => "{" + string.Join(",", obj.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => JsonSerializer.Serialize(p.Key, CiliumJsonContext.Default.String) + ":" + Canonical(p.Value))) + "}",
        JsonArray array => "[" + string.Join(",", array.Select(Canonical)) + "]",
        null => "null",
        _ => node.ToJsonString(),
    };

    private static string? Text(JsonNode? node) => node switch
    {
        JsonValue v when v.GetValueKind() == JsonValueKind.String => v.GetValue<string>(),
        JsonValue v when v.GetValueKind() is JsonValueKind.Number or JsonValueKind.True or JsonValueKind.False => v.ToJsonString(),
        _ => null,
    };
}

/// <summary>Source-generated JSON for canonical keys.</summary>
[System.Text.Json.Serialization.JsonSerializable(typeof(string))]
internal sealed partial class CiliumJsonContext : System.Text.Json.Serialization.JsonSerializerContext;
