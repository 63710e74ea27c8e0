using System.Text.Json.Serialization;
using InternalApi.Functions.Hosting;

namespace InternalApi.Functions.Functions.Scim;

/// <summary>The <c>meta</c> of a resource.</summary>
public sealed record ScimMeta(string ResourceType);

/// <summary>A resource's e-mail (GitLab writes one: the primary, as <c>work</c>).</summary>
public sealed record ScimEmail(string Type, string? Value, bool Primary);

/// <summary>The User resource (spec §6.1), members in GitLab's order; the name is the doc-era flat <c>name.formatted</c>.</summary>
public sealed record ScimUserResource(
    IReadOnlyList<string> Schemas,
    string Id,
    bool Active,
    [property: JsonPropertyName("name.formatted")] string NameFormatted,
    string UserName,
    ScimMeta Meta,
    IReadOnlyList<ScimEmail> Emails);

/// <summary>The list response (spec §6.1); <c>Resources</c> with a capital R, as SCIM names it.</summary>
public sealed record ScimListResponse(
    IReadOnlyList<string> Schemas,
    int TotalResults,
    int ItemsPerPage,
    int StartIndex,
    [property: JsonPropertyName("Resources")] IReadOnlyList<ScimUserResource> Resources);

/// <summary>Source-generated serialization for SCIM: SCIM's own camelCase names, not GitLab's snake_case.</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase)]
[JsonSerializable(typeof(ScimUserResource))]
[JsonSerializable(typeof(ScimListResponse))]
public sealed partial class ScimJsonContext : JsonSerializerContext
{
    /// <summary>The context answers are written with (only the escaping JSON requires, see <see cref="WireJsonOptions"/>).</summary>
    public static ScimJsonContext Wire { get; } = new(new System.Text.Json.JsonSerializerOptions(WireJsonOptions.Create()) { PropertyNamingPolicy = System.Text.Json.JsonNamingPolicy.CamelCase });
}
