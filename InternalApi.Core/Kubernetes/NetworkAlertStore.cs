using System.Globalization;
using System.Text.Json;
using Azure;
using Azure.Data.Tables;
using InternalApi.Core.Data;
using InternalApi.Core.Storage;
using Microsoft.Extensions.Options;

namespace InternalApi.Core.Kubernetes;

/// <summary>An alert-management alert of a project raised by the legacy Cilium integration (domain threat monitoring).</summary>
public sealed record NetworkAlert
{
    /// <summary>The agent's project.</summary>
    public required long ProjectId { get; init; }

    /// <summary>Per-project number, from 1.</summary>
    public required long Iid { get; init; }

    /// <summary>Deduplication key (hex SHA-1, see <see cref="CiliumAlertService"/>).</summary>
    public required string Fingerprint { get; init; }

    /// <summary>Title.</summary>
    public required string Title { get; init; }

    /// <summary>Description, or null.</summary>
    public string? Description { get; init; }

    /// <summary>critical, high, medium, low, info or unknown.</summary>
    public required string Severity { get; init; }

    /// <summary>GitLab's alert status; these alerts are created <c>triggered</c>.</summary>
    public string Status { get; init; } = "triggered";

    /// <summary>Always <c>Cilium</c>.</summary>
    public string MonitoringTool { get; init; } = "Cilium";

    /// <summary>Hosts named by the payload.</summary>
    public IReadOnlyList<string> Hosts { get; init; } = [];

    /// <summary>How many times it was reported.</summary>
    public long Events { get; init; } = 1;

    /// <summary>The first report's start time.</summary>
    public required DateTimeOffset StartedAt { get; init; }

    /// <summary>The last report.</summary>
    public required DateTimeOffset LastReportedAt { get; init; }

    /// <summary>The first report's <c>alert</c> object (JSON).</summary>
    public required string PayloadJson { get; init; }
}

/// <summary>The alerts' table.</summary>
public sealed class NetworkAlertTables(TableServiceClient service, IOptions<StorageOptions> options) : ITableSet
{
    /// <summary>PK project id; RK <c>counter</c> (next iid), <c>iid-&lt;n&gt;</c> (the alert), <c>open-&lt;fingerprint&gt;</c> (its iid).</summary>
    public TableClient Alerts { get; } = service.GetTableClient(options.Value.TablePrefix + "NetworkAlerts");

    /// <inheritdoc/>
    public IReadOnlyList<TableClient> All => [Alerts];
}

/// <summary>
/// Alerts in one partition per project. Creating one writes, in ONE transaction, the ETag-conditional counter,
/// the alert and its <c>open-&lt;fingerprint&gt;</c> row (an insert): racing or retried reports of the same alert
/// fail on the existing open row and count an event on it instead of creating a second alert, and no two alerts
/// share an iid. A repeat is an ETag-conditional event count.
/// </summary>
public sealed class NetworkAlertStore(NetworkAlertTables tables)
{
    private const int MaxAttempts = 100;
    private const string CounterKey = "counter";

    /// <summary>The table.</summary>
    public NetworkAlertTables Tables => tables;

