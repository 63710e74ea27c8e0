using System.Buffers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace InternalApi.Core.Auth;

/// <summary>What a JWT must satisfy.</summary>
public sealed record JwtRequirements
{
    /// <summary>Exact <c>iss</c>.</summary>
    public required string Issuer { get; init; }

    /// <summary>Exact <c>aud</c>, or null when not checked.</summary>
    public string? Audience { get; init; }

    /// <summary>Whether <c>exp</c> and <c>iat</c> must be present (our hardening for the shell JWT).</summary>
    public bool RequireExpiryAndIssuedAt { get; init; }

    /// <summary>Clock leeway.</summary>
    public TimeSpan Leeway { get; init; } = TimeSpan.FromSeconds(60);
}

/// <summary>Outcome of validating an internal JWT; <see cref="Reason"/> is safe to log (never contains the token).</summary>
public readonly record struct JwtValidation(bool IsValid, string Reason)
{
    internal static JwtValidation Valid => new(true, "valid");

    internal static JwtValidation Invalid(string reason) => new(false, reason);
}

/// <summary>
/// HS256 JWTs between GitLab components. The signature is checked here, by hand, with the raw key
/// bytes: shell secrets are often shorter than the 256 bits IdentityModel insists on for HMAC keys,
/// and GitLab accepts them. Claims (issuer, audience, lifetime) are validated by IdentityModel.
/// </summary>
public static class InternalJwt
{
    /// <summary>Issuer gitlab-shell and Gitaly put in the shell JWT.</summary>
    public const string ShellIssuer = "gitlab-shell";

    /// <summary>Issuer of KAS tokens.</summary>
    public const string KasIssuer = "gitlab-kas";

    /// <summary>Audience of KAS tokens.</summary>
    public const string KasAudience = "gitlab";

    private static readonly JsonWebTokenHandler Handler = new() { MapInboundClaims = false };

    /// <summary>Validates a compact JWS against a key and requirements.</summary>
    public static Task<JwtValidation> ValidateAsync(string? token, byte[] key, JwtRequirements requirements, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(key);
        return ValidateAsync(token, [key], requirements, time);
    }

    /// <summary>
    /// Validates a compact JWS signed with any of <paramref name="keys"/> (the current key and, during a
    /// rotation window, the previous one).
    /// </summary>
    public static async Task<JwtValidation> ValidateAsync(string? token, IReadOnlyList<byte[]> keys, JwtRequirements requirements, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(keys);
        ArgumentNullException.ThrowIfNull(requirements);
        ArgumentNullException.ThrowIfNull(time);
        if (string.IsNullOrWhiteSpace(token))
        {
            return JwtValidation.Invalid("missing token");
        }

        if (token.Length > 8192 || !Handler.CanReadToken(token))
        {
            return JwtValidation.Invalid("malformed token");
        }

        // Parsed once, here: the handler validates this instance and the signature check below uses it too
        // (handing the handler the string would parse it again, and the signature check a third time).
        JsonWebToken jwt;
        try
        {
            jwt = new JsonWebToken(token);
        }
        catch (Exception ex) when (ex is ArgumentException or SecurityTokenException or JsonException)
        {
            // What the handler answers for a token it cannot read (the reason is only logged).
            return JwtValidation.Invalid(nameof(SecurityTokenMalformedException));
        }

        var parameters = new TokenValidationParameters
        {
            ValidIssuer = requirements.Issuer,
            ValidateIssuer = true,
            ValidAudience = requirements.Audience,
            ValidateAudience = requirements.Audience is not null,
            ValidateLifetime = true,
            RequireExpirationTime = requirements.RequireExpiryAndIssuedAt,
            ClockSkew = requirements.Leeway,
            ValidateIssuerSigningKey = false,
            TryAllIssuerSigningKeys = false,
            LifetimeValidator = (notBefore, expires, _, p) => ValidateLifetime(notBefore, expires, p, time),
            SignatureValidator = (_, _) => VerifySignature(jwt, keys),
        };

        var result = await Handler.ValidateTokenAsync(jwt, parameters);
        if (!result.IsValid)
        {
            return JwtValidation.Invalid(result.Exception?.GetType().Name ?? "invalid token");
        }
        if (requirements.RequireExpiryAndIssuedAt && !jwt.TryGetPayloadValue<long>("iat", out _))
        {
            return JwtValidation.Invalid("iat missing");
        }

        // iat in the future (beyond the leeway) means a forged or badly skewed token.
        if (jwt.TryGetPayloadValue<long>("iat", out var iat) &&
            DateTimeOffset.FromUnixTimeSeconds(iat) > time.GetUtcNow() + requirements.Leeway)
        {
            return JwtValidation.Invalid("iat in the future");
        }

        return JwtValidation.Valid;
    }

