using System.Text.Json.Serialization;

namespace InternalApi.Functions.Functions.Git;

/// <summary><c>gitaly.repository</c>: all six fields, empty values rather than absent ones.</summary>
public sealed record GitalyRepository(string StorageName, string RelativePath, string GitObjectDirectory, IReadOnlyList<string> GitAlternateObjectDirectories, string GlRepository, string GlProjectPath);

/// <summary><c>gitaly</c>: inner nulls (the token) are kept, unlike top-level ones.</summary>
public sealed record GitalyPayload(GitalyRepository Repository, string Address, [property: JsonIgnore(Condition = JsonIgnoreCondition.Never)] string? Token, IReadOnlyDictionary<string, string> Features);

/// <summary>The allowed answer (spec §3.1.2), top-level nulls compacted.</summary>
public sealed record AllowedResponse
{
    public bool Status { get; init; } = true;

    public required string GlRepository { get; init; }

    public required string GlProjectPath { get; init; }

    public long? GlProjectId { get; init; }

    public long? GlRootNamespaceId { get; init; }

    public required string GlId { get; init; }

    public string? GlUsername { get; init; }

    public required IReadOnlyList<string> GitConfigOptions { get; init; }

    public required GitalyPayload Gitaly { get; init; }

    public required IReadOnlyList<string> GlConsoleMessages { get; init; }

    public bool NeedAudit { get; init; }

    public string? GlKeyType { get; init; }

    public long? GlKeyId { get; init; }
}

/// <summary>A denial (E4 shape).</summary>
public sealed record AllowedDenial(bool Status, string Message);

/// <summary>The LFS authentication answer.</summary>
public sealed record LfsAuthenticateResponse(string Username, string LfsToken, string RepositoryHttpPath, int ExpiresIn);

/// <summary>Source-generated JSON for the Git functions.</summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(AllowedResponse))]
[JsonSerializable(typeof(AllowedDenial))]
[JsonSerializable(typeof(LfsAuthenticateResponse))]
public sealed partial class GitJsonContext : JsonSerializerContext;
