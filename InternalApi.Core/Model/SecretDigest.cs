using System.Security.Cryptography;
using System.Text;

namespace InternalApi.Core.Model;

/// <summary>
/// Secrets we hand out (personal access tokens, recovery codes, agent and SCIM tokens) are stored
/// only as SHA-256 digests. They are high-entropy random strings, so a fast hash is enough, and
/// lookups by digest are point reads. Compare digests with <see cref="FixedTimeEquals"/>.
/// </summary>
public static class SecretDigest
{
    /// <summary>Lower-case hex SHA-256 of the UTF-8 text.</summary>
    public static string Sha256Hex(string secret)
    {
        ArgumentNullException.ThrowIfNull(secret);
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(secret)));
    }

    /// <summary>Constant-time comparison of two digests (or any two strings).</summary>
    public static bool FixedTimeEquals(string a, string b)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        return CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(a), Encoding.UTF8.GetBytes(b));
    }
}
