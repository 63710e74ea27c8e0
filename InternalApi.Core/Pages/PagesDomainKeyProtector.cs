using System.Text;
using InternalApi.Core.TwoFactor;

namespace InternalApi.Core.Pages;

/// <summary>
/// Keeps custom domains' TLS keys encrypted at rest under the app's secret-encryption keys (those of the OTP secrets,
/// with their rotation), each ciphertext bound to its domain so that a key copied to another domain does not decrypt.
/// </summary>
public sealed class PagesDomainKeyProtector(OtpSecretProtector protector)
{
    /// <summary>Why keys cannot be encrypted, or null when they can.</summary>
    public string? ConfigurationError => protector.CanProtect ? null : protector.ConfigurationError ?? "No secret encryption key is configured (TwoFactor:OtpEncryptionKeys or TwoFactor:OtpEncryptionKeyFile).";

    /// <summary>Encrypts a domain's key (PEM text).</summary>
    public ProtectedOtpSecret Protect(string domain, string key)
    {
        ArgumentNullException.ThrowIfNull(domain);
        ArgumentNullException.ThrowIfNull(key);
        return protector.Protect(Purpose(domain), Encoding.UTF8.GetBytes(key));
    }

    /// <summary>Decrypts a domain's key; null when its encryption key is gone or the ciphertext was not made for this domain.</summary>
    public string? Unprotect(string domain, ProtectedOtpSecret stored)
    {
        ArgumentNullException.ThrowIfNull(domain);
        return protector.Unprotect(Purpose(domain), stored) is { } bytes ? Encoding.UTF8.GetString(bytes) : null;
    }

    private static string Purpose(string domain) => "pages-domain-key:" + domain.ToLowerInvariant();
}
