using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using Azure;
using Azure.Data.Tables;
using InternalApi.Core.Data;
using InternalApi.Core.Model;
using InternalApi.Core.Storage;
using Microsoft.Extensions.Options;

namespace InternalApi.Core.Kubernetes;

/// <summary>The Starboard findings' table.</summary>
public sealed class StarboardTables(TableServiceClient service, IOptions<StorageOptions> options) : ITableSet
{
    /// <summary>PK project id, RK finding UUID: one row per finding and its vulnerability.</summary>
    public TableClient Vulnerabilities { get; } = service.GetTableClient(options.Value.TablePrefix + "StarboardVulnerabilities");

    /// <inheritdoc/>
    public IReadOnlyList<TableClient> All => [Vulnerabilities];
}

/// <summary>A finding as read, with the ETag its update is conditional on.</summary>
public sealed record StoredFinding(VulnerabilityFinding Finding, ETag ETag);

/// <summary>
/// Reads and writes Starboard findings. A project's findings are one partition, so <see cref="ResolveMissingAsync"/>
/// reads them page by page and resolves them in entity group transactions of 100.
/// </summary>
public sealed class StarboardStore(StarboardTables tables)
{
    /// <summary>Rows per transaction (the service's limit).</summary>
    public const int BatchSize = 100;

    /// <summary>Rows per page when listing a project's findings.</summary>
    public const int PageSize = 1000;

    private const int MaxAttempts = 20;

    /// <summary>The table.</summary>
    public StarboardTables Tables => tables;

    /// <summary>A finding by project and UUID, or null.</summary>
    public async Task<StoredFinding?> GetAsync(long projectId, string uuid, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(uuid);
        return await tables.Vulnerabilities.FindAsync(Key(projectId), uuid, cancellationToken: cancellationToken) is { } e ? new StoredFinding(ToFinding(e), e.ETag) : null;
    }

    /// <summary>Inserts a new finding; false when one with its UUID exists already (a concurrent create won).</summary>
    public async Task<bool> TryAddAsync(VulnerabilityFinding finding, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(finding);
        try
        {
            await tables.Vulnerabilities.AddEntityAsync(ToEntity(finding), cancellationToken);
            return true;
        }
        catch (RequestFailedException ex) when (ex.Status == 409)
        {
            return false;
        }
    }

    /// <summary>Replaces a finding if unchanged since it was read; false when it changed (412) or is gone.</summary>
    public async Task<bool> TryReplaceAsync(VulnerabilityFinding finding, ETag etag, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(finding);
        try
        {
            await tables.Vulnerabilities.UpdateEntityAsync(ToEntity(finding), etag, TableUpdateMode.Replace, cancellationToken);
            return true;
        }
        catch (RequestFailedException ex) when (ex.Status is 404 or 412)
        {
            return false;
        }
    }

    /// <summary>Creates or replaces a finding (import).</summary>
    public Task UpsertAsync(VulnerabilityFinding finding, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(finding);
        return tables.Vulnerabilities.UpsertEntityAsync(ToEntity(finding), TableUpdateMode.Replace, cancellationToken);
    }

    /// <summary>Every finding of a project.</summary>
    public async Task<IReadOnlyList<VulnerabilityFinding>> ListAsync(long projectId, CancellationToken cancellationToken = default)
    {
        var list = new List<VulnerabilityFinding>();
        await foreach (var e in tables.Vulnerabilities.QueryAsync<TableEntity>(TableClient.CreateQueryFilter($"PartitionKey eq {Key(projectId)}"), maxPerPage: PageSize, cancellationToken: cancellationToken))
        {
            list.Add(ToFinding(e));
        }

        return list;
    }

    /// <summary>
    /// Resolves every detected finding of the project reported for <paramref name="clusterAgentId"/> whose UUID is
    /// not in <paramref name="keep"/>, and answers how many. Pages of <see cref="PageSize"/> are read with only the
    /// keys, and each page's rows are merged in transactions of <see cref="BatchSize"/>, each row conditional on the
    /// ETag it was read with: a finding re-detected meanwhile (a concurrent PUT) is re-read and judged again rather
    /// than resolved blindly. Safe to repeat: resolved findings are not selected again.
    /// </summary>
    public async Task<int> ResolveMissingAsync(long projectId, string clusterAgentId, IReadOnlySet<string> keep, DateTimeOffset now, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(clusterAgentId);
        ArgumentNullException.ThrowIfNull(keep);
        var detected = VulnerabilityState.Detected.ToString();
        var filter = TableClient.CreateQueryFilter($"PartitionKey eq {Key(projectId)} and State eq {detected} and ClusterAgentId eq {clusterAgentId}");
        var resolved = 0;
        await foreach (var page in tables.Vulnerabilities.QueryAsync<TableEntity>(filter, maxPerPage: PageSize, select: ["PartitionKey", "RowKey", "State"], cancellationToken: cancellationToken).AsPages())
        {
            foreach (var batch in page.Values.Where(e => !keep.Contains(e.RowKey)).Chunk(BatchSize))
            {
                resolved += await ResolveBatchAsync(batch, now, cancellationToken);
            }
        }

        return resolved;
    }

