using System.Text.Json.Serialization;

namespace InternalApi.Core.Audit;

/// <summary>
/// One Git operation to record, as queued by <c>shellhorse/git_audit_event</c>. <see cref="EventId"/> and
/// <see cref="OccurredAt"/> are fixed when the call is accepted, so every delivery of the message names the
/// same audit event row.
/// </summary>
public sealed record GitAuditEventMessage
{
    /// <summary>Unique id of the event (a GUID, assigned once).</summary>
    public required string EventId { get; init; }

    /// <summary>When the call was accepted.</summary>
    public required DateTimeOffset OccurredAt { get; init; }

    /// <summary>The project (the scope and target of GitLab's <c>repository_git_operation</c> event).</summary>
    public required long ProjectId { get; init; }

    /// <summary>The project's path at the time.</summary>
    public required string ProjectPath { get; init; }

    /// <summary><c>git-upload-pack</c> or <c>git-receive-pack</c>.</summary>
    public required string Action { get; init; }

    /// <summary><c>ssh</c> or <c>http</c>, as sent.</summary>
    public required string Protocol { get; init; }

    /// <summary><c>clone</c>, <c>pull</c> or <c>push</c>.</summary>
    public required string Verb { get; init; }

    /// <summary>The human user behind the operation.</summary>
    public required long UserId { get; init; }

    /// <summary>Their username at the time.</summary>
    public required string Username { get; init; }

    /// <summary>The SSH key used, when the actor was a key.</summary>
    public long? KeyId { get; init; }

    /// <summary><c>key</c> or <c>deploy_key</c> (the event's author), when the actor was a key.</summary>
    public string? KeyType { get; init; }

    /// <summary>The client address gitlab-shell saw (<c>check_ip</c>), recorded for SSH only, as GitLab does.</summary>
    public string? IpAddress { get; init; }
}

/// <summary>Source-generated JSON for this area's queue messages.</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower)]
[JsonSerializable(typeof(GitAuditEventMessage))]
public sealed partial class AuditJsonContext : JsonSerializerContext;
