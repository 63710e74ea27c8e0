using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace InternalApi.Core.Scim;

/// <summary>
/// A create request mapped as GitLab maps it (spec §6.1 POST body mapping): <c>externalId</c>, <c>userName</c>, the
/// first e-mail of type <c>work</c> or marked primary, and <c>name.formatted</c> or given + family name. Values of
/// the wrong JSON type read as absent, so they surface as GitLab's "Missing params" error.
/// </summary>
public sealed record ScimCreateRequest(string? ExternUid, string? UserName, string? Email, string? Name)
{
    /// <summary>Maps the merged request parameters.</summary>
    public static ScimCreateRequest From(JsonObject parameters)
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

    /// <summary>GitLab's internal names of the required values that are missing, as a Ruby array literal.</summary>
    public string? MissingParams()
    {
        var missing = new List<string>();
        if (ExternUid is null)
        {
            missing.Add(":extern_uid");
        }

        if (Email is null)
        {
            missing.Add(":email");
        }

        if (UserName is null)
        {
            missing.Add(":username");
        }

        return missing.Count == 0 ? null : "[" + string.Join(", ", missing) + "]";
    }

    /// <summary>The parameters as GitLab renders them into error details (a Ruby hash; not contractual).</summary>
    public string Render()
    {
        var text = new StringBuilder("{");
        void Add(string key, string? value)
        {
            if (value is null)
            {
                return;
            }

            if (text.Length > 1)
            {
                text.Append(", ");
            }

            text.Append(':').Append(key).Append("=>").Append(JsonSerializer.Serialize(value, ScimCoreJson.Default.String));
        }

        Add("extern_uid", ExternUid);
        Add("email", Email);
        Add("name", Name);
        Add("username", UserName);
        return text.Append('}').ToString();
    }

    /// <summary>A scalar's text (strings as they are, numbers and booleans as JSON writes them); null for anything else.</summary>
    internal static string? Text(JsonNode? node) => node is JsonValue v
        ? v.GetValueKind() switch
        {
            JsonValueKind.String => v.GetValue<string>(),
            JsonValueKind.Number or JsonValueKind.True or JsonValueKind.False => v.ToJsonString(),
            _ => null,
        }
        : null;

    private static string? NonEmpty(string? value) => string.IsNullOrWhiteSpace(value) ? null : value;
}

/// <summary>
/// The PATCH <c>Operations</c> reduced to the attributes GitLab acts on (spec §6.1): <c>op</c> add/replace in any
/// case (others ignored), a <c>path</c> through the attribute table or, without one, the first pair of an object
/// value; quotes removed and <c>true</c>/<c>false</c> in any case as booleans. Later operations win.
/// </summary>
public sealed record ScimPatch(IReadOnlyDictionary<string, object> Attributes)
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

    /// <summary>Reads the operations; null when <c>Operations</c> is not an array.</summary>
    public static ScimPatch? From(JsonObject parameters)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        if (parameters["Operations"] is not JsonArray operations)
        {
            return null;
        }

        var attributes = new Dictionary<string, object>(StringComparer.Ordinal);
        foreach (var operation in operations.OfType<JsonObject>())
        {
            var op = ScimCreateRequest.Text(operation["op"]);
            if (!string.Equals(op, "replace", StringComparison.OrdinalIgnoreCase) && !string.Equals(op, "add", StringComparison.OrdinalIgnoreCase))
            {
                continue;
            }

            var value = operation["value"];
            if (ScimCreateRequest.Text(operation["path"]) is { } path)
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

    /// <summary>The mapped <c>active</c> value when present.</summary>
    public object? Active => Attributes.GetValueOrDefault("active");

    /// <summary>The new external UID when present.</summary>
    public string? ExternUid => Attributes.GetValueOrDefault("extern_uid") is { } v ? Convert.ToString(v, CultureInfo.InvariantCulture) : null;

    /// <summary>The operations as GitLab renders them into error details (not contractual).</summary>
    public string Render() => "{" + string.Join(", ", Attributes.Select(a => $":{a.Key}=>{(a.Value is bool b ? (b ? "true" : "false") : JsonSerializer.Serialize(Convert.ToString(a.Value, CultureInfo.InvariantCulture) ?? "", ScimCoreJson.Default.String))}")) + "}";

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

        if (ScimCreateRequest.Text(node) is not { } text)
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
}

/// <summary>Source-generated JSON for the few strings Core renders.</summary>
[System.Text.Json.Serialization.JsonSerializable(typeof(string))]
internal sealed partial class ScimCoreJson : System.Text.Json.Serialization.JsonSerializerContext;
