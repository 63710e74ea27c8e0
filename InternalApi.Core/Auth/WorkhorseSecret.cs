namespace InternalApi.Core.Auth;

/// <summary>
/// The Workhorse key, loaded once at start: GitLab's <c>.gitlab_workhorse_secret</c> is base64 of exactly 32 bytes,
/// and the key is the decoded bytes. Absent, Workhorse tokens are refused (nothing else needs it); present but
/// malformed, the app does not start.
/// </summary>
public sealed class WorkhorseSecret(RotatingKey? keys)
{
    /// <summary>Number of bytes the secret must decode to.</summary>
    public const int Length = 32;

    /// <summary>The keys, with the previous one during a rotation window; null when no secret is configured.</summary>
    public RotatingKey? Keys { get; } = keys;

    /// <summary>Loads the secret from <see cref="WorkhorseAuthOptions"/>.</summary>
    public static WorkhorseSecret Load(WorkhorseAuthOptions options, string contentRoot)
    {
        ArgumentNullException.ThrowIfNull(options);
        var current = options.Secret is { Length: > 0 } value ? value : ReadFile(options.SecretFile, contentRoot);
        var previous = options.PreviousSecret is { Length: > 0 } old ? old : null;
        if (previous is null && !string.IsNullOrWhiteSpace(options.PreviousSecretFile))
        {
            previous = ReadFile(options.PreviousSecretFile, contentRoot)
                ?? throw new InvalidOperationException($"Workhorse:PreviousSecretFile '{InternalSecrets.Resolve(options.PreviousSecretFile, contentRoot)}' not found.");
        }

        if (previous is not null && options.PreviousSecretValidUntil is null)
        {
            // A forgotten old secret must not stay valid for ever.
            throw new InvalidOperationException("Workhorse:PreviousSecret is set without Workhorse:PreviousSecretValidUntil (the end of the rotation window).");
        }

        if (current is null)
        {
            return previous is null
                ? new WorkhorseSecret(null)
                : throw new InvalidOperationException("Workhorse:PreviousSecret is set but there is no current Workhorse secret.");
        }

        return new WorkhorseSecret(new RotatingKey(
            Decode(current),
            previous is null ? null : Decode(previous),
            previous is null ? null : options.PreviousSecretValidUntil));
    }

    /// <summary>Decodes a secret; throws when it is not base64 of exactly 32 bytes (or an unresolved Key Vault reference).</summary>
    public static byte[] Decode(string base64)
    {
        ArgumentNullException.ThrowIfNull(base64);
        if (base64.TrimStart().StartsWith("@Microsoft.KeyVault(", StringComparison.OrdinalIgnoreCase))
        {
            // Used as a key, the reference's text would let anyone who knows the vault's name sign tokens.
            throw new InvalidOperationException("The Workhorse secret is an unresolved Key Vault reference; check the secret exists and the app's identity may read it.");
        }

        byte[] bytes;
        try
        {
            bytes = Convert.FromBase64String(base64.Trim());
        }
        catch (FormatException ex)
        {
            throw new InvalidOperationException("The Workhorse secret (Workhorse:Secret or Workhorse:SecretFile) is not valid base64.", ex);
        }

        return bytes.Length == Length
            ? bytes
            : throw new InvalidOperationException($"The Workhorse secret decodes to {bytes.Length} bytes; it must be exactly {Length}.");
    }

    private static string? ReadFile(string? path, string contentRoot)
    {
        if (string.IsNullOrWhiteSpace(path))
        {
            return null;
        }

        var full = InternalSecrets.Resolve(path, contentRoot);
        return File.Exists(full) ? File.ReadAllText(full) : null;
    }
}
