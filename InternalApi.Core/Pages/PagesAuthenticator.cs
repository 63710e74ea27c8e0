using InternalApi.Core.Auth;
using Microsoft.Extensions.Options;

namespace InternalApi.Core.Pages;

/// <summary>
/// Authenticates the Pages daemon: an HS256 JWT with <c>iss</c> <c>gitlab-pages</c> (GitLab's
/// <c>Gitlab::Pages.verify_api_request</c>: issuer checked, <c>exp</c> checked when present, no audience).
/// </summary>
public sealed class PagesAuthenticator(PagesSecret secret, IOptions<PagesOptions> options, TimeProvider time)
{
    /// <summary>The header the daemon sends its JWT in.</summary>
    public const string Header = "Gitlab-Pages-Api-Request";

    /// <summary>Issuer of the daemon's tokens.</summary>
    public const string Issuer = "gitlab-pages";

    private JwtRequirements? _requirements;

    /// <summary>Validates the daemon's token; the reason of a refusal is safe to log.</summary>
    public Task<JwtValidation> AuthenticateAsync(string? jwt)
    {
        if (secret.Keys is null)
        {
            return Task.FromResult(new JwtValidation(false, "Pages secret not configured"));
        }

        // Built once from the singleton's options; two threads building it at once build equal values.
        _requirements ??= new JwtRequirements { Issuer = Issuer, Leeway = options.Value.Leeway };
        return InternalJwt.ValidateAsync(jwt, secret.Keys.KeysAt(time.GetUtcNow()), _requirements, time);
    }
}
