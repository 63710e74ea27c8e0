using Azure.Data.Tables;
using InternalApi.Core.Data;
using InternalApi.Core.Storage;
using Microsoft.Extensions.Options;

namespace InternalApi.Core.Kubernetes;

/// <summary>
/// What KAS posted as each agent's configuration and the authorizations GitLab's refresh services derive from it,
/// one partition per agent, so that refreshing an agent is one partition read and its writes can share entity
/// group transactions, and every lookup carries the agent's partition key.
/// </summary>
public sealed class AgentConfigTables(TableServiceClient service, IOptions<StorageOptions> options) : ITableSet
{
    /// <summary>
    /// PK agent id: RK <c>config</c> the posted configuration; RK <c>project-&lt;id&gt;</c> and <c>group-&lt;id&gt;</c>
    /// the agent's <c>ci_access</c> / <c>user_access</c> authorization of that project or group.
    /// </summary>
    public TableClient Configs { get; } = service.GetTableClient(options.Value.TablePrefix + "ClusterAgentConfigs");

    /// <summary>PK <c>url</c>, RK agent id: the URL configuration of each receptive agent (GitLab's <c>cluster_agent_url_configurations</c>).</summary>
    public TableClient UrlConfigurations { get; } = service.GetTableClient(options.Value.TablePrefix + "ClusterAgentUrlConfigurations");

    /// <inheritdoc/>
    public IReadOnlyList<TableClient> All => [Configs, UrlConfigurations];
}
