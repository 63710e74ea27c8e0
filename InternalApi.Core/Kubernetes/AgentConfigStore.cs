using System.Globalization;
using System.Text;
using Azure;
using Azure.Data.Tables;
using InternalApi.Core.Storage;

namespace InternalApi.Core.Kubernetes;

/// <summary>Reads and writes agents' posted configurations and their authorizations (<see cref="AgentConfigTables"/>).</summary>
public sealed class AgentConfigStore(AgentConfigTables tables)
{
    /// <summary>Row of the posted configuration.</summary>
    public const string ConfigRow = "config";

    /// <summary>Largest configuration stored: 15 binary properties of 64,000 bytes stay under an entity's 1 MiB.</summary>
    public const int MaxConfigBytes = ChunkBytes * MaxChunks;

    private const int ChunkBytes = 64_000;
    private const int MaxChunks = 15;

    /// <summary>A group transaction holds at most 100 operations.</summary>
    private const int TransactionSize = 100;

    /// <summary>The row key of a project's or a group's authorization.</summary>
    public static string TargetRow(bool isGroup, long id) => (isGroup ? "group-" : "project-") + id.ToString(CultureInfo.InvariantCulture);

    /// <summary>
    /// The authorizations of the agent among <paramref name="rowKeys"/> (a project and its ancestor groups): one
    /// query inside the agent's partition.
    /// </summary>
    public async Task<IReadOnlyList<AgentAuthorization>> FindAuthorizationsAsync(long agentId, IReadOnlyList<string> rowKeys, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(rowKeys);
        if (rowKeys.Count == 0)
        {
            return [];
        }

        var partition = Key(agentId);
        if (rowKeys.Count == 1)
        {
            return await tables.Configs.FindAsync(partition, rowKeys[0], cancellationToken: cancellationToken) is { } one ? [ToAuthorization(one)] : [];
        }

        // CreateQueryFilter quotes each key; the keys are ours (prefix + digits), never caller text.
        var keys = string.Join(" or ", rowKeys.Select(k => TableClient.CreateQueryFilter($"RowKey eq {k}")));
        var filter = TableClient.CreateQueryFilter($"PartitionKey eq {partition}") + " and (" + keys + ")";
        return [.. (await tables.Configs.ListAsync(filter, cancellationToken: cancellationToken)).Select(ToAuthorization)];
    }

    /// <summary>Every authorization the agent's <c>user_access</c> grants (one partition query).</summary>
    public async Task<IReadOnlyList<AgentAuthorization>> GetUserAccessAuthorizationsAsync(long agentId, CancellationToken cancellationToken = default)
    {
        var filter = TableClient.CreateQueryFilter($"PartitionKey eq {Key(agentId)} and UserAccess eq {true}");
        return [.. (await tables.Configs.ListAsync(filter, cancellationToken: cancellationToken)).Select(ToAuthorization)];
    }

    /// <summary>The configuration last posted for the agent (JSON text), or null.</summary>
    public async Task<string?> GetConfigJsonAsync(long agentId, CancellationToken cancellationToken = default) =>
        await tables.Configs.FindAsync(Key(agentId), ConfigRow, cancellationToken: cancellationToken) is { } row ? ReadChunks(row) : null;

