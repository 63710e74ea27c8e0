using System.Globalization;
using Azure.Data.Tables;
using InternalApi.Core.Storage;

namespace InternalApi.Core.Kubernetes;

/// <summary>
/// How KAS reaches a receptive agent (GitLab's <c>Clusters::Agents::UrlConfiguration</c>): the agent listens at
/// <paramref name="Url"/> and KAS connects to it, authenticating with a JWT signed by <paramref name="PrivateKey"/>
/// (an Ed25519 key, raw bytes) or with a TLS client certificate. KAS needs the keys themselves, so they are stored as
/// given (GitLab encrypts them at rest; here the storage account's encryption and access control are what protect them).
/// </summary>
public sealed record ReceptiveAgent(
    long AgentId,
    string Url,
    string? CaCert,
    string? TlsHost,
    byte[]? PrivateKey,
    string? ClientKey,
    string? ClientCert,
    bool Active = true);

/// <summary>The receptive agents' URL configurations: one partition, so listing the active ones is one partition query.</summary>
public sealed class ReceptiveAgentStore(AgentConfigTables tables)
{
    private const string Partition = "url";

    /// <summary>The active URL configurations, by agent id.</summary>
    public async Task<IReadOnlyList<ReceptiveAgent>> ListActiveAsync(CancellationToken cancellationToken = default)
    {
        var rows = await tables.UrlConfigurations.ListAsync(TableClient.CreateQueryFilter($"PartitionKey eq {Partition} and Active eq {true}"), cancellationToken: cancellationToken);
        return [.. rows.Select(ToAgent).OrderBy(a => a.AgentId)];
    }

    /// <summary>Creates or replaces an agent's URL configuration.</summary>
    public Task UpsertAsync(ReceptiveAgent agent, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(agent);
        return tables.UrlConfigurations.UpsertEntityAsync(
            new TableEntity(Partition, Key(agent.AgentId))
            {
                ["AgentId"] = agent.AgentId,
                ["Url"] = agent.Url,
                ["CaCert"] = agent.CaCert,
                ["TlsHost"] = agent.TlsHost,
                ["PrivateKey"] = agent.PrivateKey,
                ["ClientKey"] = agent.ClientKey,
                ["ClientCert"] = agent.ClientCert,
                ["Active"] = agent.Active,
            },
            TableUpdateMode.Replace,
            cancellationToken);
    }

    // Zero-padded so that rows list in agent id order.
    private static string Key(long agentId) => agentId.ToString("D19", CultureInfo.InvariantCulture);

    private static ReceptiveAgent ToAgent(TableEntity e) => new(
        e.GetInt64("AgentId") ?? 0,
        e.GetString("Url") ?? "",
        e.GetString("CaCert"),
        e.GetString("TlsHost"),
        e.GetBinary("PrivateKey"),
        e.GetString("ClientKey"),
        e.GetString("ClientCert"),
        e.GetBoolean("Active") ?? false);
}
