using Azure;
using Azure.Data.Tables;
using Azure.Data.Tables.Models;
using InternalApi.Core.Model;
using InternalApi.Core.Storage;
using static InternalApi.Core.Data.EntityMapping;

namespace InternalApi.Core.Data;

/// <summary>
/// A key as its fingerprint row holds it: everything <c>/authorized_keys</c> answers, so that an SSH login
/// costs one point read. <see cref="SshKey.LastUsedAt"/> is not kept there (it changes on every Git command).
/// </summary>
/// <param name="Key">The key.</param>
/// <param name="OwnerName">The display name of the key's user (creator, for deploy keys); null when it has none or the user is gone.</param>
public sealed record FingerprintEntry(SshKey Key, string? OwnerName);

/// <summary>
/// The fingerprint rows. Each row denormalizes its key and the owner's display name, and is derived
/// from those two entities by <see cref="RefreshAsync"/>, which every writer of a key or a user
/// (<see cref="SshKeyStore"/>, <see cref="UserStore"/>) calls after writing its own entity. The refresh reads
/// the row (with its ETag) before it reads the key and the user, and writes conditionally on that ETag, so of
/// two racing refreshes the last one to write has read sources at least as new as the other's: the row ends up
/// matching the latest key and user.
/// </summary>
/// <remarks>
/// It reads the key and user rows itself rather than through their stores: those stores call it, and the
/// derivation needs nothing of them but the row.
/// </remarks>
public sealed class FingerprintStore(GitLabTables names)
{
    private const int MaxConcurrencyRetries = 20;

    /// <summary>Marks rows that carry the denormalized key; older rows hold only <c>KeyId</c>.</summary>
    private const int FingerprintLayout = 2;

    /// <summary>
    /// The key with this SHA-256 fingerprint and its owner's name, from the fingerprint row alone; or null.
    /// A row written before the key was denormalized into it is read through the key and the user instead.
    /// </summary>
    public async Task<FingerprintEntry?> FindFingerprintEntryAsync(string fingerprint, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(fingerprint);
        var row = await names.SshKeyFingerprints.FindSpreadAsync(TableKey.Encode(fingerprint), cancellationToken: cancellationToken);
        if (row?.GetInt64("KeyId") is not { } keyId)
        {
            return null;
        }

        if (row.GetInt32("Layout") == FingerprintLayout)
        {
            return new FingerprintEntry(ToFingerprintKey(row, keyId, fingerprint), row.GetString("OwnerName"));
        }

        if (await GetKeyAsync(keyId, cancellationToken) is not { } key)
        {
            return null;
        }

        var owner = key.UserId is { } userId ? await GetUserAsync(userId, cancellationToken) : null;
        return new FingerprintEntry(key, owner?.Name);
    }

    /// <summary>
    /// Brings the row of <paramref name="fingerprint"/> in line with key <paramref name="keyId"/> and its user:
    /// writes it when the key has this fingerprint, deletes it when the row names this key but the key has
    /// another fingerprint (or is gone). With <paramref name="claim"/> the key takes a row that names another
    /// key (the key's own writer: the last key written with a public key owns it); without, such a row is left
    /// alone (a user's refresh must not move a fingerprint between keys).
    /// </summary>
    internal async Task RefreshAsync(string fingerprint, long keyId, bool claim, CancellationToken cancellationToken)
    {
        var rowKey = TableKey.Encode(fingerprint);
        for (var attempt = 0; attempt < MaxConcurrencyRetries; attempt++)
        {
            // The row first, then its sources: see the class comment for why this order makes the result converge.
            var row = await names.SshKeyFingerprints.FindSpreadAsync(rowKey, cancellationToken: cancellationToken);
            var key = await GetKeyAsync(keyId, cancellationToken);
            var owner = key?.UserId is { } userId ? await GetUserAsync(userId, cancellationToken) : null;
            try
            {
                if (key is null || key.Fingerprint != fingerprint)
                {
                    if (row?.GetInt64("KeyId") == keyId)
                    {
                        // A 404 answer (someone else deleted it) is what we wanted; the SDK does not throw on it.
                        await names.SshKeyFingerprints.DeleteSpreadAsync(rowKey, row.ETag, cancellationToken);
                    }

                    return;
                }

                if (row is not null && row.GetInt64("KeyId") != keyId && !claim)
                {
                    return;
                }

                var wanted = ToFingerprintEntity(rowKey, key, owner?.Name);
                if (row is null)
                {
                    await names.SshKeyFingerprints.AddEntityAsync(wanted, cancellationToken);
                }
                else if (!SameProperties(wanted, row))
                {
                    await names.SshKeyFingerprints.UpdateEntityAsync(wanted, row.ETag, TableUpdateMode.Replace, cancellationToken);
                }

                return;
            }
            catch (RequestFailedException ex) when (ex.IsConcurrencyConflict() || ex.ErrorCode == TableErrorCode.ResourceNotFound)
            {
                // Someone added, changed or deleted the row since we read it: read everything again.
            }
        }

        throw new InvalidOperationException($"Could not update the fingerprint row of key {keyId} under contention.");
    }

