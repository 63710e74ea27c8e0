using System.Globalization;
using Azure;
using Azure.Data.Tables;

namespace InternalApi.Core.Audit;

/// <summary>A recorded Git operation.</summary>
public sealed record AuditEvent(
    string EventId, DateTimeOffset OccurredAt, long ProjectId, string ProjectPath, string Name,
    string Action, string Protocol, string Verb, long UserId, string Username, long? KeyId, string? KeyType, string? IpAddress);

/// <summary>Writes audit events once per event id and lists a project's newest first.</summary>
public sealed class AuditEventStore(AuditEventTables tables)
{
    /// <summary>GitLab's event name for a Git operation.</summary>
    public const string GitOperationEvent = "repository_git_operation";

    /// <summary>
    /// Records the event unless its row exists already (a redelivery, or a retry after a lost answer): true when
    /// this call wrote it.
    /// </summary>
    public async Task<bool> AddAsync(GitAuditEventMessage message, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(message);
        var entity = new TableEntity(PartitionKey(message.ProjectId), RowKey(message.OccurredAt, message.EventId))
        {
            ["EventId"] = message.EventId,
            ["OccurredAt"] = message.OccurredAt,
            ["ProjectPath"] = message.ProjectPath,
            ["Name"] = GitOperationEvent,
            ["Action"] = message.Action,
            ["Protocol"] = message.Protocol,
            ["Verb"] = message.Verb,
            ["UserId"] = message.UserId,
            ["Username"] = message.Username,
            ["KeyId"] = message.KeyId,
            ["KeyType"] = message.KeyType,
            ["IpAddress"] = message.IpAddress,
        };
        try
        {
            await tables.AuditEvents.AddEntityAsync(entity, cancellationToken);
            return true;
        }
        catch (RequestFailedException ex) when (ex.Status == 409)
        {
            return false;
        }
    }

    /// <summary>The project's newest <paramref name="limit"/> events, newest first.</summary>
    public async Task<IReadOnlyList<AuditEvent>> ListAsync(long projectId, int limit, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(limit, 1);
        var events = new List<AuditEvent>(Math.Min(limit, 1000));
        var filter = TableClient.CreateQueryFilter($"PartitionKey eq {PartitionKey(projectId)}");
        await foreach (var e in tables.AuditEvents.QueryAsync<TableEntity>(filter, maxPerPage: Math.Min(limit, 1000), cancellationToken: cancellationToken))
        {
            events.Add(new AuditEvent(
                e.GetString("EventId") ?? "", e.GetDateTimeOffset("OccurredAt") ?? DateTimeOffset.UnixEpoch, projectId, e.GetString("ProjectPath") ?? "",
                e.GetString("Name") ?? GitOperationEvent, e.GetString("Action") ?? "", e.GetString("Protocol") ?? "", e.GetString("Verb") ?? "",
                e.GetInt64("UserId") ?? 0, e.GetString("Username") ?? "", e.GetInt64("KeyId"), e.GetString("KeyType"), e.GetString("IpAddress")));
            if (events.Count == limit)
            {
                break;
            }
        }

        return events;
    }

    private static string PartitionKey(long projectId) => projectId.ToString(CultureInfo.InvariantCulture);

    /// <summary>Inverted ticks sort newest first; the event id makes the key unique and stable across deliveries.</summary>
    private static string RowKey(DateTimeOffset occurredAt, string eventId) =>
        (DateTimeOffset.MaxValue.UtcTicks - occurredAt.UtcTicks).ToString("D19", CultureInfo.InvariantCulture) + "-" + eventId;
}
