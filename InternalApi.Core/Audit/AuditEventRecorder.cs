using Microsoft.Extensions.Logging;

namespace InternalApi.Core.Audit;

/// <summary>The <c>git-audit-events</c> worker: writes each queued event once, whatever the number of deliveries.</summary>
public sealed partial class AuditEventRecorder(AuditEventStore store, ILogger<AuditEventRecorder> logger)
{
    /// <summary>Records the event (a no-op for one recorded before).</summary>
    public async Task RecordAsync(GitAuditEventMessage message, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(message);
        if (await store.AddAsync(message, cancellationToken))
        {
            Log.Recorded(logger, message.EventId, message.ProjectId);
        }
        else
        {
            Log.AlreadyRecorded(logger, message.EventId, message.ProjectId);
        }
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 3310, Level = LogLevel.Information, Message = "Recorded git audit event {EventId} for project {ProjectId}")]
        public static partial void Recorded(ILogger logger, string eventId, long projectId);

        [LoggerMessage(EventId = 3311, Level = LogLevel.Information, Message = "Git audit event {EventId} for project {ProjectId} was recorded before (redelivery)")]
        public static partial void AlreadyRecorded(ILogger logger, string eventId, long projectId);
    }
}