    /// <summary>Refreshes the rows of every key the user owns or created (after the user's name changed, or the user appeared).</summary>
    internal async Task RefreshKeysOfUserAsync(long userId, CancellationToken cancellationToken)
    {
        var prefix = UserKeyPrefix(userId);
        var range = TableClient.CreateQueryFilter($"PartitionKey eq {Spread.PartitionOf(Id(userId))} and RowKey gt {prefix} and RowKey lt {Id(userId) + ";"}");
        foreach (var link in await names.UserSshKeys.ListAsync(range, cancellationToken: cancellationToken))
        {
            var keyId = long.Parse(link.RowKey.AsSpan(prefix.Length), System.Globalization.CultureInfo.InvariantCulture);
            if (await GetKeyAsync(keyId, cancellationToken) is { } key && key.UserId == userId)
            {
                await RefreshAsync(key.Fingerprint, keyId, claim: false, cancellationToken);
            }
        }
    }

    private async Task<SshKey?> GetKeyAsync(long id, CancellationToken cancellationToken) =>
        await names.SshKeys.FindSpreadAsync(Id(id), cancellationToken: cancellationToken) is { } e ? ToKey(e) : null;

    private async Task<User?> GetUserAsync(long id, CancellationToken cancellationToken) =>
        await names.Users.FindSpreadAsync(Id(id), cancellationToken: cancellationToken) is { } e ? ToUser(e) : null;

    /// <summary>The fingerprint row of <paramref name="key"/> as this store writes it (the import writes new keys' rows with it).</summary>
    public static TableEntity RowOf(SshKey key, string? ownerName)
    {
        ArgumentNullException.ThrowIfNull(key);
        return ToFingerprintEntity(TableKey.Encode(key.Fingerprint), key, ownerName);
    }

    private static TableEntity ToFingerprintEntity(string rowKey, SshKey key, string? ownerName) => new(Spread.PartitionOf(rowKey), rowKey)
    {
        ["KeyId"] = key.Id,
        ["Layout"] = FingerprintLayout,
        ["Kind"] = key.Kind.ToString(),
        ["UserId"] = key.UserId,
        ["Title"] = key.Title,
        ["KeyType"] = key.KeyType,
        ["Blob"] = key.Blob,
        ["UsageType"] = key.UsageType,
        ["CreatedAt"] = key.CreatedAt,
        ["ExpiresAt"] = key.ExpiresAt,
        ["OwnerName"] = ownerName,
    };

    private static SshKey ToFingerprintKey(TableEntity e, long keyId, string fingerprint) => new()
    {
        Id = keyId,
        Kind = Enum(e.GetString("Kind"), SshKeyKind.User),
        UserId = e.GetInt64("UserId"),
        Title = e.GetString("Title") ?? "",
        KeyType = e.GetString("KeyType") ?? "",
        Blob = e.GetString("Blob") ?? "",
        Fingerprint = fingerprint,
        UsageType = e.GetString("UsageType") ?? "auth_and_signing",
        CreatedAt = e.GetDateTimeOffset("CreatedAt") ?? default,
        ExpiresAt = e.GetDateTimeOffset("ExpiresAt"),
    };

    /// <summary>Whether a stored row already holds what we would write (null = absent), so a re-import writes nothing.</summary>
    private static bool SameProperties(TableEntity wanted, TableEntity stored)
    {
        foreach (var (name, value) in wanted)
        {
            if (name is "PartitionKey" or "RowKey" or "odata.etag" or "Timestamp")
            {
                continue;
            }

            stored.TryGetValue(name, out var current);
            if (!Equals(value, current))
            {
                return false;
            }
        }

        return true;
    }
}
