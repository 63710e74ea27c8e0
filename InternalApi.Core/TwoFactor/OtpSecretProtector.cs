using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;

namespace InternalApi.Core.TwoFactor;

/// <summary>An encrypted OTP secret as stored: the id of the key that encrypted it and nonce ‖ ciphertext ‖ tag.</summary>
public sealed record ProtectedOtpSecret(string KeyId, byte[] Payload);

/// <summary>
/// Encrypts OTP secrets at rest with AES-256-GCM under keys from configuration. Each ciphertext carries the
/// id of its key, so keys rotate without a migration: add a key, make it active, and secrets written before
/// keep decrypting with the old one until they are rewritten (every accepted code rewrites its user's secret
/// under the active key). The user id is the associated data, so a ciphertext copied to another user fails.
/// </summary>
public sealed class OtpSecretProtector
{
    private const int NonceSize = 12;
    private const int TagSize = 16;
    private const int KeySize = 32;

    private readonly Dictionary<string, byte[]> _keys;

    /// <summary>
    /// Loads the keys. A malformed key, an unreadable key file or an active id that names none leaves the protector
    /// without keys and <see cref="ConfigurationError"/> set: imports report it and OTP checks log it, while
    /// nothing else of the app (which never needs the keys) is held up.
    /// </summary>
    public OtpSecretProtector(IOptions<TwoFactorOptions> options, string contentRoot)
    {
        ArgumentNullException.ThrowIfNull(options);
        _keys = new Dictionary<string, byte[]>(StringComparer.Ordinal);
        try
        {
            ActiveKeyId = Load(options.Value, contentRoot);
        }
        catch (Exception ex) when (ex is InvalidOperationException or IOException or UnauthorizedAccessException)
        {
            _keys.Clear();
            ConfigurationError = ex.Message;
        }
    }

    /// <summary>Why the configured keys cannot be used, or null when they can.</summary>
    public string? ConfigurationError { get; }

    private string? Load(TwoFactorOptions settings, string contentRoot)
    {
        foreach (var (id, value) in settings.OtpEncryptionKeys)
        {
            _keys[id] = DecodeKey(id, value);
        }

        var file = Path.IsPathRooted(settings.OtpEncryptionKeyFile) ? settings.OtpEncryptionKeyFile : Path.Combine(contentRoot, settings.OtpEncryptionKeyFile);
        if (settings.OtpEncryptionKeyFile.Length > 0 && File.Exists(file))
        {
            foreach (var line in File.ReadAllLines(file).Select(l => l.Trim()).Where(l => l.Length > 0 && !l.StartsWith('#')))
            {
                var separator = line.IndexOf('=', StringComparison.Ordinal);
                if (separator <= 0)
                {
                    throw new InvalidOperationException($"OTP key file '{file}': each line must be id=base64.");
                }

                _keys.TryAdd(line[..separator].Trim(), DecodeKey(line[..separator].Trim(), line[(separator + 1)..]));
            }
        }

        return settings.OtpActiveEncryptionKey is { Length: > 0 } active
            ? (_keys.ContainsKey(active) ? active : throw new InvalidOperationException($"TwoFactor:OtpActiveEncryptionKey '{active}' names no configured key."))
            : _keys.Count == 1 ? _keys.Keys.Single() : null;
    }

    /// <summary>The key new secrets are encrypted with; null when none is configured (or several without an active one).</summary>
    public string? ActiveKeyId { get; }

    /// <summary>Whether secrets can be encrypted.</summary>
    public bool CanProtect => ActiveKeyId is not null;

    /// <summary>Encrypts a user's secret under the active key.</summary>
    public ProtectedOtpSecret Protect(long userId, ReadOnlySpan<byte> secret) => Protect(AssociatedData(userId), secret);

    /// <summary>Decrypts a user's secret; null when its key is not configured or the ciphertext does not authenticate.</summary>
    public byte[]? Unprotect(long userId, ProtectedOtpSecret stored) => Unprotect(AssociatedData(userId), stored);

    /// <summary>
    /// Encrypts another secret held at rest (a Pages domain's TLS key) under the same keys; <paramref name="purpose"/>
    /// binds the ciphertext to its owner, so it decrypts nowhere else.
    /// </summary>
    public ProtectedOtpSecret Protect(string purpose, ReadOnlySpan<byte> secret)
    {
        ArgumentNullException.ThrowIfNull(purpose);
        return Protect(Encoding.UTF8.GetBytes(purpose), secret);
    }

    /// <summary>Decrypts what <see cref="Protect(string, ReadOnlySpan{byte})"/> encrypted for <paramref name="purpose"/>, or null.</summary>
    public byte[]? Unprotect(string purpose, ProtectedOtpSecret stored)
    {
        ArgumentNullException.ThrowIfNull(purpose);
        return Unprotect(Encoding.UTF8.GetBytes(purpose), stored);
    }

    private ProtectedOtpSecret Protect(byte[] associatedData, ReadOnlySpan<byte> secret)
    {
        var keyId = ActiveKeyId ?? throw new InvalidOperationException(ConfigurationError ?? "No OTP encryption key is configured (TwoFactor:OtpEncryptionKeys, TwoFactor:OtpEncryptionKeyFile, TwoFactor:OtpActiveEncryptionKey).");
        var payload = new byte[NonceSize + secret.Length + TagSize];
        var nonce = payload.AsSpan(0, NonceSize);
        RandomNumberGenerator.Fill(nonce);
        using var aes = new AesGcm(_keys[keyId], TagSize);
        aes.Encrypt(nonce, secret, payload.AsSpan(NonceSize, secret.Length), payload.AsSpan(NonceSize + secret.Length), associatedData);
        return new ProtectedOtpSecret(keyId, payload);
    }

    private byte[]? Unprotect(byte[] associatedData, ProtectedOtpSecret stored)
    {
        ArgumentNullException.ThrowIfNull(stored);
        if (!_keys.TryGetValue(stored.KeyId, out var key) || stored.Payload.Length < NonceSize + TagSize)
        {
            return null;
        }

        var length = stored.Payload.Length - NonceSize - TagSize;
        var secret = new byte[length];
        try
        {
            using var aes = new AesGcm(key, TagSize);
            aes.Decrypt(stored.Payload.AsSpan(0, NonceSize), stored.Payload.AsSpan(NonceSize, length), stored.Payload.AsSpan(NonceSize + length), secret, associatedData);
            return secret;
        }
        catch (AuthenticationTagMismatchException)
        {
            return null;
        }
    }

    private static byte[] AssociatedData(long userId) => Encoding.ASCII.GetBytes("otp-secret:user-" + userId.ToString(System.Globalization.CultureInfo.InvariantCulture));

    private static byte[] DecodeKey(string id, string base64)
    {
        byte[] key;
        try
        {
            key = Convert.FromBase64String(base64.Trim());
        }
        catch (FormatException ex)
        {
            throw new InvalidOperationException($"OTP encryption key '{id}' is not valid base64.", ex);
        }

        return key.Length == KeySize ? key : throw new InvalidOperationException($"OTP encryption key '{id}' decodes to {key.Length} bytes; it must be exactly {KeySize}.");
    }
}
