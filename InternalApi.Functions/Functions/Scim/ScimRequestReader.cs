using System.Text.Json;
using System.Text.Json.Nodes;
using InternalApi.Core.Scim;

namespace InternalApi.Functions.Functions.Scim;

/// <summary>
/// Reads SCIM bodies into Core's typed requests, as GitLab maps them (spec §6.1). SCIM bodies are free-form JSON
/// rather than Grape-declared parameters, so they are read from the merged parameters directly; this is the one
/// place that does.
/// </summary>
internal static class ScimRequestReader
{
    private static readonly Dictionary<string, string> AttributeTable = new(StringComparer.Ordinal)
    {
        ["active"] = "active",
        ["id"] = "extern_uid",
        ["externalId"] = "extern_uid",
        ["userName"] = "username",
        ["displayName"] = "name",
        ["name.formatted"] = "name",
        ["emails[type eq \"work\"].value"] = "email",
    };

    /// <summary>
    /// The create request: <c>externalId</c>, <c>userName</c>, the first e-mail of type <c>work</c> or marked primary,
    /// and <c>name.formatted</c> or given + family name. Values of the wrong JSON type read as absent.
    /// </summary>
    public static ScimCreateRequest Create(JsonObject parameters)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        string? email = null;
        if (parameters["emails"] is JsonArray emails)
        {
            email = emails.OfType<JsonObject>()
                .FirstOrDefault(e => Text(e["type"]) == "work" || e["primary"] is JsonValue p && (p.GetValueKind() == JsonValueKind.True || Text(p) is "true"))
                is { } chosen ? NonEmpty(Text(chosen["value"])) : null;
        }

        string? name = null;
        if (parameters["name"] is JsonObject n)
        {
            name = NonEmpty(Text(n["formatted"])) ?? NonEmpty(string.Join(' ', new[] { Text(n["givenName"]), Text(n["familyName"]) }.Where(s => !string.IsNullOrWhiteSpace(s))));
        }

        return new ScimCreateRequest(NonEmpty(Text(parameters["externalId"])), NonEmpty(Text(parameters["userName"])), email, name);
    }

    /// <summary>
    /// The PATCH operations: <c>op</c> add/replace in any case (others ignored), a <c>path</c> through the attribute
    /// table or, without one, the first pair of an object value; quotes removed and <c>true</c>/<c>false</c> in any
    /// case as booleans. Later operations win. Null when <c>Operations</c> is not an array.
    /// </summary>
    public static ScimPatch? Patch(JsonObject parameters)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        if (parameters["Operations"] is not JsonArray operations)
        {
            return null;
        }

        var attributes = new Dictionary<string, object>(StringComparer.Ordinal);
        foreach (var operation in operations.OfType<JsonObject>())
        {
            var op = Text(operation["op"]);
            if (!string.Equals(op, "replace", StringComparison.OrdinalIgnoreCase) && !string.Equals(op, "add", StringComparison.OrdinalIgnoreCase))
            {
                continue;
            }

            var value = operation["value"];
            if (Text(operation["path"]) is { } path)
            {
                Set(attributes, path, value);
            }
            else if (value is JsonObject pairs && pairs.FirstOrDefault() is { Key: { } key } first)
            {
                Set(attributes, key, first.Value);
            }
        }

        return new ScimPatch(attributes);
    }

    private static void Set(Dictionary<string, object> attributes, string path, JsonNode? value)
    {
        if (!AttributeTable.TryGetValue(path, out var attribute) || Value(value) is not { } parsed)
        {
            // GitLab ignores what its attribute table does not name.
            return;
        }

        attributes[attribute] = parsed;
    }

    private static object? Value(JsonNode? node)
    {
        if (node is JsonValue v && v.GetValueKind() is JsonValueKind.True or JsonValueKind.False)
        {
            return v.GetValueKind() == JsonValueKind.True;
        }

        if (Text(node) is not { } text)
        {
            return null;
        }

        text = text.Replace("\"", "", StringComparison.Ordinal);
        return text.ToLowerInvariant() switch
        {
            "true" => true,
            "false" => false,
            _ => text,
        };
    }

    /// <summary>A scalar's text (strings as they are, numbers and booleans as JSON writes them); null for anything else.</summary>
    private static string? Text(JsonNode? node) => node is JsonValue v
        ? v.GetValueKind() switch
        {
            JsonValueKind.String => v.GetValue<string>(),
            JsonValueKind.Number or JsonValueKind.True or JsonValueKind.False => v.ToJsonString(),
            _ => null,
        }
        : null;

    private static string? NonEmpty(string? value) => string.IsNullOrWhiteSpace(value) ? null : value;
}