    /// <summary>The <c>iat</c> of a token already validated, or null when it has none.</summary>
    public static DateTimeOffset? IssuedAt(string token) =>
        new JsonWebToken(token).TryGetPayloadValue<long>("iat", out var iat) ? DateTimeOffset.FromUnixTimeSeconds(iat) : null;

    /// <summary>Creates an HS256 token (for the <c>token</c> command and tests).</summary>
    public static string Create(byte[] key, string issuer, string? audience, TimeProvider time, TimeSpan lifetime)
    {
        ArgumentNullException.ThrowIfNull(key);
        ArgumentNullException.ThrowIfNull(time);
        var now = time.GetUtcNow().ToUnixTimeSeconds();
        using var payload = new MemoryStream();
        using (var w = new Utf8JsonWriter(payload))
        {
            w.WriteStartObject();
            w.WriteString("iss", issuer);
            if (audience is not null)
            {
                w.WriteString("aud", audience);
            }

            w.WriteNumber("iat", now);
            w.WriteNumber("exp", now + (long)lifetime.TotalSeconds);
            w.WriteEndObject();
        }

        return Sign(key, """{"alg":"HS256","typ":"JWT"}"""u8.ToArray(), payload.ToArray());
    }

    /// <summary>Signs an arbitrary header and payload with HS256 (tests use it to build hostile tokens).</summary>
    public static string Sign(byte[] key, byte[] headerJson, byte[] payloadJson)
    {
        var signingInput = Base64UrlEncoder.Encode(headerJson) + "." + Base64UrlEncoder.Encode(payloadJson);
        var signature = HMACSHA256.HashData(key, Encoding.ASCII.GetBytes(signingInput));
        return signingInput + "." + Base64UrlEncoder.Encode(signature);
    }

    private static JsonWebToken VerifySignature(JsonWebToken jwt, IReadOnlyList<byte[]> keys)
    {
        // Only HS256: 'none', other HMAC sizes and asymmetric algorithms are refused outright.
        if (!string.Equals(jwt.Alg, SecurityAlgorithms.HmacSha256, StringComparison.Ordinal))
        {
            throw new SecurityTokenInvalidAlgorithmException("only HS256 is accepted");
        }

        var token = jwt.EncodedToken;
        var lastDot = token.LastIndexOf('.');
        byte[] actual;
        try
        {
            actual = Base64UrlEncoder.DecodeBytes(token[(lastDot + 1)..]);
        }
        catch (FormatException ex)
        {
            throw new SecurityTokenInvalidSignatureException("signature is not base64url", ex);
        }

        // The signing input goes through a pooled buffer (cleared after: it is part of a bearer token) and each
        // MAC onto the stack. Every key is tried (no early exit), so the time taken says nothing about which
        // key matched.
        var signingInput = ArrayPool<byte>.Shared.Rent(lastDot);
        try
        {
            var length = Encoding.ASCII.GetBytes(token.AsSpan(0, lastDot), signingInput);
            Span<byte> mac = stackalloc byte[HMACSHA256.HashSizeInBytes];
            var matched = false;
            foreach (var key in keys)
            {
                HMACSHA256.HashData(key, signingInput.AsSpan(0, length), mac);
                matched |= CryptographicOperations.FixedTimeEquals(mac, actual);
            }

            return matched ? jwt : throw new SecurityTokenInvalidSignatureException("signature mismatch");
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(signingInput, clearArray: true);
        }
    }

    private static bool ValidateLifetime(DateTime? notBefore, DateTime? expires, TokenValidationParameters p, TimeProvider time)
    {
        var now = time.GetUtcNow().UtcDateTime;
        if (p.RequireExpirationTime && expires is null)
        {
            throw new SecurityTokenNoExpirationException("exp missing");
        }

        if (expires is { } exp && exp + p.ClockSkew < now)
        {
            throw new SecurityTokenExpiredException("expired");
        }

        if (notBefore is { } nbf && nbf - p.ClockSkew > now)
        {
            throw new SecurityTokenNotYetValidException("not yet valid");
        }

        return true;
    }
}
