using Azure.Storage.Queues.Models;
using InternalApi.Core.Audit;
using InternalApi.Functions.Hosting;
using Microsoft.Azure.Functions.Worker;

namespace InternalApi.Functions.Functions.Shell;

/// <summary>
/// Queue <c>git-audit-events</c>: records each event under a row key derived from the message (its occurrence
/// time and event id), so a redelivered message finds its row and writes nothing. Undecodable messages fail
/// every time and end in <c>git-audit-events-poison</c>.
/// </summary>
public sealed class GitAuditEvents(AuditEventRecorder recorder)
{
    /// <summary>Decodes and records the message.</summary>
    [Function(nameof(GitAuditEvents))]
    public Task RunAsync([QueueTrigger(GitAuditEventService.QueueName, Connection = StorageConnection.Name)] QueueMessage message, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(message);
        return recorder.RecordAsync(QueueMessages.ReadJson(message, GitAuditEventService.QueueName, AuditJsonContext.Default.GitAuditEventMessage), cancellationToken);
    }
}
