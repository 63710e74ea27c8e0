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

/// <summary>The agent of an <c>authorize_proxy_user</c> answer.</summary>
public sealed record ProxyAgent(long Id, ProxyConfigProject ConfigProject);

/// <summary>The agent's configuration project.</summary>
public sealed record ProxyConfigProject(long Id);

/// <summary>The user the proxy acts for.</summary>
public sealed record ProxyUser(long Id, string Username);

/// <summary><c>access_as: {agent: {}}</c>: the proxy acts with the agent's own cluster identity.</summary>
public sealed record ProxyAccessAs(ProxyAccessAsAgent Agent);

/// <summary>The empty <c>agent</c> object.</summary>
public sealed record ProxyAccessAsAgent;

/// <summary>The <c>authorize_proxy_user</c> answer.</summary>
public sealed record AuthorizeProxyUserResponse(ProxyAgent Agent, ProxyUser User, ProxyAccessAs AccessAs);

/// <summary>How KAS signs its JWTs to a receptive agent: the Ed25519 private key, base64 as Ruby's <c>Base64.encode64</c> writes it.</summary>
public sealed record ReceptiveAgentJwt(string PrivateKey);

/// <summary>The TLS client certificate and key KAS presents to a receptive agent (PEM).</summary>
public sealed record ReceptiveAgentMtls(string ClientKey, string ClientCert);

/// <summary>One receptive agent: where KAS connects and how it authenticates (exactly one of <c>jwt</c>/<c>mtls</c> is set).</summary>
public sealed record ReceptiveAgentEntry(long Id, string Url, string? CaCert, string? TlsHost, ReceptiveAgentJwt? Jwt, ReceptiveAgentMtls? Mtls);

/// <summary>The <c>receptive_agents</c> answer.</summary>
public sealed record ReceptiveAgentsResponse(IReadOnlyList<ReceptiveAgentEntry> Agents);

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
[JsonSerializable(typeof(AuthorizeProxyUserResponse))]
[JsonSerializable(typeof(ReceptiveAgentsResponse))]
[JsonSerializable(typeof(AgentConfigurationRequest))]
[JsonSerializable(typeof(KasProjectRequest))]
[JsonSerializable(typeof(RepositoryInfoRequest))]
[JsonSerializable(typeof(AuthorizeProxyUserRequest))]
[JsonSerializable(typeof(AgentEventsRequest))]
public sealed partial class KasJsonContext : JsonSerializerContext
{
    /// <summary>The context answers are written with (only the escaping JSON requires, see <see cref="WireJsonOptions"/>).</summary>
    public static KasJsonContext Wire { get; } = new(WireJsonOptions.Create());
}
