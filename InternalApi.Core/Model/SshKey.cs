namespace InternalApi.Core.Model;

/// <summary>Whose key it is.</summary>
public enum SshKeyKind
{
    /// <summary>A user's key: the actor is the user.</summary>
    User,

    /// <summary>A deploy key: the actor is the key; <see cref="SshKey.UserId"/> is its creator.</summary>
    Deploy,
}

/// <summary>An SSH public key (user key or deploy key).</summary>
public sealed record SshKey
{
    /// <summary>Id (gitlab-shell's <c>key-N</c>).</summary>
    public required long Id { get; init; }

    /// <summary>User key or deploy key.</summary>
    public SshKeyKind Kind { get; init; } = SshKeyKind.User;

    /// <summary>Owner (user keys) or creator (deploy keys); null for an orphaned deploy key.</summary>
    public long? UserId { get; init; }

    /// <summary>Title.</summary>
    public required string Title { get; init; }

    /// <summary>Key type, e.g. <c>ssh-ed25519</c>.</summary>
    public required string KeyType { get; init; }

    /// <summary>Base64 key blob, exactly as OpenSSH passes it to <c>AuthorizedKeysCommand</c>.</summary>
    public required string Blob { get; init; }

    /// <summary>SHA-256 fingerprint of the blob: unpadded base64, without the <c>SHA256:</c> prefix.</summary>
    public required string Fingerprint { get; init; }

    /// <summary><c>auth</c>, <c>signing</c> or <c>auth_and_signing</c>.</summary>
    public string UsageType { get; init; } = "auth_and_signing";

    /// <summary>Creation time.</summary>
    public DateTimeOffset CreatedAt { get; init; }

    /// <summary>Expiry, if any.</summary>
    public DateTimeOffset? ExpiresAt { get; init; }

    /// <summary>Last use (updated by <c>/allowed</c>, 2FA, PAT, LFS).</summary>
    public DateTimeOffset? LastUsedAt { get; init; }

    /// <summary>Whether the key may be used to authenticate (not signing-only).</summary>
    public bool UsableForAuth => UsageType is "auth" or "auth_and_signing";

    /// <summary>Computes the fingerprint of a base64 blob; null when it is not valid base64.</summary>
    public static string? FingerprintOf(string blob)
    {
        ArgumentNullException.ThrowIfNull(blob);
        var buffer = new byte[blob.Length];
        if (!Convert.TryFromBase64String(blob.Trim(), buffer, out var written) || written == 0)
        {
            return null;
        }

        var hash = System.Security.Cryptography.SHA256.HashData(buffer.AsSpan(0, written));
        return Convert.ToBase64String(hash).TrimEnd('=');
    }
}

/// <summary>A deploy key enabled for a project.</summary>
public sealed record DeployKeyProject(long DeployKeyId, long ProjectId, bool CanPush);
