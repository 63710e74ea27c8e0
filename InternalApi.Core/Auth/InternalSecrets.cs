using System.Text;

namespace InternalApi.Core.Auth;

/// <summary>The HMAC keys the internal API verifies, loaded once at start.</summary>
public sealed class InternalSecrets
{
    /// <summary>Number of bytes a KAS secret must decode to.</summary>
    public const int KasSecretLength = 32;

    /// <summary>Creates the key set.</summary>
    public InternalSecrets(byte[] shellKey, byte[]? kasKey)
    {
        ArgumentNullException.ThrowIfNull(shellKey);
        if (shellKey.Length == 0)
        {
            throw new InvalidOperationException("The shell secret is empty.");
        }

        if (kasKey is not null && kasKey.Length != KasSecretLength)
        {
            throw new InvalidOperationException($"The KAS secret must be base64 of exactly {KasSecretLength} bytes.");
        }

        ShellKey = shellKey;
        KasKey = kasKey;
    }

    /// <summary>Shell secret: the trimmed file contents as raw bytes (not base64-decoded), as GitLab uses it.</summary>
    public byte[] ShellKey { get; }

    /// <summary>KAS secret: the base64-decoded 32 bytes; null when KAS is not configured.</summary>
    public byte[]? KasKey { get; }

    /// <summary>
    /// Loads both secrets. A missing or empty shell secret, or a KAS secret that is present but not
    /// base64 of 32 bytes, throws: the app must not start half-configured.
    /// </summary>
    public static InternalSecrets Load(ShellAuthOptions shell, KasAuthOptions kas, string contentRoot)
    {
        ArgumentNullException.ThrowIfNull(shell);
        ArgumentNullException.ThrowIfNull(kas);
        var shellText = shell.Secret ?? ReadFile(shell.SecretFile, contentRoot)
            ?? throw new InvalidOperationException($"Shell secret file '{Resolve(shell.SecretFile, contentRoot)}' not found; set Shell:SecretFile or Shell:Secret.");
        var shellKey = Encoding.UTF8.GetBytes(shellText.Trim());

        byte[]? kasKey = null;
        var kasText = kas.Secret ?? ReadFile(kas.SecretFile, contentRoot);
        if (kasText is not null)
        {
            kasKey = DecodeKas(kasText);
        }

        return new InternalSecrets(shellKey, kasKey);
    }

    /// <summary>Decodes a KAS secret; throws when it is not base64 of exactly 32 bytes.</summary>
    public static byte[] DecodeKas(string base64)
    {
        ArgumentNullException.ThrowIfNull(base64);
        byte[] bytes;
        try
        {
            bytes = Convert.FromBase64String(base64.Trim());
        }
        catch (FormatException ex)
        {
            throw new InvalidOperationException("The KAS secret is not valid base64.", ex);
        }

        return bytes.Length == KasSecretLength
            ? bytes
            : throw new InvalidOperationException($"The KAS secret decodes to {bytes.Length} bytes; it must be exactly {KasSecretLength}.");
    }

    /// <summary>Resolves a secret path against the content root.</summary>
    public static string Resolve(string path, string contentRoot) =>
        Path.IsPathRooted(path) ? path : Path.GetFullPath(Path.Combine(contentRoot, path));

    private static string? ReadFile(string path, string contentRoot)
    {
        if (string.IsNullOrWhiteSpace(path))
        {
            return null;
        }

        var full = Resolve(path, contentRoot);
        return File.Exists(full) ? File.ReadAllText(full) : null;
    }
}
