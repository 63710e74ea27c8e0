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
/// an object or array where text is declared is invalid. Read through the binder's <see cref="GrapeParameters"/>,
/// each nested reader's problems joining its parent's as soon as it is read, so they keep declaration order.
/// </summary>
internal static class StarboardRequest
{
    private static readonly JsonSerializerOptions Compact = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>The PUT body as a report, or 400 naming every problem.</summary>
    public static StarboardReport ReadReport(GrapeParameters parameters)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        string? name = null, severity = null, confidence = null, message = null, description = null, solution = null, links = null, locationJson = null;
        ReportedLocation? location = null;
        List<ReportedIdentifier>? identifiers = null;
        if (parameters.Hash("vulnerability", required: true) is { } vulnerability)
        {
            name = vulnerability.Text("name", required: true);
            severity = vulnerability.Text("severity", required: true)?.ToLowerInvariant();
            confidence = vulnerability.Text("confidence")?.ToLowerInvariant();
            if (vulnerability.Hash("location", required: true) is { } locationHash)
            {
                location = ReadLocation(locationHash);
                vulnerability.Absorb(locationHash);
                locationJson = vulnerability.Raw("location")!.ToJsonString(Compact);
            }

            identifiers = ReadIdentifiers(vulnerability);
            message = vulnerability.Text("message");
            description = vulnerability.Text("description");
            solution = vulnerability.Text("solution");
            switch (vulnerability.Raw("links"))
            {
                case null:
                    break;
                case JsonArray array:
                    links = array.ToJsonString(Compact);
                    break;
                default:
                    vulnerability.Report("links", "is invalid");
                    break;
            }

            // The model's enums: GitLab fails on other values when it saves; refusing them here is the 400 it should be.
            if (severity is not null && !StarboardValues.Severities.Contains(severity))
            {
                vulnerability.Report("severity", "does not have a valid value");
            }

            if (confidence is not null && !StarboardValues.Confidences.Contains(confidence))
            {
                vulnerability.Report("confidence", "does not have a valid value");
            }

            parameters.Absorb(vulnerability);
        }

        string? scannerId = null, scannerName = null, vendorName = null;
        if (parameters.Hash("scanner", required: true) is { } scanner)
        {
            scannerId = scanner.Text("id", required: true);
            scannerName = scanner.Text("name", required: true);
            if (scanner.Hash("vendor", required: true) is { } vendor)
            {
                vendorName = vendor.Text("name", required: true);
                scanner.Absorb(vendor);
            }

            parameters.Absorb(scanner);
        }

        parameters.ThrowIfAny();
        return new StarboardReport
        {
            Name = name!,
            Severity = severity!,
            Confidence = confidence,
            Location = location!,
            LocationJson = locationJson!,
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
    public static IReadOnlySet<string> ReadUuids(GrapeParameters parameters)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        switch (parameters.Raw("uuids"))
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

    private static ReportedLocation? ReadLocation(GrapeParameters location)
    {
        var image = location.Text("image", required: true);
        string? packageName = null;
        if (location.Hash("dependency", required: true) is { } dependency)
        {
            if (dependency.Hash("package", required: true) is { } package)
            {
                packageName = package.Text("name", required: true);
                dependency.Absorb(package);
            }

            dependency.Text("version");
            location.Absorb(dependency);
        }

        string? ns = null, resourceName = null, kind = null, containerName = null, agentId = null, container = null;
        if (location.Hash("kubernetes_resource", required: true) is { } resource)
        {
            ns = resource.Text("namespace", required: true);
            resourceName = resource.Text("name", required: true);
            kind = resource.Text("kind", required: true);
            containerName = resource.Text("container_name", required: true);
            agentId = resource.Text("agent_id", required: true);

            // Not declared, but GitLab's location fingerprint reads it (spec §4.5 step 2).
            container = resource.Scalar("container");
            location.Absorb(resource);
        }

        location.Text("operating_system");
        return image is null || packageName is null || ns is null || resourceName is null || kind is null || containerName is null || agentId is null
            ? null
            : new ReportedLocation(image, packageName, ns, kind, resourceName, containerName, agentId, container);
    }

    private static List<ReportedIdentifier>? ReadIdentifiers(GrapeParameters vulnerability)
    {
        var items = vulnerability.Objects("identifiers", required: true, item =>
        {
            var type = item.Text("type", required: true);
            var name = item.Text("name", required: true);
            var value = item.Text("value");
            var url = item.Text("url");
            return type is not null && name is not null
                ? new ReportedIdentifier(type, name, value, url, item.Scalar("external_type"), item.Scalar("external_id"))
                : null;
        });

        // The UUID needs a primary identifier; GitLab fails on an empty list.
        if (items is { Count: 0 })
        {
            vulnerability.Report("identifiers", "is empty");
            return null;
        }

        return items is null ? null : [.. items.OfType<ReportedIdentifier>()];
    }

    /// <summary>A JSON string as is, a number or boolean as its text; null for anything else.</summary>
    private static string? Scalar(JsonNode? node) => node switch
    {
        JsonValue v when v.GetValueKind() == JsonValueKind.String => v.GetValue<string>(),
        JsonValue v when v.GetValueKind() is JsonValueKind.Number or JsonValueKind.True or JsonValueKind.False => v.ToJsonString(),
        _ => null,
    };
}
