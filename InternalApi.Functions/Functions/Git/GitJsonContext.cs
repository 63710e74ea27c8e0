using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;
using InternalApi.Functions.Hosting;

namespace InternalApi.Functions.Functions.Git;

/// <summary><c>/allowed</c> parameters (spec §3.1.1); everything else GitLab accepts is ignored.</summary>
public sealed record AllowedRequest
{
    /// <summary>Git command.</summary>
    [JsonConverter(typeof(LenientStringConverter))]
    public string? Action { get; init; }

    /// <summary><c>ssh</c>, <c>http</c>, <c>web</c>.</summary>
    [JsonConverter(typeof(LenientStringConverter))]
    public string? Protocol { get; init; }

    /// <summary><c>_any</c> or ref update lines.</summary>
    [JsonConverter(typeof(LenientStringConverter))]
    public string? Changes { get; init; }

    /// <summary>Repository path.</summary>
    [JsonConverter(typeof(LenientStringConverter))]
    public string? Project { get; init; }

    /// <summary>Repository identifier (wins over <see cref="Project"/>).</summary>
    [JsonConverter(typeof(LenientStringConverter))]
    public string? GlRepository { get; init; }

    /// <summary>SSH key id.</summary>
    [JsonConverter(typeof(LenientStringConverter))]
    public string? KeyId { get; init; }

    /// <summary>User id.</summary>
    [JsonConverter(typeof(LenientStringConverter))]
    public string? UserId { get; init; }

    /// <summary><c>user-N</c> / <c>key-N</c>.</summary>
    [JsonConverter(typeof(LenientStringConverter))]
    public string? Identifier { get; init; }

    /// <summary>Username.</summary>
    [JsonConverter(typeof(LenientStringConverter))]
    public string? Username { get; init; }

    /// <summary>Base64 of a JSON object from Gitaly.</summary>
    [JsonConverter(typeof(LenientStringConverter))]
    public string? GitalyClientContextBin { get; init; }

    /// <summary>
    /// The client's address (IPv4, or IPv6 with or without brackets), checked against the IP allow-list of the
    /// project's top-level group when it has one; a value that is not an address is outside every list. Not sent:
    /// no check.
    /// </summary>
    [JsonConverter(typeof(PresentStringConverter))]
    public string? CheckIp { get; init; }

    /// <summary>
    /// gitlab-sshd, after a login with a group's SSH certificate: that group's full path. The project's top-level
    /// group must be it, otherwise 401 "You are not allowed to access projects in this namespace.".
    /// </summary>
    [JsonConverter(typeof(PresentStringConverter))]
    public string? NamespacePath { get; init; }
}

/// <summary><c>lfs_authenticate</c> parameters (spec §3.2).</summary>
public sealed record LfsAuthenticateRequest
{
    /// <summary>Repository path.</summary>
    [JsonConverter(typeof(LenientStringConverter))]
    public string? Project { get; init; }

    /// <summary>SSH key id.</summary>
    [JsonConverter(typeof(LenientStringConverter))]
    public string? KeyId { get; init; }

    /// <summary>User id.</summary>
    [JsonConverter(typeof(LenientStringConverter))]
    public string? UserId { get; init; }

    /// <summary>Username.</summary>
    [JsonConverter(typeof(LenientStringConverter))]
    public string? Username { get; init; }
}

/// <summary>
/// The 200 answer of <c>/allowed</c> (spec §3.1.2), fields in GitLab's order. Top-level nulls are omitted
/// (GitLab compacts the payload); nulls inside <c>gitaly</c> are kept.
/// </summary>
public sealed record AllowedResponse
{
    /// <summary>Always true.</summary>
    public bool Status { get; init; } = true;

    /// <summary>Repository identifier.</summary>
    public required string GlRepository { get; init; }

    /// <summary>Repository full path.</summary>
    public required string GlProjectPath { get; init; }

    /// <summary>Project id.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public long? GlProjectId { get; init; }

    /// <summary>Top-level namespace id.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public long? GlRootNamespaceId { get; init; }

    /// <summary><c>user-N</c>, or empty when there is no user.</summary>
    public required string GlId { get; init; }

    /// <summary>Username, omitted when there is no user.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? GlUsername { get; init; }

    /// <summary>Git config for Gitaly.</summary>
    public required IReadOnlyList<string> GitConfigOptions { get; init; }

    /// <summary>Where and how to reach the repository.</summary>
    public required GitalyPayload Gitaly { get; init; }

    /// <summary>Printed by gitlab-shell.</summary>
    public required IReadOnlyList<string> GlConsoleMessages { get; init; }

    /// <summary>Audit streaming (EE): always false.</summary>
    public bool NeedAudit { get; init; }

    /// <summary><c>key</c> or <c>deploy_key</c> when the actor came from a key.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? GlKeyType { get; init; }

    /// <summary>The key id when the actor came from a key.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public long? GlKeyId { get; init; }
}

/// <summary>The <c>gitaly</c> object; <c>token</c> is written even when null.</summary>
public sealed record GitalyPayload(GitalyRepositoryMessage Repository, string Address, string? Token, IReadOnlyDictionary<string, string> Features);

/// <summary>Gitaly's repository message: all six fields, empty when unset.</summary>
public sealed record GitalyRepositoryMessage(
    string StorageName,
    string RelativePath,
    string GitObjectDirectory,
    IReadOnlyList<string> GitAlternateObjectDirectories,
    string GlRepository,
    string GlProjectPath);

/// <summary>The <c>lfs_authenticate</c> answer.</summary>
public sealed record LfsAuthenticateResponse(string Username, string LfsToken, string RepositoryHttpPath, int ExpiresIn);

/// <summary><c>GET /internal/lfs</c> parameters (Grape requires both).</summary>
public sealed record LfsObjectRequest : IValidatedRequest
{
    /// <summary>The object's oid (SHA-256 hex).</summary>
    [JsonConverter(typeof(LenientStringConverter))]
    public string? Oid { get; init; }

    /// <summary><c>project-N</c>.</summary>
    [JsonConverter(typeof(LenientStringConverter))]
    public string? GlRepository { get; init; }

    /// <inheritdoc/>
    public void Validate(ParameterErrors errors)
    {
        ArgumentNullException.ThrowIfNull(errors);
        if (Oid is null)
        {
            errors.Missing("oid");
        }

        if (GlRepository is null)
        {
            errors.Missing("gl_repository");
        }
    }
}

/// <summary>Source-generated serialization for the Git endpoints: snake_case on the wire.</summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower,
    NumberHandling = JsonNumberHandling.AllowReadingFromString,
    UnmappedMemberHandling = JsonUnmappedMemberHandling.Skip)]
[JsonSerializable(typeof(AllowedRequest))]
[JsonSerializable(typeof(LfsAuthenticateRequest))]
[JsonSerializable(typeof(LfsObjectRequest))]
[JsonSerializable(typeof(AllowedResponse))]
[JsonSerializable(typeof(LfsAuthenticateResponse))]
public sealed partial class GitJsonContext : JsonSerializerContext
{
    /// <summary>
    /// The context answers are written with: it escapes only what JSON requires, as GitLab does, so
    /// "can't" keeps its apostrophe instead of <c>\u0027</c>. The bodies are read by programs, never embedded in HTML.
    /// </summary>
    public static GitJsonContext Wire { get; } = new(WireJsonOptions.Create());
}
