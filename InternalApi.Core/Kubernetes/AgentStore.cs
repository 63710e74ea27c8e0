using System.Globalization;
using Azure;
using Azure.Data.Tables;
using InternalApi.Core.Data;
using InternalApi.Core.Model;
using InternalApi.Core.Storage;

namespace InternalApi.Core.Kubernetes;

/// <summary>An agent token as read, with the ETag its usage update is conditional on.</summary>
public sealed record StoredAgentToken(AgentToken Token, ETag ETag);

/// <summary>Reads and writes cluster agents and their tokens (<see cref="AgentTables"/>).</summary>
public sealed class AgentStore(AgentTables tables)
{
    /// <summary>The tables.</summary>
    public AgentTables Tables => tables;

    /// <summary>Agent by id, or null.</summary>
    public async Task<ClusterAgent?> GetAgentAsync(long id, CancellationToken cancellationToken = default) =>
        await tables.Agents.FindAsync(Key(id), "", cancellationToken: cancellationToken) is { } e ? ToAgent(e) : null;

    /// <summary>The id of the project's agent with this name, or null.</summary>
    public async Task<long?> FindAgentIdByNameAsync(long projectId, string name, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(name);
        return (await tables.AgentNames.FindAsync(Key(projectId), TableKey.Encode(name), cancellationToken: cancellationToken))?.GetInt64("AgentId");
    }

    /// <summary>Creates or replaces an agent and its name index; a renamed or moved agent's old name is released.</summary>
    public async Task UpsertAgentAsync(ClusterAgent agent, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(agent);
        var previous = await GetAgentAsync(agent.Id, cancellationToken);
        await tables.Agents.UpsertEntityAsync(ToEntity(agent), TableUpdateMode.Replace, cancellationToken);
        await tables.AgentNames.UpsertEntityAsync(new TableEntity(Key(agent.ProjectId), TableKey.Encode(agent.Name)) { ["AgentId"] = agent.Id }, TableUpdateMode.Replace, cancellationToken);
        if (previous is not null && (previous.ProjectId != agent.ProjectId || previous.Name != agent.Name))
        {
            await tables.AgentNames.DeleteEntityAsync(Key(previous.ProjectId), TableKey.Encode(previous.Name), cancellationToken: cancellationToken);
        }
    }

    /// <summary>Records that the agent reported a vulnerability (a merge: nothing else of the agent changes).</summary>
    public Task MarkHasVulnerabilitiesAsync(long agentId, CancellationToken cancellationToken = default) =>
        tables.Agents.MergeIfExistsAsync(new TableEntity(Key(agentId), "") { ["HasVulnerabilities"] = true }, cancellationToken);

    /// <summary>Token by digest, with its ETag, or null.</summary>
    public async Task<StoredAgentToken?> FindTokenAsync(string digest, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(digest);
        return await tables.AgentTokens.FindAsync(digest, "", cancellationToken: cancellationToken) is { } e ? new StoredAgentToken(ToToken(e), e.ETag) : null;
    }

    /// <summary>The digest stored for an agent's token id, or null.</summary>
    public async Task<string?> GetTokenDigestAsync(long agentId, long tokenId, CancellationToken cancellationToken = default) =>
        (await tables.Agents.FindAsync(Key(agentId), TokenRow(tokenId), cancellationToken: cancellationToken))?.GetString("Digest");

    /// <summary>Creates or replaces a token and its row under the agent.</summary>
    public async Task UpsertTokenAsync(AgentToken token, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(token);
        await tables.AgentTokens.UpsertEntityAsync(ToEntity(token), TableUpdateMode.Replace, cancellationToken);
        await tables.Agents.UpsertEntityAsync(new TableEntity(Key(token.AgentId), TokenRow(token.Id)) { ["Digest"] = token.Digest }, TableUpdateMode.Replace, cancellationToken);
    }

    /// <summary>
    /// Writes <c>LastUsedAt</c> if the token is unchanged since it was read (ETag). False when another request
    /// wrote it first or the token is gone: either way there is nothing left to do.
    /// </summary>
    public async Task<bool> TryTouchTokenAsync(StoredAgentToken token, DateTimeOffset at, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(token);
        try
        {
            await tables.AgentTokens.UpdateEntityAsync(new TableEntity(token.Token.Digest, "") { ["LastUsedAt"] = at }, token.ETag, TableUpdateMode.Merge, cancellationToken);
            return true;
        }
        catch (RequestFailedException ex) when (ex.Status is 404 or 412)
        {
            return false;
        }
    }

    private static string Key(long id) => id.ToString(CultureInfo.InvariantCulture);

    private static string TokenRow(long tokenId) => "token-" + Key(tokenId);

    private static TableEntity ToEntity(ClusterAgent a) => new(Key(a.Id), "")
    {
        ["Name"] = a.Name,
        ["ProjectId"] = a.ProjectId,
        ["CreatedById"] = a.CreatedById,
        ["CreatedAt"] = a.CreatedAt,
        ["HasVulnerabilities"] = a.HasVulnerabilities,
    };

    private static ClusterAgent ToAgent(TableEntity e) => new()
    {
        Id = long.Parse(e.PartitionKey, CultureInfo.InvariantCulture),
        Name = e.GetString("Name") ?? "",
        ProjectId = e.GetInt64("ProjectId") ?? 0,
        CreatedById = e.GetInt64("CreatedById"),
        CreatedAt = e.GetDateTimeOffset("CreatedAt") ?? default,
        HasVulnerabilities = e.GetBoolean("HasVulnerabilities") ?? false,
    };

    private static TableEntity ToEntity(AgentToken t) => new(t.Digest, "")
    {
        ["Id"] = t.Id,
        ["AgentId"] = t.AgentId,
        ["Name"] = t.Name,
        ["Description"] = t.Description,
        ["Status"] = t.Status.ToString(),
        ["CreatedById"] = t.CreatedById,
        ["CreatedAt"] = t.CreatedAt,
        ["LastUsedAt"] = t.LastUsedAt,
    };

    private static AgentToken ToToken(TableEntity e) => new()
    {
        Id = e.GetInt64("Id") ?? 0,
        AgentId = e.GetInt64("AgentId") ?? 0,
        Digest = e.PartitionKey,
        Name = e.GetString("Name") ?? "",
        Description = e.GetString("Description"),
        // Anything unreadable is revoked: a token row must never authenticate by accident.
        Status = Enum.TryParse<AgentTokenStatus>(e.GetString("Status"), ignoreCase: false, out var status) ? status : AgentTokenStatus.Revoked,
        CreatedById = e.GetInt64("CreatedById"),
        CreatedAt = e.GetDateTimeOffset("CreatedAt") ?? default,
        LastUsedAt = e.GetDateTimeOffset("LastUsedAt"),
    };
}
