using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;
using InternalApi.Functions.Hosting;

namespace InternalApi.Functions.Functions.Shell;

/// <summary><c>authorized_keys</c> parameters.</summary>
public sealed record AuthorizedKeysRequest : IValidatedRequest
{
    /// <summary>Bare base64 key blob, as OpenSSH passes it.</summary>
    [JsonConverter(typeof(LenientStringConverter))]
    public string? Key { get; init; }

    /// <inheritdoc/>
    public void Validate(ParameterErrors errors)
    {
        ArgumentNullException.ThrowIfNull(errors);

        // GitLab fetches the parameter strictly (a missing one is a server error there); an empty
        // value is a key that matches nothing (404).
        if (Key is null)
        {
            errors.Missing("key");
        }
    }
}

/// <summary>Actor parameters of <c>discover</c>, <c>two_factor_recovery_codes</c> and <c>personal_access_token</c>.</summary>
public record ShellActorRequest
{
    /// <summary>SSH key id (gitlab-shell's <c>key-N</c>).</summary>
    [JsonConverter(typeof(LenientStringConverter))]
    public string? KeyId { get; init; }

    /// <summary>User id.</summary>
    [JsonConverter(typeof(LenientStringConverter))]
    public string? UserId { get; init; }

    /// <summary>Username (discover only).</summary>
    [JsonConverter(typeof(LenientStringConverter))]
    public string? Username { get; init; }

    /// <summary><c>user-N</c> / <c>key-N</c> (discover only).</summary>
    [JsonConverter(typeof(LenientStringConverter))]
    public string? Identifier { get; init; }
}

/// <summary><c>personal_access_token</c> parameters.</summary>
public sealed record PersonalAccessTokenParameters : ShellActorRequest
{
    /// <summary>Token name.</summary>
    [JsonConverter(typeof(LenientStringConverter))]
    public string? Name { get; init; }

    /// <summary>Scopes: JSON array or form <c>scopes[]=</c>.</summary>
    [JsonConverter(typeof(LenientStringListConverter))]
    public IReadOnlyList<string>? Scopes { get; init; }

    /// <summary>Expiry date, in any form Ruby's <c>Date.parse</c> reads.</summary>
    [JsonConverter(typeof(LenientStringConverter))]
    public string? ExpiresAt { get; init; }
}

/// <summary><c>error_tracking/allowed</c> parameters.</summary>
public sealed record ErrorTrackingAllowedRequest
{
    /// <summary>The access token as a parameter (wins over the header).</summary>
    [JsonConverter(typeof(LenientStringConverter))]
    public string? ErrorTrackingToken { get; init; }

    /// <summary>Project id.</summary>
    [JsonConverter(typeof(LenientStringConverter))]
    public string? ProjectId { get; init; }

    /// <summary>Client key's public key.</summary>
    [JsonConverter(typeof(LenientStringConverter))]
    public string? PublicKey { get; init; }
}

/// <summary>A key for OpenSSH (GitLab's SSH key entity; field order as GitLab renders it).</summary>
public sealed record AuthorizedKeyResponse(long Id, string Title, string CreatedAt, string? ExpiresAt, string Key, string UsageType);

/// <summary>The "safe" user entity of <c>discover</c>: exactly these three keys.</summary>
public sealed record DiscoverResponse(long Id, string Username, string Name);

/// <summary>A refused shell command: <c>{"success":false,"message":"..."}</c>, always with 200.</summary>
public sealed record ShellCommandFailure(bool Success, string Message);

/// <summary>Fresh recovery codes.</summary>
public sealed record RecoveryCodesResponse(bool Success, IReadOnlyList<string> RecoveryCodes);

/// <summary>A new token; <c>expires_at</c> is <c>YYYY-MM-DD</c> or null.</summary>
public sealed record PersonalAccessTokenResponse(bool Success, string Token, IReadOnlyList<string> Scopes, string? ExpiresAt);

/// <summary>The error-tracking decision.</summary>
public sealed record ErrorTrackingAllowedResponse(bool Enabled);

/// <summary>Source-generated serialization for the shell and error-tracking wire types: snake_case on the wire.</summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower,
    NumberHandling = JsonNumberHandling.AllowReadingFromString,
    UnmappedMemberHandling = JsonUnmappedMemberHandling.Skip)]
[JsonSerializable(typeof(AuthorizedKeysRequest))]
[JsonSerializable(typeof(ShellActorRequest))]
[JsonSerializable(typeof(PersonalAccessTokenParameters))]
[JsonSerializable(typeof(ErrorTrackingAllowedRequest))]
[JsonSerializable(typeof(AuthorizedKeyResponse))]
[JsonSerializable(typeof(DiscoverResponse))]
[JsonSerializable(typeof(ShellCommandFailure))]
[JsonSerializable(typeof(RecoveryCodesResponse))]
[JsonSerializable(typeof(PersonalAccessTokenResponse))]
[JsonSerializable(typeof(ErrorTrackingAllowedResponse))]
public sealed partial class ShellJsonContext : JsonSerializerContext
{
    /// <summary>
    /// The context responses are written with: it escapes only what JSON requires, as GitLab does, so a
    /// key blob keeps its <c>+</c> and a name its accents instead of <c>\u002B</c> / <c>\u00E9</c> escapes.
    /// The bodies are JSON answers to programs, never embedded in HTML.
    /// </summary>
    public static ShellJsonContext Wire { get; } = new(WireJsonOptions.Create());
}
