using InternalApi.Core.Data;
using InternalApi.Core.Model;

namespace InternalApi.Core.Auth;

/// <summary>Who a personal access token authenticates, or why it does not.</summary>
/// <param name="User">The token's user when the token is usable.</param>
/// <param name="Token">The token.</param>
/// <param name="Reason">Why it was refused (never contains the token).</param>
public sealed record PersonalAccessTokenIdentity(User? User, PersonalAccessToken? Token, string Reason);

/// <summary>
/// Authenticates a personal access token (spec §1.7 E) by its SHA-256 digest, one point read plus the user's:
/// unknown, revoked or expired tokens and tokens of users who may not sign in are refused. Scopes and the admin
/// flag are the caller's business (they answer 403, not 401). Nothing is written: a token's last use is not
/// recorded here.
/// </summary>
public sealed class PersonalAccessTokenAuthenticator(UserStore users, PersonalAccessTokenStore accessTokens, TimeProvider time)
{
    /// <summary>The token's user, or the refusal.</summary>
    public async Task<PersonalAccessTokenIdentity> AuthenticateAsync(string? token, CancellationToken cancellationToken = default)
    {
        if (string.IsNullOrWhiteSpace(token))
        {
            return new(null, null, "no token");
        }

        // The lookup is by digest (a point read); the digest read back is compared in constant time as well.
        var digest = SecretDigest.Sha256Hex(token.Trim());
        if (await accessTokens.FindPersonalAccessTokenAsync(digest, cancellationToken) is not { } stored || !SecretDigest.FixedTimeEquals(stored.Digest, digest))
        {
            return new(null, null, "unknown token");
        }

        if (!stored.IsActive(time.GetUtcNow()))
        {
            return new(null, stored, stored.Revoked ? "revoked token" : "expired token");
        }

        return await users.GetUserAsync(stored.UserId, cancellationToken) is { State: UserState.Active } user
            ? new(user, stored, "")
            : new(null, stored, "the token's user may not sign in");
    }
}
