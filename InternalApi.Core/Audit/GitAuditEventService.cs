using System.Text.Json;
using Azure.Storage.Queues;
using InternalApi.Core.Access;
using InternalApi.Core.Identity;
using InternalApi.Core.Model;
using InternalApi.Core.Shell;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace InternalApi.Core.Audit;

/// <summary>The parameters of <c>shellhorse/git_audit_event</c>, as sent.</summary>
public sealed record GitAuditEventRequest
{
    /// <summary>The Git command.</summary>
    public string? Action { get; init; }

    /// <summary><c>ssh</c> or <c>http</c>.</summary>
    public string? Protocol { get; init; }

    /// <summary><c>project-N</c>.</summary>
    public string? GlRepository { get; init; }

    /// <summary><c>_any</c> from gitlab-shell.</summary>
    public string? Changes { get; init; }

    /// <summary>The client address gitlab-shell saw.</summary>
    public string? CheckIp { get; init; }

    /// <summary>Objects the client wanted (0 or absent when gitlab-shell trimmed it).</summary>
    public long? Wants { get; init; }

    /// <summary>Objects the client had.</summary>
    public long? Haves { get; init; }

    /// <summary>Actor parameters (<c>key_id</c>, <c>username</c>, ...).</summary>
    public ActorQuery Actor { get; init; } = new();
}

/// <summary>
/// The answer: recorded (<see cref="Recorded"/> set when queued), not needed, an invalid action, or the access check's
/// denial; the edge words it as GitLab's <c>{"status":...,"message":...}</c> with its status code.
/// </summary>
public sealed record GitAuditEventOutcome(GitAuditEventResult Result, string? Message, GitAuditSummary? Recorded)
{
    /// <summary>Why access was refused, when <see cref="Result"/> is <see cref="GitAuditEventResult.Denied"/>.</summary>
    public AccessDenial? Denial { get; init; }
}

/// <summary>What became of a Git audit event.</summary>
public enum GitAuditEventResult
{
    /// <summary>Queued for recording.</summary>
    Recorded,

    /// <summary>Nothing to record (the feature is off, or the actor or project is not audited).</summary>
    NotNeeded,

    /// <summary>The action is not one GitLab audits.</summary>
    InvalidAction,

    /// <summary>The access check refused the actor.</summary>
    Denied,
}

/// <summary>What the answer's <c>message</c> object holds when the event is recorded.</summary>
public sealed record GitAuditSummary(string Protocol, string Action, string Verb);

/// <summary>
/// <c>POST /internal/shellhorse/git_audit_event</c> (EE, gitlab-shell after a Git command when <c>/allowed</c>
/// answered <c>need_audit: true</c>): checks access as <c>/allowed</c> does, then queues the event for the
/// <c>git-audit-events</c> worker. The queue write is the last step, so an answer of 5xx never follows it.
/// </summary>
public sealed partial class GitAuditEventService(
    GitAccessService access,
    QueueServiceClient queues,
    IOptions<ShellFeatureOptions> options,
    TimeProvider time,
    ILogger<GitAuditEventService> logger)
{
    /// <summary>The queue the worker reads.</summary>
    public const string QueueName = "git-audit-events";

    /// <summary>GitLab's message for a command it does not audit (400).</summary>
    public const string NoValidAction = "No valid action specified";

    /// <summary>GitLab's message when no event is recorded (200).</summary>
    public const string NotNeeded = "No git audit event needed";

    private readonly QueueClient _queue = queues.GetQueueClient(QueueName);

    /// <summary>Whether GitLab records audit events for this actor on this project (<c>Gitlab::GitAuditEvent#enabled?</c>).</summary>
    public static bool Applies(bool enabled, Actor actor, Project? project)
    {
        ArgumentNullException.ThrowIfNull(actor);
        return enabled && project is not null && actor.User is { Type: UserType.Human };
    }

    /// <summary>Runs the endpoint.</summary>
    public async Task<GitAuditEventOutcome> HandleAsync(GitAuditEventRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        var action = request.Action?.Trim();
        if (action is not (GitActions.UploadPack or GitActions.ReceivePack))
        {
            return new GitAuditEventOutcome(GitAuditEventResult.InvalidAction, NoValidAction, null);
        }

        var result = await access.CheckAsync(new AccessRequest
        {
            Action = action,
            Protocol = request.Protocol,
            // gitlab-shell sends "_any"; older ones sent nothing, which the access check reads the same way.
            Changes = request.Changes ?? "_any",
            GlRepository = request.GlRepository,
            Actor = request.Actor,
        }, cancellationToken);

        if (result is AccessDenied denied)
        {
            return new GitAuditEventOutcome(GitAuditEventResult.Denied, denied.Message, null) { Denial = denied.Kind };
        }

        var granted = (AccessGranted)result;
        if (!Applies(options.Value.GitAuditEvents, granted.Actor, granted.Project))
        {
            return new GitAuditEventOutcome(GitAuditEventResult.NotNeeded, NotNeeded, null);
        }

        var protocol = request.Protocol ?? "";
        var summary = new GitAuditSummary(protocol, action, Verb(action, request.Wants, request.Haves));
        var user = granted.Actor.User!;
        var key = granted.Actor.Key;
        var message = new GitAuditEventMessage
        {
            EventId = Guid.NewGuid().ToString("N"),
            OccurredAt = time.GetUtcNow(),
            ProjectId = granted.Project.Id,
            ProjectPath = granted.Project.FullPath,
            Action = action,
            Protocol = protocol,
            Verb = summary.Verb,
            UserId = user.Id,
            Username = user.Username,
            KeyId = key?.Id,
            KeyType = key is null ? null : key.Kind == SshKeyKind.Deploy ? "deploy_key" : "key",
            // GitLab adds the address only for SSH, where gitlab-shell passes the client's (from the PROXY protocol).
            IpAddress = protocol == "ssh" && !string.IsNullOrWhiteSpace(request.CheckIp) ? request.CheckIp.Trim() : null,
        };
        await _queue.SendMessageAsync(BinaryData.FromBytes(JsonSerializer.SerializeToUtf8Bytes(message, AuditJsonContext.Default.GitAuditEventMessage)), cancellationToken: cancellationToken);
        Log.Queued(logger, message.EventId, message.ProjectId, summary.Verb);
        return new GitAuditEventOutcome(GitAuditEventResult.Recorded, null, summary);
    }

    /// <summary>
    /// GitLab's verb: a push for receive-pack; for upload-pack a clone when the client wanted objects and had
    /// none, otherwise a pull (gitlab-shell drops zero counts, so absent means 0).
    /// </summary>
    public static string Verb(string action, long? wants, long? haves) =>
        action == GitActions.ReceivePack ? "push" : (wants ?? 0) > 0 && (haves ?? 0) == 0 ? "clone" : "pull";

    private static partial class Log
    {
        [LoggerMessage(EventId = 3300, Level = LogLevel.Information, Message = "Queued git audit event {EventId} for project {ProjectId} ({Verb})")]
        public static partial void Queued(ILogger logger, string eventId, long projectId, string verb);
    }
}
