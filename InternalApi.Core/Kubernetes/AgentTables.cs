using Azure.Data.Tables;
using InternalApi.Core.Data;
using InternalApi.Core.Storage;
using Microsoft.Extensions.Options;

namespace InternalApi.Core.Kubernetes;

/// <summary>
/// The cluster agents' tables. Authenticating a KAS call is two point reads: the token by its digest, then
/// its agent by id.
/// </summary>
public sealed class AgentTables : ITableSet
{
    /// <summary>Creates a client per table.</summary>
    public AgentTables(TableServiceClient service, IOptions<StorageOptions> options)
    {
        ArgumentNullException.ThrowIfNull(service);
        ArgumentNullException.ThrowIfNull(options);
        var prefix = options.Value.TablePrefix;
        Agents = service.GetTableClient(prefix + "ClusterAgents");
        AgentNames = service.GetTableClient(prefix + "ClusterAgentNames");
        AgentTokens = service.GetTableClient(prefix + "ClusterAgentTokens");
    }

    /// <summary>PK agent id: RK <c>""</c> the agent, RK <c>token-&lt;id&gt;</c> the digest of each of its tokens.</summary>
    public TableClient Agents { get; }

    /// <summary>PK project id, RK agent name → agent id (names are unique per project).</summary>
    public TableClient AgentNames { get; }

    /// <summary>PK token digest → the token (agent, status, last use).</summary>
    public TableClient AgentTokens { get; }

    /// <inheritdoc/>
    public IReadOnlyList<TableClient> All => [Agents, AgentNames, AgentTokens];
}
