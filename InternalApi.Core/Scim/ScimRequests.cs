using System.Globalization;
using System.Text;
using System.Text.Json;

namespace InternalApi.Core.Scim;

/// <summary>
/// A create request as GitLab maps the SCIM body (spec §6.1 POST body mapping; the edge reads it): the external
/// UID, username, e-mail and name, each null when absent or blank, so they surface as GitLab's "Missing params" error.
/// </summary>
public sealed record ScimCreateRequest(string? ExternUid, string? UserName, string? Email, string? Name)
{
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
}

/// <summary>
/// The PATCH <c>Operations</c> reduced to the attributes GitLab acts on (spec §6.1; the edge reads them): GitLab's
/// attribute names (<c>active</c>, <c>extern_uid</c>, <c>username</c>, <c>name</c>, <c>email</c>) to a boolean or a text.
/// </summary>
public sealed record ScimPatch(IReadOnlyDictionary<string, object> Attributes)
{
    /// <summary>The mapped <c>active</c> value when present.</summary>
    public object? Active => Attributes.GetValueOrDefault("active");

    /// <summary>The new external UID when present.</summary>
    public string? ExternUid => Attributes.GetValueOrDefault("extern_uid") is { } v ? Convert.ToString(v, CultureInfo.InvariantCulture) : null;

    /// <summary>The operations as GitLab renders them into error details (not contractual).</summary>
    public string Render() => "{" + string.Join(", ", Attributes.Select(a => $":{a.Key}=>{(a.Value is bool b ? (b ? "true" : "false") : JsonSerializer.Serialize(Convert.ToString(a.Value, CultureInfo.InvariantCulture) ?? "", ScimCoreJson.Default.String))}")) + "}";

}

/// <summary>Source-generated JSON for the few strings Core renders.</summary>
[System.Text.Json.Serialization.JsonSerializable(typeof(string))]
internal sealed partial class ScimCoreJson : System.Text.Json.Serialization.JsonSerializerContext;
