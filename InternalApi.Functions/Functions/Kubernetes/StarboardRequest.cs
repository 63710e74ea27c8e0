using System.Globalization;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using InternalApi.Core.Kubernetes;
using InternalApi.Functions.Hosting;

namespace InternalApi.Functions.Functions.Kubernetes;

/// <summary>
/// The Starboard endpoints' declared parameters (spec §4.5–4.6), checked as Grape checks them: every declared
/// parameter in declaration order, nested names in brackets (<c>vulnerability[location][image] is missing</c>),
/// children of a missing or malformed object not looked at, all problems answered at once as 400
/// <c>{"error":"..."}</c>. A string parameter takes any JSON scalar as its text (form bodies carry only text);
/// an object or array where text is declared is invalid.
/// </summary>
internal static class StarboardRequest
{
    private static readonly JsonSerializerOptions Compact = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>The PUT body as a report, or 400 naming every problem.</summary>
    public static StarboardReport ReadReport(JsonObject parameters)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        var errors = new ParameterErrors();
        var vulnerability = RequiredObject(parameters, "vulnerability", "vulnerability", errors);
        string? name = null, severity = null, confidence = null, message = null, description = null, solution = null, links = null;
        ReportedLocation? location = null;
        JsonObject? locationObject = null;
        List<ReportedIdentifier>? identifiers = null;
        if (vulnerability is not null)
        {
            name = RequiredText(vulnerability, "name", "vulnerability[name]", errors);
            severity = RequiredText(vulnerability, "severity", "vulnerability[severity]", errors)?.ToLowerInvariant();
            confidence = OptionalText(vulnerability, "confidence", "vulnerability[confidence]", errors)?.ToLowerInvariant();
            locationObject = RequiredObject(vulnerability, "location", "vulnerability[location]", errors);
            if (locationObject is not null)
            {
                location = ReadLocation(locationObject, errors);
            }

            identifiers = ReadIdentifiers(vulnerability, errors);
            message = OptionalText(vulnerability, "message", "vulnerability[message]", errors);
            description = OptionalText(vulnerability, "description", "vulnerability[description]", errors);
            solution = OptionalText(vulnerability, "solution", "vulnerability[solution]", errors);
            links = vulnerability["links"] switch
            {
                null => null,
                JsonArray array => array.ToJsonString(Compact),
                _ => Invalid("vulnerability[links]", errors),
            };

            // The model's enums: GitLab fails on other values when it saves; refusing them here is the 400 it should be.
            if (severity is not null && !StarboardValues.Severities.Contains(severity))
            {
                errors.Add("vulnerability[severity] does not have a valid value");
            }

            if (confidence is not null && !StarboardValues.Confidences.Contains(confidence))
            {
                errors.Add("vulnerability[confidence] does not have a valid value");
            }
        }

        var scanner = RequiredObject(parameters, "scanner", "scanner", errors);
        string? scannerId = null, scannerName = null, vendorName = null;
        if (scanner is not null)
        {
            scannerId = RequiredText(scanner, "id", "scanner[id]", errors);
            scannerName = RequiredText(scanner, "name", "scanner[name]", errors);
            if (RequiredObject(scanner, "vendor", "scanner[vendor]", errors) is { } vendor)
            {
                vendorName = RequiredText(vendor, "name", "scanner[vendor][name]", errors);
            }
        }

