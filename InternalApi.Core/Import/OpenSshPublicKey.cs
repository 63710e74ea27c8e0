using System.Buffers.Binary;
using System.Text;
using InternalApi.Core.Model;

namespace InternalApi.Core.Import;

/// <summary>A public key as OpenSSH writes it in <c>id_*.pub</c>: <c>type base64-blob [comment]</c>.</summary>
public sealed record OpenSshPublicKey(string Type, string Blob, string Fingerprint)
{
    /// <summary>The key types GitLab accepts.</summary>
    public static readonly IReadOnlyList<string> Types =
    [
        "ssh-ed25519", "ssh-rsa", "ecdsa-sha2-nistp256", "ecdsa-sha2-nistp384", "ecdsa-sha2-nistp521",
        "sk-ssh-ed25519@openssh.com", "sk-ecdsa-sha2-nistp256@openssh.com", "ssh-dss",
    ];

    /// <summary>
    /// Parses the text; null when the type is unknown, the blob is not base64, or the blob does not start
    /// with the same type as an SSH string (what <c>ssh-keygen -l</c> would reject too).
    /// </summary>
    public static OpenSshPublicKey? Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var parts = text.Trim().Split([' ', '\t'], 3, StringSplitOptions.RemoveEmptyEntries);
        if (parts.Length < 2 || !Types.Contains(parts[0], StringComparer.Ordinal) || SshKey.FingerprintOf(parts[1]) is not { } fingerprint)
        {
            return null;
        }

        var blob = Convert.FromBase64String(parts[1]);
        if (blob.Length < 4)
        {
            return null;
        }

        var length = BinaryPrimitives.ReadUInt32BigEndian(blob);
        if (length == 0 || length > blob.Length - 4 || Encoding.ASCII.GetString(blob, 4, (int)length) != parts[0] || blob.Length == 4 + length)
        {
            return null;
        }

        return new OpenSshPublicKey(parts[0], parts[1], fingerprint);
    }
}