    /// <summary>
    /// Replaces what is stored for the agent with <paramref name="configJson"/> and exactly <paramref name="wanted"/>:
    /// rows no longer wanted are deleted, the others written. The configuration row goes last, conditional on the
    /// ETag it had when the partition was read, so a concurrent refresh makes one of the two start again (false)
    /// instead of leaving a mix. Nothing here depends on what a previous attempt managed to write.
    /// </summary>
    public async Task<bool> TryReplaceAsync(long agentId, string configJson, DateTimeOffset at, IReadOnlyList<AgentAuthorization> wanted, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(configJson);
        ArgumentNullException.ThrowIfNull(wanted);
        var partition = Key(agentId);
        var existing = await tables.Configs.ListAsync(TableClient.CreateQueryFilter($"PartitionKey eq {partition}"), ["RowKey"], cancellationToken);
        var config = existing.FirstOrDefault(e => e.RowKey == ConfigRow);
        var wantedRows = wanted.ToDictionary(w => TargetRow(w.IsGroup, w.TargetId), StringComparer.Ordinal);

        var actions = new List<TableTransactionAction>();
        actions.AddRange(existing
            .Where(e => e.RowKey != ConfigRow && !wantedRows.ContainsKey(e.RowKey))
            .Select(e => new TableTransactionAction(TableTransactionActionType.Delete, new TableEntity(partition, e.RowKey), e.ETag)));
        actions.AddRange(wantedRows.Select(w => new TableTransactionAction(TableTransactionActionType.UpsertReplace, ToEntity(partition, w.Key, w.Value))));

        var configEntity = new TableEntity(partition, ConfigRow) { ["PostedAt"] = at };
        WriteChunks(configEntity, configJson);
        var configAction = config is null
            ? new TableTransactionAction(TableTransactionActionType.Add, configEntity)
            : new TableTransactionAction(TableTransactionActionType.UpdateReplace, configEntity, config.ETag);

        try
        {
            // All but the last batch may apply on their own: a retry recomputes from what they left.
            var batches = actions.Chunk(TransactionSize - 1).ToList();
            for (var i = 0; i < batches.Count - 1; i++)
            {
                await tables.Configs.SubmitTransactionAsync(batches[i], cancellationToken);
            }

            await tables.Configs.SubmitTransactionAsync([.. batches.Count > 0 ? batches[^1] : [], configAction], cancellationToken);
            return true;
        }
        catch (TableTransactionFailedException ex) when (ex.Status is 404 or 409 or 412)
        {
            // A row changed since the partition was read (another refresh of the same agent): start again.
            return false;
        }
    }

    internal static string Key(long agentId) => agentId.ToString(CultureInfo.InvariantCulture);

    private static TableEntity ToEntity(string partition, string row, AgentAuthorization a)
    {
        var entity = new TableEntity(partition, row)
        {
            ["CiAccess"] = a.Kinds.HasFlag(AgentAccessKinds.Ci),
            ["UserAccess"] = a.Kinds.HasFlag(AgentAccessKinds.User),
        };
        if (a.CiSettingsJson is not null)
        {
            entity["CiSettings"] = a.CiSettingsJson;
        }

        if (a.UserAccessAsJson is not null)
        {
            entity["UserAccessAs"] = a.UserAccessAsJson;
        }

        return entity;
    }

    private static AgentAuthorization ToAuthorization(TableEntity e)
    {
        var isGroup = e.RowKey.StartsWith("group-", StringComparison.Ordinal);
        var id = long.Parse(e.RowKey.AsSpan(e.RowKey.IndexOf('-', StringComparison.Ordinal) + 1), CultureInfo.InvariantCulture);
        var kinds = (e.GetBoolean("CiAccess") == true ? AgentAccessKinds.Ci : AgentAccessKinds.None)
            | (e.GetBoolean("UserAccess") == true ? AgentAccessKinds.User : AgentAccessKinds.None);
        return new AgentAuthorization(isGroup, id, kinds, e.GetString("CiSettings"), e.GetString("UserAccessAs"));
    }

    /// <summary>
    /// A property holds at most 64 KiB: the UTF-8 text is spread over <c>Config0</c>, <c>Config1</c>, ... Callers
    /// refuse anything over <see cref="MaxConfigBytes"/> first.
    /// </summary>
    private static void WriteChunks(TableEntity entity, string text)
    {
        var bytes = Encoding.UTF8.GetBytes(text);
        if (bytes.Length > MaxConfigBytes)
        {
            throw new ArgumentException($"A configuration over {MaxConfigBytes} bytes cannot be stored.", nameof(text));
        }

        var chunks = bytes.Chunk(ChunkBytes).ToList();
        entity["ConfigChunks"] = chunks.Count;
        for (var i = 0; i < chunks.Count; i++)
        {
            entity["Config" + i.ToString(CultureInfo.InvariantCulture)] = chunks[i];
        }
    }

    private static string ReadChunks(TableEntity entity)
    {
        var count = entity.GetInt32("ConfigChunks") ?? 0;
        using var buffer = new MemoryStream();
        for (var i = 0; i < count; i++)
        {
            buffer.Write(entity.GetBinary("Config" + i.ToString(CultureInfo.InvariantCulture)));
        }

        return Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length);
    }
}
