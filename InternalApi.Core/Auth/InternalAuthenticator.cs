using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;

namespace InternalApi.Core.Auth;

/// <summary>Authenticates the components that call the internal API (gitlab-shell/Gitaly and KAS).</summary>
public sealed class InternalAuthenticator(InternalSecrets secrets, IOptions<ShellAuthOptions> shell, IOptions<KasAuthOptions> kas, TimeProvider time)
{
    // Built on first use from the options (a singleton's, fixed for the process) instead of on every request;
    // two threads building it at once build equal values.
    private JwtRequirements? _shellRequirements;
    private JwtRequirements? _kasRequirements;

    /// <summary>Whether the legacy shared secret is accepted (when no JWT is sent).</summary>
    public bool LegacySharedSecretEnabled => shell.Value.AllowLegacySharedSecret;

    /// <summary>
    /// Shell scheme: the JWT when one is sent; otherwise, only when legacy mode is on, the shared
    /// secret from the <c>secret_token</c> parameter (compared as is) or the <c>Gitlab-Shared-Secret</c>
    /// header (base64-decoded), the parameter winning.
    /// </summary>
    public async Task<JwtValidation> AuthenticateShellAsync(string? jwt, string? sharedSecretHeader, string? secretTokenParameter)
    {
        var options = shell.Value;
        if (!string.IsNullOrEmpty(jwt) || !options.AllowLegacySharedSecret)
        {
            _shellRequirements ??= new JwtRequirements
            {
                Issuer = InternalJwt.ShellIssuer,
                RequireExpiryAndIssuedAt = true,
                Leeway = options.Leeway,
            };
            return await InternalJwt.ValidateAsync(jwt, secrets.Shell.KeysAt(time.GetUtcNow()), _shellRequirements, time);
        }

        byte[]? presented = null;
        if (secretTokenParameter is not null)
        {
            presented = Encoding.UTF8.GetBytes(secretTokenParameter.TrimEnd('\n'));
        }
        else if (sharedSecretHeader is not null)
        {
            try
            {
                presented = Convert.FromBase64String(sharedSecretHeader.Trim());
                presented = Encoding.UTF8.GetBytes(Encoding.UTF8.GetString(presented).TrimEnd('\n'));
            }
            catch (FormatException)
            {
                return JwtValidation.Invalid("legacy secret header is not base64");
            }
        }

        var matched = false;
        if (presented is not null)
        {
            foreach (var key in secrets.Shell.KeysAt(time.GetUtcNow()))
            {
                matched |= CryptographicOperations.FixedTimeEquals(presented, key);
            }
        }

        return matched
            ? JwtValidation.Valid
            : JwtValidation.Invalid(presented is null ? "missing token" : "legacy secret mismatch");
    }

    /// <summary>KAS scheme: HS256, <c>iss</c> gitlab-kas, <c>aud</c> gitlab; exp/iat checked when present.</summary>
    public Task<JwtValidation> AuthenticateKasAsync(string? jwt)
    {
        if (secrets.Kas is null)
        {
            return Task.FromResult(JwtValidation.Invalid("KAS secret not configured"));
        }

        _kasRequirements ??= new JwtRequirements
        {
            Issuer = InternalJwt.KasIssuer,
            Audience = InternalJwt.KasAudience,
            Leeway = kas.Value.Leeway,
        };
        return InternalJwt.ValidateAsync(jwt, secrets.Kas.KeysAt(time.GetUtcNow()), _kasRequirements, time);
    }
}
