namespace InternalApi.Core.Model;

/// <summary>
/// An SSH certificate authority a top-level group trusts (GitLab's <c>Groups::SshCertificate</c>): users of the
/// group log in with certificates it signed instead of registered keys.
/// </summary>
public sealed record GroupSshCertificate
{
    /// <summary>Id.</summary>
    public required long Id { get; init; }

    /// <summary>The top-level group.</summary>
    public required long GroupId { get; init; }

    /// <summary>Title.</summary>
    public required string Title { get; init; }

    /// <summary>The CA's public key type, e.g. <c>ssh-ed25519</c>.</summary>
    public required string KeyType { get; init; }

    /// <summary>The CA's public key blob (base64).</summary>
    public required string Blob { get; init; }

    /// <summary>SHA-256 fingerprint of the blob, unpadded base64 (what gitlab-shell sends, without <c>SHA256:</c>).</summary>
    public required string Fingerprint { get; init; }

    /// <summary>When it was added.</summary>
    public DateTimeOffset CreatedAt { get; init; }
}