    /// <summary>
    /// Creates the alert (with the next iid), or counts one more event on the open alert with the same fingerprint.
    /// Answers the alert as stored.
    /// </summary>
    public async Task<NetworkAlert> RaiseAsync(NetworkAlert alert, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(alert);
        var partition = Key(alert.ProjectId);
        var openKey = "open-" + alert.Fingerprint;
        for (var attempt = 0; attempt < MaxAttempts; attempt++)
        {
            if (await tables.Alerts.FindAsync(partition, openKey, cancellationToken: cancellationToken) is { } open &&
                open.GetInt64("Iid") is { } openIid &&
                await tables.Alerts.FindAsync(partition, IidKey(openIid), cancellationToken: cancellationToken) is { } existing)
            {
                existing["Events"] = (existing.GetInt64("Events") ?? 1) + 1;
                existing["LastReportedAt"] = alert.LastReportedAt;
                try
                {
                    await tables.Alerts.UpdateEntityAsync(existing, existing.ETag, TableUpdateMode.Replace, cancellationToken);
                    return ToAlert(existing);
                }
                catch (RequestFailedException ex) when (ex.IsConcurrencyConflict() || ex.Status == 404)
                {
                    continue;
                }
            }

            var counter = await tables.Alerts.FindAsync(partition, CounterKey, cancellationToken: cancellationToken);
            var iid = counter?.GetInt64("Next") ?? 1;
            var created = alert with { Iid = iid, Events = 1 };
            var next = new TableEntity(partition, CounterKey) { ["Next"] = iid + 1 };
            try
            {
                await tables.Alerts.SubmitTransactionAsync(
                [
                    counter is null ? new(TableTransactionActionType.Add, next) : new(TableTransactionActionType.UpdateReplace, next, counter.ETag),
                    new(TableTransactionActionType.Add, ToEntity(created)),
                    new(TableTransactionActionType.Add, new TableEntity(partition, openKey) { ["Iid"] = iid }),
                ], cancellationToken);
                return created;
            }
            catch (TableTransactionFailedException ex) when (ex.Status is 409 or 412)
            {
                // Another report took the iid or created this alert first; read again.
            }
        }

        throw new InvalidOperationException($"Could not raise alert {alert.Fingerprint} of project {alert.ProjectId} under contention.");
    }

    /// <summary>Every alert of a project, by iid.</summary>
    public async Task<IReadOnlyList<NetworkAlert>> ListAsync(long projectId, CancellationToken cancellationToken = default)
    {
        var partition = Key(projectId);
        var rows = await tables.Alerts.ListAsync(TableClient.CreateQueryFilter($"PartitionKey eq {partition} and RowKey ge 'iid-' and RowKey lt 'iid.'"), cancellationToken: cancellationToken);
        return [.. rows.Select(ToAlert).OrderBy(a => a.Iid)];
    }

    private static string Key(long id) => id.ToString(CultureInfo.InvariantCulture);

    private static string IidKey(long iid) => "iid-" + iid.ToString("D19", CultureInfo.InvariantCulture);

    private static TableEntity ToEntity(NetworkAlert a) => new(Key(a.ProjectId), IidKey(a.Iid))
    {
        ["Iid"] = a.Iid,
        ["Fingerprint"] = a.Fingerprint,
        ["Title"] = a.Title,
        ["Description"] = a.Description,
        ["Severity"] = a.Severity,
        ["Status"] = a.Status,
        ["MonitoringTool"] = a.MonitoringTool,
        ["Hosts"] = JsonSerializer.Serialize(a.Hosts.ToArray(), NetworkAlertJson.Default.StringArray),
        ["Events"] = a.Events,
        ["StartedAt"] = a.StartedAt,
        ["LastReportedAt"] = a.LastReportedAt,
        ["Payload"] = a.PayloadJson,
    };

    private static NetworkAlert ToAlert(TableEntity e) => new()
    {
        ProjectId = long.Parse(e.PartitionKey, CultureInfo.InvariantCulture),
        Iid = e.GetInt64("Iid") ?? 0,
        Fingerprint = e.GetString("Fingerprint") ?? "",
        Title = e.GetString("Title") ?? "",
        Description = e.GetString("Description"),
        Severity = e.GetString("Severity") ?? "critical",
        Status = e.GetString("Status") ?? "triggered",
        MonitoringTool = e.GetString("MonitoringTool") ?? "Cilium",
        Hosts = JsonSerializer.Deserialize(e.GetString("Hosts") ?? "[]", NetworkAlertJson.Default.StringArray) is { } hosts ? [.. hosts.Select(h => h ?? "")] : [],
        Events = e.GetInt64("Events") ?? 1,
        StartedAt = e.GetDateTimeOffset("StartedAt") ?? default,
        LastReportedAt = e.GetDateTimeOffset("LastReportedAt") ?? default,
        PayloadJson = e.GetString("Payload") ?? "{}",
    };
}

/// <summary>Source-generated JSON for the hosts column (a JSON array of strings).</summary>
[System.Text.Json.Serialization.JsonSerializable(typeof(string[]))]
internal sealed partial class NetworkAlertJson : System.Text.Json.Serialization.JsonSerializerContext;
