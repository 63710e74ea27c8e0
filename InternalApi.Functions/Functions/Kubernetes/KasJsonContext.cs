using System.Text.Json.Serialization;
using InternalApi.Functions.Functions.Git;
using InternalApi.Functions.Hosting;

namespace InternalApi.Functions.Functions.Kubernetes;

/// <summary>How KAS reaches Gitaly for a project's storage (spec §4.1 <c>gitaly_info</c>); <c>token</c> is written even when null.</summary>
public sealed record GitalyInfo(string Address, string? Token, IReadOnlyDictionary<string, string> Features);

/// <summary>The <c>agent_info</c> answer (spec §4.2), fields in GitLab's order.</summary>
public sealed record AgentInfoResponse(
    long ProjectId,
    long AgentId,
    string AgentName,
    GitalyInfo GitalyInfo,
    GitalyRepositoryMessage GitalyRepository,
    string DefaultBranch);

/// <summary>The <c>project_info</c> answer (spec §4.3).</summary>
public sealed record ProjectInfoResponse(
    long ProjectId,
    GitalyInfo GitalyInfo,
    GitalyRepositoryMessage GitalyRepository,
    string DefaultBranch);

/// <summary>The Starboard PUT answer: the finding's UUID.</summary>
public sealed record StarboardVulnerabilityResponse(string Uuid);

/// <summary>Source-generated serialization for the KAS endpoints: snake_case on the wire.</summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower,
    NumberHandling = JsonNumberHandling.AllowReadingFromString,
    UnmappedMemberHandling = JsonUnmappedMemberHandling.Skip)]
[JsonSerializable(typeof(AgentInfoResponse))]
[JsonSerializable(typeof(ProjectInfoResponse))]
[JsonSerializable(typeof(StarboardVulnerabilityResponse))]
[JsonSerializable(typeof(int))]
public sealed partial class KasJsonContext : JsonSerializerContext
{
    /// <summary>The context answers are written with (only the escaping JSON requires, see <see cref="WireJsonOptions"/>).</summary>
    public static KasJsonContext Wire { get; } = new(WireJsonOptions.Create());
}