        errors.ThrowIfAny();
        return new StarboardReport
        {
            Name = name!,
            Severity = severity!,
            Confidence = confidence,
            Location = location!,
            LocationJson = locationObject!.ToJsonString(Compact),
            Identifiers = identifiers!,
            Message = message,
            Description = description,
            Solution = solution,
            LinksJson = links,
            ScannerId = scannerId!,
            ScannerName = scannerName!,
            ScannerVendor = vendorName!,
        };
    }

    /// <summary>
    /// <c>uuids</c> of <c>scan_result</c>: a required array of strings, each a UUID (in any form PostgreSQL's uuid type
    /// reads), as canonical lower-case text. GitLab compares them with a uuid column and fails (500) on other text;
    /// here that is the parameter's 400.
    /// </summary>
    public static IReadOnlySet<string> ReadUuids(JsonObject parameters)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        switch (parameters["uuids"])
        {
            case null:
                throw ApiErrorException.Parameters(["uuids is missing"]);
            case JsonArray array:
                var set = new HashSet<string>(StringComparer.Ordinal);
                foreach (var item in array)
                {
                    if (Scalar(item) is not { } text || !Guid.TryParse(text, CultureInfo.InvariantCulture, out var uuid))
                    {
                        throw ApiErrorException.Parameters(["uuids is invalid"]);
                    }

                    set.Add(uuid.ToString("D", CultureInfo.InvariantCulture));
                }

                return set;
            default:
                throw ApiErrorException.Parameters(["uuids is invalid"]);
        }
    }

    private static ReportedLocation? ReadLocation(JsonObject location, ParameterErrors errors)
    {
        var image = RequiredText(location, "image", "vulnerability[location][image]", errors);
        string? packageName = null;
        if (RequiredObject(location, "dependency", "vulnerability[location][dependency]", errors) is { } dependency)
        {
            if (RequiredObject(dependency, "package", "vulnerability[location][dependency][package]", errors) is { } package)
            {
                packageName = RequiredText(package, "name", "vulnerability[location][dependency][package][name]", errors);
            }

            OptionalText(dependency, "version", "vulnerability[location][dependency][version]", errors);
        }

        string? ns = null, resourceName = null, kind = null, containerName = null, agentId = null, container = null;
        const string Resource = "vulnerability[location][kubernetes_resource]";
        if (RequiredObject(location, "kubernetes_resource", Resource, errors) is { } resource)
        {
            ns = RequiredText(resource, "namespace", Resource + "[namespace]", errors);
            resourceName = RequiredText(resource, "name", Resource + "[name]", errors);
            kind = RequiredText(resource, "kind", Resource + "[kind]", errors);
            containerName = RequiredText(resource, "container_name", Resource + "[container_name]", errors);
            agentId = RequiredText(resource, "agent_id", Resource + "[agent_id]", errors);

            // Not declared, but GitLab's location fingerprint reads it (spec §4.5 step 2).
            container = Scalar(resource["container"]);
        }

        OptionalText(location, "operating_system", "vulnerability[location][operating_system]", errors);
        return image is null || packageName is null || ns is null || resourceName is null || kind is null || containerName is null || agentId is null
            ? null
            : new ReportedLocation(image, packageName, ns, kind, resourceName, containerName, agentId, container);
    }

    private static List<ReportedIdentifier>? ReadIdentifiers(JsonObject vulnerability, ParameterErrors errors)
    {
        switch (vulnerability["identifiers"])
        {
            case null:
                errors.Missing("vulnerability[identifiers]");
                return null;
            case JsonArray array when array.All(i => i is JsonObject):
                // The UUID needs a primary identifier; GitLab fails on an empty list.
                if (array.Count == 0)
                {
                    errors.Add("vulnerability[identifiers] is empty");
                    return null;
                }

                var list = new List<ReportedIdentifier>();
                for (var i = 0; i < array.Count; i++)
                {
                    var item = (JsonObject)array[i]!;
                    var path = string.Create(CultureInfo.InvariantCulture, $"vulnerability[identifiers][{i}]");
                    var type = RequiredText(item, "type", path + "[type]", errors);
                    var name = RequiredText(item, "name", path + "[name]", errors);
                    var value = OptionalText(item, "value", path + "[value]", errors);
                    var url = OptionalText(item, "url", path + "[url]", errors);
                    if (type is not null && name is not null)
                    {
                        list.Add(new ReportedIdentifier(type, name, value, url, Scalar(item["external_type"]), Scalar(item["external_id"])));
                    }
                }

                return list;
            default:
                errors.Invalid("vulnerability[identifiers]");
                return null;
        }
    }

    private static JsonObject? RequiredObject(JsonObject parent, string key, string path, ParameterErrors errors)
    {
        switch (parent[key])
        {
            case null:
                errors.Missing(path);
                return null;
            case JsonObject obj:
                return obj;
            default:
                errors.Invalid(path);
                return null;
        }
    }

    private static string? RequiredText(JsonObject parent, string key, string path, ParameterErrors errors)
    {
        if (parent[key] is null)
        {
            errors.Missing(path);
            return null;
        }

        return OptionalText(parent, key, path, errors);
    }

    private static string? OptionalText(JsonObject parent, string key, string path, ParameterErrors errors)
    {
        var node = parent[key];
        if (node is null)
        {
            return null;
        }

        if (Scalar(node) is { } text)
        {
            return text;
        }

        errors.Invalid(path);
        return null;
    }

    private static string? Invalid(string path, ParameterErrors errors)
    {
        errors.Invalid(path);
        return null;
    }

    /// <summary>A JSON string as is, a number or boolean as its text; null for anything else.</summary>
    private static string? Scalar(JsonNode? node) => node switch
    {
        JsonValue v when v.GetValueKind() == JsonValueKind.String => v.GetValue<string>(),
        JsonValue v when v.GetValueKind() is JsonValueKind.Number or JsonValueKind.True or JsonValueKind.False => v.ToJsonString(),
        _ => null,
    };
}
