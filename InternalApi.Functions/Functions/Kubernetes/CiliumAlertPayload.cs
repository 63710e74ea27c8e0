using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using InternalApi.Core.Kubernetes;

namespace InternalApi.Functions.Functions.Kubernetes;

/// <summary>
/// Reads the generic alert payload of <c>cilium_alert</c> (spec §4.9) into Core's <see cref="CiliumAlertReport"/>:
/// <list type="bullet">
/// <item>title: <c>ciliumNetworkPolicy.metadata.name</c>, else <c>title</c>; description: <c>flow.verdict</c>, else
/// <c>description</c>, else <c>message</c>; severity, start time and hosts (a string or a list) as sent;</item>
/// <item>fingerprint: hex SHA-1 of the <c>flow</c> object without <c>time</c>, <c>Summary</c> and
/// <c>l4.TCP.flags</c> (what GitLab leaves out, so that repeats of one flow match), written as JSON with sorted keys;
/// without a <c>flow</c>, of the <c>fingerprint</c> field's text; without either, of the whole alert without its
/// start time. GitLab hashes Ruby's rendering of the flow instead, so fingerprints differ from GitLab's.</item>
/// </list>
/// Scalars read as their text (form bodies carry only text); anything else reads as absent.
/// </summary>
public static class CiliumAlertPayload
{
    /// <summary>The report of an alert payload.</summary>
    public static CiliumAlertReport Read(JsonObject alert)
    {
        ArgumentNullException.ThrowIfNull(alert);
        return new CiliumAlertReport(
            alert.ToJsonString(),
            Fingerprint(alert),
            Text(alert["ciliumNetworkPolicy"]?["metadata"]?["name"]) ?? Text(alert["title"]),
            Text(alert["flow"]?["verdict"]) ?? Text(alert["description"]) ?? Text(alert["message"]),
            Text(alert["severity"]),
            alert["hosts"] switch
            {
                JsonArray list => [.. list.Select(Text).OfType<string>()],
                var single => Text(single) is { } host ? [host] : [],
            },
            Text(alert["start_time"]));
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
