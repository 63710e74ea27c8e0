using InternalApi.Core.Auth;

namespace InternalApi.Core.Pages;

/// <summary>The Pages daemon's HMAC key (base64 of 32 bytes, as GitLab reads <c>.gitlab_pages_secret</c>), with rotation.</summary>
public sealed class PagesSecret(RotatingKey? keys)
{
    /// <summary>Number of bytes the secret must decode to (GitLab checks the same length).</summary>
    public const int Length = 32;

    /// <summary>The keys; null when no Pages secret is configured (every Pages request is then refused).</summary>
    public RotatingKey? Keys { get; } = keys;

    /// <summary>Loads the secret as the KAS secret is loaded (<see cref="InternalSecrets.LoadBase64Key"/>): value over file, a previous secret only with the end of its window; none leaves Pages tokens refused, a malformed one stops the app.</summary>
    public static PagesSecret Load(PagesOptions options, string contentRoot)
    {
        ArgumentNullException.ThrowIfNull(options);
        return new PagesSecret(InternalSecrets.LoadBase64Key(
            "Pages", "Pages", options.Secret, options.SecretFile, options.PreviousSecret, options.PreviousSecretFile, options.PreviousSecretValidUntil, contentRoot));
    }

    /// <summary>Decodes a Pages secret; throws when it is not base64 of exactly 32 bytes (or is an unresolved Key Vault reference).</summary>
    public static byte[] Decode(string base64) => InternalSecrets.DecodeBase64Key("Pages", base64);
}
