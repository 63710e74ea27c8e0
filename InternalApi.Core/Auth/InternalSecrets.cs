using System.Text;

namespace InternalApi.Core.Auth;

/// <summary>The HMAC keys the internal API verifies, loaded once at start.</summary>
public sealed class InternalSecrets
{
    /// <summary>Number of bytes a KAS secret must decode to.</summary>
    public const int KasSecretLength = 32;

    /// <summary>Creates the key set from single keys (no rotation under way).</summary>
    public InternalSecrets(byte[] shellKey, byte[]? kasKey)
        : this(new RotatingKey(shellKey), kasKey is null ? null : new RotatingKey(kasKey))
    {
    }

    /// <summary>Creates the key set.</summary>
    public InternalSecrets(RotatingKey shell, RotatingKey? kas)
    {
        ArgumentNullException.ThrowIfNull(shell);
        if (shell.Current.Length == 0 || shell.Previous is { Length: 0 })
        {
            throw new InvalidOperationException("The shell secret is empty.");
        }

        if (kas is not null && (kas.Current.Length != KasSecretLength || kas.Previous is { } previous && previous.Length != KasSecretLength))
        {
            throw new InvalidOperationException($"The KAS secret must be base64 of exactly {KasSecretLength} bytes.");
        }

        Shell = shell;
        Kas = kas;
    }

    /// <summary>Shell secret: the trimmed file contents as raw bytes (not base64-decoded), as GitLab uses it.</summary>
    public byte[] ShellKey => Shell.Current;

    /// <summary>KAS secret: the base64-decoded 32 bytes; null when KAS is not configured.</summary>
    public byte[]? KasKey => Kas?.Current;

    /// <summary>The shell keys, with the previous one during a rotation window.</summary>
    public RotatingKey Shell { get; }

    /// <summary>The KAS keys; null when KAS is not configured.</summary>
    public RotatingKey? Kas { get; }

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
        var previousShell = ReadPrevious("Shell", shell.PreviousSecret, shell.PreviousSecretFile, shell.PreviousSecretValidUntil, contentRoot);
        var shellKeys = new RotatingKey(
            ShellBytes(shellText),
            previousShell is null ? null : ShellBytes(previousShell),
            previousShell is null ? null : shell.PreviousSecretValidUntil);

        var kasKeys = LoadBase64Key("Kas", "KAS", kas.Secret, kas.SecretFile, kas.PreviousSecret, kas.PreviousSecretFile, kas.PreviousSecretValidUntil, contentRoot);
        return new InternalSecrets(shellKeys, kasKeys);
    }

    /// <summary>Decodes a KAS secret; throws when it is not base64 of exactly 32 bytes.</summary>
    public static byte[] DecodeKas(string base64) => DecodeBase64Key("KAS", base64);

    /// <summary>
    /// An optional secret that is base64 of exactly 32 bytes, as GitLab writes the KAS, Pages and Workhorse secrets:
    /// the value over the file (an empty value counts as unset), and a previous secret only with the end of its
    /// rotation window. Null when none is configured; a malformed one throws, so the app does not start.
    /// </summary>
    /// <param name="section">The settings' section (<c>Kas</c>, <c>Pages</c>, <c>Workhorse</c>), for messages.</param>
    /// <param name="name">The secret's name in messages (<c>KAS</c>, <c>Pages</c>, <c>Workhorse</c>).</param>
    public static RotatingKey? LoadBase64Key(
        string section, string name, string? secret, string? secretFile, string? previousSecret, string? previousSecretFile, DateTimeOffset? previousValidUntil, string contentRoot)
    {
        var current = string.IsNullOrEmpty(secret) ? ReadFile(secretFile, contentRoot) : secret;
        var previous = ReadPrevious(section, string.IsNullOrEmpty(previousSecret) ? null : previousSecret, previousSecretFile, previousValidUntil, contentRoot);
        if (current is null)
        {
            return previous is null
                ? null
                : throw new InvalidOperationException($"{section}:PreviousSecret is set but there is no current {name} secret.");
        }

        return new RotatingKey(
            DecodeBase64Key(name, current),
            previous is null ? null : DecodeBase64Key(name, previous),
            previous is null ? null : previousValidUntil);
    }

    /// <summary>Decodes a secret that must be base64 of exactly 32 bytes (or throws, naming it).</summary>
    public static byte[] DecodeBase64Key(string name, string base64)
    {
        ArgumentNullException.ThrowIfNull(base64);
        base64 = Resolved(base64, name);
        byte[] bytes;
        try
        {
            bytes = Convert.FromBase64String(base64.Trim());
        }
        catch (FormatException ex)
        {
            throw new InvalidOperationException($"The {name} secret is not valid base64.", ex);
        }

        return bytes.Length == KasSecretLength
            ? bytes
            : throw new InvalidOperationException($"The {name} secret decodes to {bytes.Length} bytes; it must be exactly {KasSecretLength}.");
    }

    /// <summary>Resolves a secret path against the content root.</summary>
    public static string Resolve(string path, string contentRoot) =>
        Path.IsPathRooted(path) ? path : Path.GetFullPath(Path.Combine(contentRoot, path));

    private static byte[] ShellBytes(string text) => Encoding.UTF8.GetBytes(Resolved(text, "Shell").Trim());

    /// <summary>
    /// App Service hands an app setting's Key Vault reference through as literal text when it cannot resolve
    /// it (a missing secret, a role assignment not yet effective). Used as a key, that text would let anyone
    /// who knows the vault's name sign tokens, so it stops the app instead.
    /// </summary>
    private static string Resolved(string text, string section) =>
        text.TrimStart().StartsWith("@Microsoft.KeyVault(", StringComparison.OrdinalIgnoreCase)
            ? throw new InvalidOperationException($"The {section} secret is an unresolved Key Vault reference; check the secret exists and the app's identity may read it.")
            : text;

    /// <summary>
    /// The previous secret of a rotation, or null. A previous secret without the end of its window is a
    /// configuration error rather than "accept forever": a forgotten old secret must not stay valid.
    /// </summary>
    private static string? ReadPrevious(string section, string? value, string? file, DateTimeOffset? validUntil, string contentRoot)
    {
        string? text = value;
        if (text is null && !string.IsNullOrWhiteSpace(file))
        {
            text = ReadFile(file, contentRoot)
                ?? throw new InvalidOperationException($"{section}:PreviousSecretFile '{Resolve(file, contentRoot)}' not found.");
        }

        if (string.IsNullOrWhiteSpace(text))
        {
            return null;
        }

        return validUntil is null
            ? throw new InvalidOperationException($"{section}:PreviousSecret is set without {section}:PreviousSecretValidUntil (the end of the rotation window).")
            : text;
    }

    private static string? ReadFile(string? path, string contentRoot)
    {
        if (string.IsNullOrWhiteSpace(path))
        {
            return null;
        }

        var full = Resolve(path, contentRoot);
        return File.Exists(full) ? File.ReadAllText(full) : null;
    }
}
