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

/// <summary>One policy of <c>scan_execution_policies</c> (spec §4.7).</summary>
public sealed record ScanExecutionPolicyEntry(string Name, string? Description, bool Enabled, string Yaml, string UpdatedAt);

/// <summary>The <c>scan_execution_policies</c> answer.</summary>
public sealed record ScanExecutionPoliciesResponse(IReadOnlyList<ScanExecutionPolicyEntry> Policies);

/// <summary>One schedule of <c>policies_configuration</c> (spec §4.8).</summary>
public sealed record PolicyConfigurationEntry(string Cadence, IReadOnlyList<string> Namespaces, string UpdatedAt);

/// <summary>The <c>policies_configuration</c> answer.</summary>
public sealed record PoliciesConfigurationResponse(IReadOnlyList<PolicyConfigurationEntry> Configurations);

/// <summary>Source-generated serialization for the KAS endpoints: snake_case on the wire.</summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower,
    NumberHandling = JsonNumberHandling.AllowReadingFromString,
    UnmappedMemberHandling = JsonUnmappedMemberHandling.Skip)]
[JsonSerializable(typeof(AgentInfoResponse))]
[JsonSerializable(typeof(ProjectInfoResponse))]
[JsonSerializable(typeof(StarboardVulnerabilityResponse))]
[JsonSerializable(typeof(int))]
[JsonSerializable(typeof(ScanExecutionPoliciesResponse))]
[JsonSerializable(typeof(PoliciesConfigurationResponse))]
public sealed partial class KasJsonContext : JsonSerializerContext
{
    /// <summary>The context answers are written with (only the escaping JSON requires, see <see cref="WireJsonOptions"/>).</summary>
    public static KasJsonContext Wire { get; } = new(WireJsonOptions.Create());
}
