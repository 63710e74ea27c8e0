using Microsoft.Extensions.Options;

namespace InternalApi.Core.Auth;

/// <summary>
/// Verifies Workhorse's <c>Gitlab-Workhorse-Api-Request</c> JWT as GitLab does: HS256 with the decoded Workhorse
/// secret, <c>iss</c> <c>gitlab-workhorse</c>, no audience, and an <c>iat</c> no older than
/// <see cref="WorkhorseAuthOptions.ApiRequestJwtValidity"/> (Workhorse stamps one on every request; it sends no
/// <c>exp</c>).
/// </summary>
public sealed class WorkhorseAuthenticator(WorkhorseSecret secret, IOptions<WorkhorseAuthOptions> options, TimeProvider time)
{
    /// <summary>Issuer Workhorse puts in its tokens.</summary>
    public const string Issuer = "gitlab-workhorse";

    private JwtRequirements? _requirements;

    /// <summary>Validates the token; the reason of a refusal is safe to log.</summary>
    public async Task<JwtValidation> AuthenticateAsync(string? jwt)
    {
        if (secret.Keys is not { } keys)
        {
            return JwtValidation.Invalid("Workhorse secret not configured");
        }

        var settings = options.Value;
        _requirements ??= new JwtRequirements { Issuer = Issuer, Leeway = settings.Leeway };
        var now = time.GetUtcNow();
        var result = await InternalJwt.ValidateAsync(jwt, keys.KeysAt(now), _requirements, time);
        if (!result.IsValid)
        {
            return result;
        }

        // Signature and issuer are good; now the freshness GitLab requires of a request's token.
        var issuedAt = InternalJwt.IssuedAt(jwt!);
        if (issuedAt is null)
        {
            return JwtValidation.Invalid("iat missing");
        }

        return issuedAt < now - settings.ApiRequestJwtValidity ? JwtValidation.Invalid("iat too old") : result;
    }
}