    private async Task<int> ResolveBatchAsync(TableEntity[] batch, DateTimeOffset now, CancellationToken cancellationToken)
    {
        try
        {
            await tables.Vulnerabilities.SubmitTransactionAsync(
                batch.Select(e => new TableTransactionAction(TableTransactionActionType.UpdateMerge, ResolvedPatch(e.PartitionKey, e.RowKey, now), e.ETag)),
                cancellationToken);
            return batch.Length;
        }
        catch (TableTransactionFailedException ex) when (ex.Status is 404 or 412)
        {
            // Nothing of the transaction was applied. Some row changed since the page was read: go row by row.
            var count = 0;
            foreach (var e in batch)
            {
                count += await ResolveOneAsync(e.PartitionKey, e.RowKey, now, cancellationToken) ? 1 : 0;
            }

            return count;
        }
    }

    private async Task<bool> ResolveOneAsync(string partitionKey, string rowKey, DateTimeOffset now, CancellationToken cancellationToken)
    {
        for (var attempt = 0; attempt < MaxAttempts; attempt++)
        {
            var current = await tables.Vulnerabilities.FindAsync(partitionKey, rowKey, ["PartitionKey", "RowKey", "State"], cancellationToken);
            if (current?.GetString("State") != VulnerabilityState.Detected.ToString())
            {
                return false;
            }

            try
            {
                await tables.Vulnerabilities.UpdateEntityAsync(ResolvedPatch(partitionKey, rowKey, now), current.ETag, TableUpdateMode.Merge, cancellationToken);
                return true;
            }
            catch (RequestFailedException ex) when (ex.Status is 404 or 412)
            {
                // Changed again; read it again.
            }
        }

        throw new InvalidOperationException($"Could not resolve finding {rowKey} of project {partitionKey} under contention.");
    }

    private static TableEntity ResolvedPatch(string partitionKey, string rowKey, DateTimeOffset now) => new(partitionKey, rowKey)
    {
        ["State"] = VulnerabilityState.Resolved.ToString(),
        ["ResolvedAt"] = now,
        ["ResolvedOnDefaultBranch"] = true,
        ["UpdatedAt"] = now,
    };

    private static string Key(long id) => id.ToString(CultureInfo.InvariantCulture);

    private static TableEntity ToEntity(VulnerabilityFinding f) => new(Key(f.ProjectId), f.Uuid)
    {
        ["AgentId"] = f.AgentId,
        ["ClusterAgentId"] = f.ClusterAgentId,
        ["ReportType"] = VulnerabilityUuid.ClusterImageScanningReportType,
        ["Name"] = f.Name,
        ["Severity"] = f.Severity,
        ["Confidence"] = f.Confidence,
        ["State"] = f.State.ToString(),
        ["Location"] = f.LocationJson,
        ["Identifiers"] = JsonSerializer.Serialize(f.Identifiers, StarboardJsonContext.Default.IReadOnlyListFindingIdentifier),
        ["Scanner"] = JsonSerializer.Serialize(f.Scanner, StarboardJsonContext.Default.FindingScanner),
        ["Message"] = f.Message,
        ["Description"] = f.Description,
        ["Solution"] = f.Solution,
        ["Links"] = f.LinksJson,
        ["LocationFingerprint"] = f.LocationFingerprint,
        ["DetectedAt"] = f.DetectedAt,
        ["ResolvedAt"] = f.ResolvedAt,
        ["ResolvedOnDefaultBranch"] = f.ResolvedOnDefaultBranch,
        ["UpdatedAt"] = f.UpdatedAt,
    };

    private static VulnerabilityFinding ToFinding(TableEntity e) => new()
    {
        ProjectId = long.Parse(e.PartitionKey, CultureInfo.InvariantCulture),
        Uuid = e.RowKey,
        AgentId = e.GetInt64("AgentId") ?? 0,
        ClusterAgentId = e.GetString("ClusterAgentId") ?? "",
        Name = e.GetString("Name") ?? "",
        Severity = e.GetString("Severity") ?? "unknown",
        Confidence = e.GetString("Confidence"),
        State = Enum.TryParse<VulnerabilityState>(e.GetString("State"), out var state) ? state : VulnerabilityState.Detected,
        LocationJson = e.GetString("Location") ?? "{}",
        Identifiers = JsonSerializer.Deserialize(e.GetString("Identifiers") ?? "[]", StarboardJsonContext.Default.IReadOnlyListFindingIdentifier) ?? [],
        Scanner = JsonSerializer.Deserialize(e.GetString("Scanner") ?? "null", StarboardJsonContext.Default.FindingScanner) ?? new FindingScanner("", "", ""),
        Message = e.GetString("Message"),
        Description = e.GetString("Description"),
        Solution = e.GetString("Solution"),
        LinksJson = e.GetString("Links"),
        LocationFingerprint = e.GetString("LocationFingerprint") ?? "",
        DetectedAt = e.GetDateTimeOffset("DetectedAt") ?? default,
        ResolvedAt = e.GetDateTimeOffset("ResolvedAt"),
        ResolvedOnDefaultBranch = e.GetBoolean("ResolvedOnDefaultBranch") ?? false,
        UpdatedAt = e.GetDateTimeOffset("UpdatedAt") ?? default,
    };
}

/// <summary>Source-generated JSON for the finding columns that hold structures.</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower)]
[JsonSerializable(typeof(IReadOnlyList<FindingIdentifier>))]
[JsonSerializable(typeof(FindingScanner))]
internal sealed partial class StarboardJsonContext : JsonSerializerContext;
