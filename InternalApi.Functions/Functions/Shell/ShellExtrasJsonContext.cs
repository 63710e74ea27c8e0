using System.Text.Json.Serialization;
using InternalApi.Functions.Hosting;

namespace InternalApi.Functions.Functions.Shell;

/// <summary><c>authorized_certs</c> parameters (both optional: a missing one finds nothing, as in GitLab).</summary>
public sealed record AuthorizedCertsRequest
{
    /// <summary>The CA's SHA-256 fingerprint, unpadded base64 without <c>SHA256:</c>.</summary>
    [JsonConverter(typeof(LenientStringConverter))]
    public string? Key { get; init; }

    /// <summary>The certificate's key id: the username.</summary>
    [JsonConverter(typeof(LenientStringConverter))]
    public string? UserIdentifier { get; init; }
}

/// <summary><c>two_factor_manual_otp_check</c> / <c>two_factor_push_otp_check</c> parameters.</summary>
public sealed record OtpCheckRequest : ShellActorRequest
{
    /// <summary>The typed code (manual check only).</summary>
    [JsonConverter(typeof(LenientStringConverter))]
    public string? OtpAttempt { get; init; }
}

/// <summary><c>packfile_stats</c>: what the client announced in the negotiation (gitlab-shell drops zero counts).</summary>
public sealed record PackfileStats
{
    /// <summary>Objects wanted.</summary>
    public long? Wants { get; init; }

    /// <summary>Objects already had.</summary>
    public long? Haves { get; init; }
}

/// <summary><c>shellhorse/git_audit_event</c> parameters.</summary>
public sealed record GitAuditEventParameters : IValidatedRequest
{
    /// <summary>The Git command.</summary>
    [JsonConverter(typeof(LenientStringConverter))]
    public string? Action { get; init; }

    /// <summary><c>ssh</c> or <c>http</c>.</summary>
    [JsonConverter(typeof(LenientStringConverter))]
    public string? Protocol { get; init; }

    /// <summary><c>project-N</c>.</summary>
    [JsonConverter(typeof(LenientStringConverter))]
    public string? GlRepository { get; init; }

    /// <summary>Username of the actor (what gitlab-shell sends).</summary>
    [JsonConverter(typeof(LenientStringConverter))]
    public string? Username { get; init; }

    /// <summary>The SSH key (current gitlab-shell sends it too; it wins over the username).</summary>
    [JsonConverter(typeof(LenientStringConverter))]
    public string? KeyId { get; init; }

    /// <summary>User id (Workhorse-style callers).</summary>
    [JsonConverter(typeof(LenientStringConverter))]
    public string? UserId { get; init; }

    /// <summary><c>user-N</c> / <c>key-N</c>.</summary>
    [JsonConverter(typeof(LenientStringConverter))]
    public string? Identifier { get; init; }

    /// <summary><c>_any</c>.</summary>
    [JsonConverter(typeof(LenientStringConverter))]
    public string? Changes { get; init; }

    /// <summary>The client's address.</summary>
    [JsonConverter(typeof(LenientStringConverter))]
    public string? CheckIp { get; init; }

    /// <summary>Negotiation counts.</summary>
    public PackfileStats? PackfileStats { get; init; }

    /// <inheritdoc/>
    public void Validate(ParameterErrors errors)
    {
        ArgumentNullException.ThrowIfNull(errors);

        // GitLab requires these three (and changes, which older gitlab-shell versions did not send: "_any" stands in).
        if (Action is null)
        {
            errors.Missing("action");
        }

        if (Protocol is null)
        {
            errors.Missing("protocol");
        }

        if (GlRepository is null)
        {
            errors.Missing("gl_repository");
        }
    }
}

/// <summary>A certificate login: the group and the user.</summary>
public sealed record AuthorizedCertResponse(bool Success, string Namespace, string Username);

/// <summary>An accepted OTP check.</summary>
public sealed record OtpCheckSuccess(bool Success);

/// <summary>A refused OTP check (always 200).</summary>
public sealed record OtpCheckFailure(bool Success, string Message);

/// <summary>What a recorded audit event's answer says about it.</summary>
public sealed record GitAuditEventSummary(string Protocol, string Action, string Verb);

/// <summary>The answer when the event is recorded.</summary>
public sealed record GitAuditEventRecorded(bool Status, GitAuditEventSummary Message);

/// <summary>Source-generated serialization of the gitlab-shell endpoints beyond the doc: snake_case on the wire.</summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower,
    NumberHandling = JsonNumberHandling.AllowReadingFromString,
    UnmappedMemberHandling = JsonUnmappedMemberHandling.Skip)]
[JsonSerializable(typeof(AuthorizedCertsRequest))]
[JsonSerializable(typeof(OtpCheckRequest))]
[JsonSerializable(typeof(GitAuditEventParameters))]
[JsonSerializable(typeof(AuthorizedCertResponse))]
[JsonSerializable(typeof(OtpCheckSuccess))]
[JsonSerializable(typeof(OtpCheckFailure))]
[JsonSerializable(typeof(GitAuditEventRecorded))]
public sealed partial class ShellExtrasJsonContext : JsonSerializerContext
{
    /// <summary>The context responses are written with (JSON-only escaping, as GitLab writes, e.g. <c>+</c> and newlines in messages).</summary>
    public static ShellExtrasJsonContext Wire { get; } = new(WireJsonOptions.Create());
}
