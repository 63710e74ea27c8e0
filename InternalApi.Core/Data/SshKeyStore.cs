using Azure.Data.Tables;
using InternalApi.Core.Model;
using InternalApi.Core.Storage;
using static InternalApi.Core.Data.EntityMapping;

namespace InternalApi.Core.Data;

/// <summary>
/// SSH keys (user keys and deploy keys), the list of keys under each user, and deploy keys' enablement on
/// projects. A key's fingerprint row is derived by <see cref="FingerprintStore"/> after every key write.
/// </summary>
public sealed class SshKeyStore(GitLabTables names, FingerprintStore fingerprints, TimeProvider time)
{
    /// <summary>How often a key's last use is recorded (GitLab's key last-used service: once a day).</summary>
    public static readonly TimeSpan KeyUseRecordInterval = TimeSpan.FromDays(1);

    /// <summary>Key by id, or null.</summary>
    public async Task<SshKey?> GetKeyAsync(long id, CancellationToken cancellationToken = default) =>
        await names.SshKeys.FindSpreadAsync(Id(id), cancellationToken: cancellationToken) is { } e ? ToKey(e) : null;

    /// <summary>Key by SHA-256 fingerprint (unpadded base64), or null.</summary>
    public async Task<SshKey?> FindKeyByFingerprintAsync(string fingerprint, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(fingerprint);
        var index = await names.SshKeyFingerprints.FindSpreadAsync(TableKey.Encode(fingerprint), cancellationToken: cancellationToken);
        return index?.GetInt64("KeyId") is { } id ? await GetKeyAsync(id, cancellationToken) : null;
    }

    /// <summary>
    /// Creates or replaces a key (user key or deploy key) and its fingerprint row; a changed fingerprint
    /// removes the old row, a changed owner moves the key to the new owner's list.
    /// </summary>
    public async Task UpsertKeyAsync(SshKey key, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(key);
        var previous = await GetKeyAsync(key.Id, cancellationToken);
        await names.SshKeys.UpsertEntityAsync(ToEntity(key), TableUpdateMode.Replace, cancellationToken);

        // Listed under the owner before the row is derived, so that a concurrent change of the owner finds the key.
        if (key.UserId is { } userId)
        {
            await names.UserSshKeys.UpsertEntityAsync(UserKeyRow(userId, key.Id), TableUpdateMode.Replace, cancellationToken);
        }

        await fingerprints.RefreshAsync(key.Fingerprint, key.Id, claim: true, cancellationToken);
        if (previous is not null && previous.Fingerprint != key.Fingerprint)
        {
            await fingerprints.RefreshAsync(previous.Fingerprint, key.Id, claim: false, cancellationToken);
        }

        if (previous?.UserId is { } previousUserId && previousUserId != key.UserId)
        {
            await names.UserSshKeys.DeleteEntityAsync(Spread.PartitionOf(Id(previousUserId)), UserKeyPrefix(previousUserId) + Id(key.Id), cancellationToken: cancellationToken);
        }
    }

    /// <summary>Records key use when the recorded one is older than <see cref="KeyUseRecordInterval"/> (a merge: no read needed).</summary>
    public Task TouchKeyUsedAsync(SshKey key, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(key);
        var now = time.GetUtcNow();
        return key.LastUsedAt is { } used && now - used < KeyUseRecordInterval
            ? Task.CompletedTask
            : names.SshKeys.MergeIfExistsAsync(Spread.Row(Id(key.Id), "LastUsedAt", now), cancellationToken);
    }

    /// <summary>Deploy key enablement for a project, or null when the key is not enabled there.</summary>
    public async Task<DeployKeyProject?> GetDeployKeyProjectAsync(long deployKeyId, long projectId, CancellationToken cancellationToken = default) =>
        await names.DeployKeyProjects.FindAsync(Id(deployKeyId), Id(projectId), cancellationToken: cancellationToken) is { } e
            ? new DeployKeyProject(deployKeyId, projectId, e.GetBoolean("CanPush") ?? false)
            : null;

    /// <summary>Enables a deploy key for a project.</summary>
    public Task UpsertDeployKeyProjectAsync(DeployKeyProject link, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(link);
        return names.DeployKeyProjects.UpsertEntityAsync(new TableEntity(Id(link.DeployKeyId), Id(link.ProjectId)) { ["CanPush"] = link.CanPush }, TableUpdateMode.Replace, cancellationToken);
    }
}
