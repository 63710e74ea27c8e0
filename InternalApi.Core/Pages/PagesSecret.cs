using InternalApi.Core.Auth;

namespace InternalApi.Core.Pages;

/// <summary>The Pages daemon's HMAC key (base64 of 32 bytes, as GitLab reads <c>.gitlab_pages_secret</c>), with rotation.</summary>
public sealed class PagesSecret(RotatingKey? keys)
{
    /// <summary>Number of bytes the secret must decode to (GitLab checks the same length).</summary>
    public const int Length = 32;

    /// <summary>The keys; null when no Pages secret is configured (every Pages request is then refused).</summary>
    public RotatingKey? Keys { get; } = keys;

    /// <summary>
    /// Loads the secret as the shell and KAS secrets are loaded: value over file, a previous secret only with the end
    /// of its window. No secret at all leaves Pages off; a malformed one stops the app.
    /// </summary>
    public static PagesSecret Load(PagesOptions options, string contentRoot)
    {
        ArgumentNullException.ThrowIfNull(options);
        var current = options.Secret ?? ReadFile(options.SecretFile, contentRoot);
        var previous = options.PreviousSecret
            ?? (string.IsNullOrWhiteSpace(options.PreviousSecretFile) ? null
                : ReadFile(options.PreviousSecretFile, contentRoot)
                    ?? throw new InvalidOperationException($"Pages:PreviousSecretFile '{InternalSecrets.Resolve(options.PreviousSecretFile, contentRoot)}' not found."));
        if (string.IsNullOrWhiteSpace(previous))
        {
            previous = null;
        }
        else if (options.PreviousSecretValidUntil is null)
        {
            throw new InvalidOperationException("Pages:PreviousSecret is set without Pages:PreviousSecretValidUntil (the end of the rotation window).");
        }

        if (current is null)
        {
            return previous is null
                ? new PagesSecret(null)
                : throw new InvalidOperationException("Pages:PreviousSecret is set but there is no current Pages secret.");
        }

        return new PagesSecret(new RotatingKey(Decode(current), previous is null ? null : Decode(previous), previous is null ? null : options.PreviousSecretValidUntil));
    }

    /// <summary>Decodes a Pages secret; throws when it is not base64 of exactly 32 bytes (or is an unresolved Key Vault reference).</summary>
    public static byte[] Decode(string base64)
    {
        ArgumentNullException.ThrowIfNull(base64);
        if (base64.TrimStart().StartsWith("@Microsoft.KeyVault(", StringComparison.OrdinalIgnoreCase))
        {
            // Used as a key, the reference's text would let anyone who knows the vault's name sign tokens.
            throw new InvalidOperationException("The Pages secret is an unresolved Key Vault reference; check the secret exists and the app's identity may read it.");
        }

        byte[] bytes;
        try
        {
            bytes = Convert.FromBase64String(base64.Trim());
        }
        catch (FormatException ex)
        {
            throw new InvalidOperationException("The Pages secret is not valid base64.", ex);
        }

        return bytes.Length == Length
            ? bytes
            : throw new InvalidOperationException($"The Pages secret decodes to {bytes.Length} bytes; it must be exactly {Length}.");
    }

    private static string? ReadFile(string path, string contentRoot)
    {
        if (string.IsNullOrWhiteSpace(path))
        {
            return null;
        }

        var full = InternalSecrets.Resolve(path, contentRoot);
        return File.Exists(full) ? File.ReadAllText(full) : null;
    }
}
