using InternalApi.Core.Data;
using InternalApi.Core.Model;
using Microsoft.Extensions.Options;

namespace InternalApi.Core.Shell;

/// <summary>A key found for OpenSSH, with the public line gitlab-shell writes into its answer.</summary>
/// <param name="Key">The stored key.</param>
/// <param name="PublishableKey"><c>&lt;type&gt; &lt;blob&gt; &lt;owner name&gt; (&lt;host&gt;)</c>.</param>
public sealed record AuthorizedKey(SshKey Key, string PublishableKey);

/// <summary>
/// <c>/internal/authorized_keys</c> (spec §3.3): finds the key OpenSSH offers by the SHA-256 fingerprint
/// of its blob, among keys usable for authentication, with one point read: the fingerprint row carries
/// the key and its owner's display name (see <see cref="FingerprintStore.FindFingerprintEntryAsync"/>).
/// </summary>
public sealed class AuthorizedKeyFinder(FingerprintStore fingerprints, IOptions<GitLabOptions> options)
{
    /// <summary>GitLab gives deploy keys whose creator is gone its internal "ghost" user.</summary>
    public const string GhostUserName = "Ghost User";

    /// <summary>
    /// The key with this blob, or null when the blob is not base64, matches no key, the key is
    /// signing-only, or it is a user key whose user is gone. Expired keys, and keys of blocked users, are
    /// returned as GitLab returns them: OpenSSH may offer them and <c>/allowed</c> refuses them with a
    /// message the user can act on.
    /// </summary>
    public async Task<AuthorizedKey?> FindAsync(string blob, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(blob);

        // A raw '+' in a query string arrives as a space; base64 never contains spaces, so put it back. Spaces are
        // not trimmed off the end: a blob whose last character is '+' arrives ending in one. (An SSH key blob
        // starts with "AAAA", so leading whitespace is only ever whitespace.)
        var fingerprint = SshKey.FingerprintOf(blob.TrimStart().TrimEnd('\t', '\r', '\n').Replace(' ', '+'));
        if (fingerprint is null || await fingerprints.FindFingerprintEntryAsync(fingerprint, cancellationToken) is not { } entry || !entry.Key.UsableForAuth)
        {
            return null;
        }

        var key = entry.Key;
        string ownerName;
        if (entry.OwnerName is { } name)
        {
            ownerName = name;
        }
        else if (key.Kind == SshKeyKind.Deploy)
        {
            ownerName = GhostUserName;
        }
        else
        {
            // GitLab deletes a user's keys with the user; an orphaned user key is not usable.
            return null;
        }

        return new AuthorizedKey(key, PublishableKey(key, ownerName, options.Value.ExternalUrl.Host));
    }

    /// <summary>
    /// GitLab's publishable form: the stored comment (often an e-mail address) is replaced by
    /// "owner name (instance host)" so that it does not leak. A deploy key names its creator.
    /// </summary>
    public static string PublishableKey(SshKey key, string ownerName, string host)
    {
        ArgumentNullException.ThrowIfNull(key);
        return $"{key.KeyType} {key.Blob} {ownerName} ({host})";
    }
}
