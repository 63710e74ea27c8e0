using System.Globalization;
using Azure;
using Azure.Data.Tables;
using InternalApi.Core.Model;
using InternalApi.Core.Storage;

namespace InternalApi.Core.Scim;

/// <summary>SCIM identities, SCIM tokens (digests only) and groups' SAML providers in <see cref="ScimTables"/>.</summary>
public sealed class ScimStore(ScimTables tables)
{
    private const int MaxConcurrencyRetries = 20;

    /// <summary>Most rows the service returns in one page of a query.</summary>
    private const int MaxPageSize = 1000;

    private const string CountColumn = "Count";

    // ---- tokens and providers ----

    /// <summary>The scope key a token digest opens, or null.</summary>
    public async Task<string?> FindTokenScopeAsync(string digest, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(digest);
        return (await tables.Tokens.FindAsync(digest, "", cancellationToken: cancellationToken))?.GetString("Scope");
    }

    /// <summary>Stores a token's digest for a scope (insert-or-replace, so an import can be re-run).</summary>
    public Task UpsertTokenAsync(string digest, string scopeKey, CancellationToken cancellationToken = default) =>
        tables.Tokens.UpsertEntityAsync(new TableEntity(digest, "") { ["Scope"] = scopeKey }, TableUpdateMode.Replace, cancellationToken);

    /// <summary>A group's SAML provider, or null when the group has none.</summary>
    public async Task<SamlProvider?> GetSamlProviderAsync(long groupId, CancellationToken cancellationToken = default) =>
        await tables.SamlProviders.FindAsync(Id(groupId), "", cancellationToken: cancellationToken) is { } e
            ? new SamlProvider(groupId, e.GetBoolean("Enabled") ?? true, (AccessLevel)(e.GetInt32("DefaultMembershipRole") ?? (int)AccessLevel.Guest))
            : null;

    /// <summary>Creates or replaces a group's SAML provider.</summary>
    public Task UpsertSamlProviderAsync(SamlProvider provider, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(provider);
        return tables.SamlProviders.UpsertEntityAsync(
            new TableEntity(Id(provider.GroupId), "") { ["Enabled"] = provider.Enabled, ["DefaultMembershipRole"] = (int)provider.DefaultMembershipRole },
            TableUpdateMode.Replace,
            cancellationToken);
    }

    // ---- identities ----

    /// <summary>The scope's identity with this external UID (case-insensitive), or null.</summary>
    public async Task<ScimIdentity?> GetIdentityAsync(string scopeKey, string externUid, CancellationToken cancellationToken = default) =>
        (await GetIdentityRowAsync(scopeKey, externUid, cancellationToken))?.Identity;

    /// <summary>The scope's identity of this user, or null.</summary>
    public async Task<ScimIdentity?> FindIdentityOfUserAsync(string scopeKey, long userId, CancellationToken cancellationToken = default) =>
        await tables.Identities.FindAsync(scopeKey, ScimTables.UserKey(userId), cancellationToken: cancellationToken) is { } row &&
        row.GetString("ExternUid") is { } uid
            ? await GetIdentityAsync(scopeKey, uid, cancellationToken)
            : null;

    /// <summary>
    /// One page of the scope's identities in key order, and how many there are: the count row (a point read) and,
    /// beside it, a query over the scope's by-UID rows (identity columns only) that stops after
    /// <paramref name="skip"/> + <paramref name="take"/> rows — Table Storage cannot skip, so that is the floor, and
    /// the cost follows the page asked for, not the size of the scope. A scope without a count row (written before
    /// there was one) is counted once and the row written.
    /// </summary>
    public async Task<(int Total, IReadOnlyList<ScimIdentity> Page)> ListIdentitiesAsync(string scopeKey, int skip, int take, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(scopeKey);
        skip = Math.Max(0, skip);
        take = Math.Max(0, take);
        var countRow = tables.Identities.FindAsync(scopeKey, ScimTables.CountKey, [CountColumn], cancellationToken);
        var rows = ReadUidRowsAsync(scopeKey, take == 0 ? 0 : (int)Math.Min(int.MaxValue, (long)skip + take), cancellationToken);
        await Task.WhenAll(countRow, rows);

        var total = (await countRow)?.GetInt32(CountColumn) ?? await RepairCountAsync(scopeKey, cancellationToken);
        return (total, [.. (await rows).Skip(skip).Select(ToIdentity)]);
    }

    /// <summary>
    /// Adds an identity: both rows and the scope's count, in one transaction conditional on the count row's ETag
    /// (retried when another write moved the count). False when the UID or the user already has an identity in
    /// the scope (a concurrent or earlier provisioning): the caller reports the conflict.
    /// </summary>
    public async Task<bool> TryAddIdentityAsync(string scopeKey, ScimIdentity identity, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(identity);
        for (var attempt = 0; attempt < MaxConcurrencyRetries; attempt++)
        {
            var count = await ReadCountAsync(scopeKey, cancellationToken);
            try
            {
                await tables.Identities.SubmitTransactionAsync(
                [
                    new TableTransactionAction(TableTransactionActionType.Add, UidRow(scopeKey, identity)),
                    new TableTransactionAction(TableTransactionActionType.Add, UserRow(scopeKey, identity)),
                    CountAction(scopeKey, count, 1),
                ],
                cancellationToken);
                return true;
            }
            catch (TableTransactionFailedException ex) when (ex.Status is 404 or 409 or 412)
            {
                // Actions 0 and 1 are the identity's rows: one exists, the UID or the user is taken. Action 2 is the
                // count, moved (or created, or removed) by another write: read it again. When the service does not
                // say which failed, the rows decide (a key freed meanwhile by a UID move is simply tried again).
                if (ex.FailedTransactionActionIndex is 0 or 1 ||
                    (ex.FailedTransactionActionIndex is null && await IsTakenAsync(scopeKey, identity, cancellationToken)))
                {
                    return false;
                }

                await PauseAsync(attempt, cancellationToken);
            }
        }

        throw new InvalidOperationException("Could not add a SCIM identity under contention on the scope's count.");
    }

    /// <summary>Sets an identity's active flag (ETag-conditional, retried); false when it is gone.</summary>
    public async Task<bool> SetActiveAsync(string scopeKey, string externUid, bool active, CancellationToken cancellationToken = default)
    {
        for (var attempt = 0; attempt < MaxConcurrencyRetries; attempt++)
        {
            if (await GetIdentityRowAsync(scopeKey, externUid, cancellationToken) is not { } found)
            {
                return false;
            }

            if (found.Identity.Active == active)
            {
                return true;
            }

            found.Row["Active"] = active;
            try
            {
                await tables.Identities.UpdateEntityAsync(found.Row, found.Row.ETag, TableUpdateMode.Replace, cancellationToken);
                return true;
            }
            catch (RequestFailedException ex) when (ex.IsConcurrencyConflict())
            {
                // Changed meanwhile: read again.
            }
        }

        throw new InvalidOperationException("Could not update a SCIM identity under contention.");
    }

    /// <summary>
    /// Moves an identity to another external UID in one transaction (old row out, new row in, the user's row
    /// repointed). False when the new UID is taken in the scope or the identity changed meanwhile. The number of
    /// identities does not change (one row out, one in), so the count row is not touched.
    /// </summary>
    public async Task<bool> TryChangeUidAsync(string scopeKey, string externUid, string newUid, CancellationToken cancellationToken = default)
    {
        if (await GetIdentityRowAsync(scopeKey, externUid, cancellationToken) is not { } found)
        {
            return false;
        }

        var moved = found.Identity with { ExternUid = newUid };
        var actions = new List<TableTransactionAction>();
        if (ScimTables.UidKey(newUid) == found.Row.RowKey)
        {
            // Only the spelling changes: same row.
            actions.Add(new TableTransactionAction(TableTransactionActionType.UpdateReplace, UidRow(scopeKey, moved), found.Row.ETag));
        }
        else
        {
            actions.Add(new TableTransactionAction(TableTransactionActionType.Delete, found.Row, found.Row.ETag));
            actions.Add(new TableTransactionAction(TableTransactionActionType.Add, UidRow(scopeKey, moved)));
        }

        actions.Add(new TableTransactionAction(TableTransactionActionType.UpsertReplace, UserRow(scopeKey, moved)));
        try
        {
            await tables.Identities.SubmitTransactionAsync(actions, cancellationToken);
            return true;
        }
        catch (TableTransactionFailedException ex) when (ex.Status is 404 or 409 or 412)
        {
            return false;
        }
    }

    /// <summary>
    /// Creates or replaces an identity: both rows, and when the UID is new in the scope the count too, in one
    /// transaction conditional on what was read (the UID row's ETag or its absence, the count row's ETag), retried
    /// when another write got in between.
    /// </summary>
    public async Task UpsertIdentityAsync(string scopeKey, ScimIdentity identity, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(identity);
        for (var attempt = 0; attempt < MaxConcurrencyRetries; attempt++)
        {
            var existing = await tables.Identities.FindAsync(scopeKey, ScimTables.UidKey(identity.ExternUid), ["RowKey"], cancellationToken);
            List<TableTransactionAction> actions =
            [
                existing is not null
                    ? new TableTransactionAction(TableTransactionActionType.UpdateReplace, UidRow(scopeKey, identity), existing.ETag)
                    : new TableTransactionAction(TableTransactionActionType.Add, UidRow(scopeKey, identity)),
                new TableTransactionAction(TableTransactionActionType.UpsertReplace, UserRow(scopeKey, identity)),
            ];
            if (existing is null)
            {
                actions.Add(CountAction(scopeKey, await ReadCountAsync(scopeKey, cancellationToken), 1));
            }

            try
            {
                await tables.Identities.SubmitTransactionAsync(actions, cancellationToken);
                return;
            }
            catch (TableTransactionFailedException ex) when (ex.Status is 404 or 409 or 412)
            {
                // The UID row or the count changed since they were read: read them again.
                await PauseAsync(attempt, cancellationToken);
            }
        }

        throw new InvalidOperationException("Could not write a SCIM identity under contention.");
    }

    /// <summary>
    /// Writes an identity's two rows as they are (insert-or-replace) without touching the scope's count: the
    /// import's write, one transaction per identity and no reads. The caller owes the scope a
    /// <see cref="RecountIdentitiesAsync"/> once it has written.
    /// </summary>
    public Task UpsertIdentityRowsAsync(string scopeKey, ScimIdentity identity, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(identity);
        return tables.Identities.SubmitTransactionAsync(
        [
            new TableTransactionAction(TableTransactionActionType.UpsertReplace, UidRow(scopeKey, identity)),
            new TableTransactionAction(TableTransactionActionType.UpsertReplace, UserRow(scopeKey, identity)),
        ],
        cancellationToken);
    }

    /// <summary>
    /// Sets the scope's count row to the number of by-UID rows in its partition; returns that number. Exact under
    /// concurrent provisioning: the write is conditional on the count row as read before counting, so a write that
    /// moved the count meanwhile makes it count again. Writes nothing when the row already says so (a re-import).
    /// </summary>
    public async Task<int> RecountIdentitiesAsync(string scopeKey, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(scopeKey);
        for (var attempt = 0; attempt < MaxConcurrencyRetries; attempt++)
        {
            var row = await tables.Identities.FindAsync(scopeKey, ScimTables.CountKey, [CountColumn], cancellationToken);
            var counted = await CountUidRowsAsync(scopeKey, cancellationToken);
            if (row?.GetInt32(CountColumn) == counted)
            {
                return counted;
            }

            try
            {
                var next = CountRow(scopeKey, counted);
                await (row is null
                    ? tables.Identities.AddEntityAsync(next, cancellationToken)
                    : tables.Identities.UpdateEntityAsync(next, row.ETag, TableUpdateMode.Replace, cancellationToken));
                return counted;
            }
            catch (RequestFailedException ex) when (ex.IsConcurrencyConflict() || ex.Status == 404)
            {
                // Another write moved the count while this one counted: count again.
                await PauseAsync(attempt, cancellationToken);
            }
        }

        throw new InvalidOperationException("Could not recount a SCIM scope under contention.");
    }

    private async Task<(TableEntity Row, ScimIdentity Identity)?> GetIdentityRowAsync(string scopeKey, string externUid, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(scopeKey);
        ArgumentNullException.ThrowIfNull(externUid);
        return externUid.Length > 0 && await tables.Identities.FindAsync(scopeKey, ScimTables.UidKey(externUid), cancellationToken: cancellationToken) is { } row
            ? (row, ToIdentity(row))
            : null;
    }

    /// <summary>
    /// The scope's count and its row (null when absent). Without a row the partition is counted: the write that
    /// follows then Adds the row, which fails if anyone else created it meanwhile, so the number stays exact.
    /// </summary>
    private async Task<(TableEntity? Row, int Count)> ReadCountAsync(string scopeKey, CancellationToken cancellationToken)
    {
        var row = await tables.Identities.FindAsync(scopeKey, ScimTables.CountKey, [CountColumn], cancellationToken);
        return row is not null ? (row, row.GetInt32(CountColumn) ?? 0) : (null, await CountUidRowsAsync(scopeKey, cancellationToken));
    }

    /// <summary>The write of the count moved by <paramref name="delta"/>: an Add when there was no row, else conditional on its ETag.</summary>
    private static TableTransactionAction CountAction(string scopeKey, (TableEntity? Row, int Count) count, int delta) =>
        count.Row is { } row
            ? new TableTransactionAction(TableTransactionActionType.UpdateReplace, CountRow(scopeKey, count.Count + delta), row.ETag)
            : new TableTransactionAction(TableTransactionActionType.Add, CountRow(scopeKey, count.Count + delta));

    /// <summary>
    /// A list's total where the count row is missing: the partition counted, and the row added so the next list is
    /// a point read. Only added: if a write created the row meanwhile, that row is the exact one and stays.
    /// </summary>
    private async Task<int> RepairCountAsync(string scopeKey, CancellationToken cancellationToken)
    {
        var counted = await CountUidRowsAsync(scopeKey, cancellationToken);
        try
        {
            await tables.Identities.AddEntityAsync(CountRow(scopeKey, counted), cancellationToken);
        }
        catch (RequestFailedException ex) when (ex.Status == 409)
        {
            // Created meanwhile by a write that counted too: keep it.
        }

        return counted;
    }

    /// <summary>The by-UID rows of the scope, in key order, at most <paramref name="limit"/>: pages stop there.</summary>
    private async Task<List<TableEntity>> ReadUidRowsAsync(string scopeKey, int limit, CancellationToken cancellationToken)
    {
        var rows = new List<TableEntity>();
        if (limit == 0)
        {
            return rows;
        }

        await foreach (var row in tables.Identities.QueryAsync<TableEntity>(UidRange(scopeKey), maxPerPage: Math.Min(limit, MaxPageSize), select: ["ExternUid", "UserId", "Active"], cancellationToken: cancellationToken))
        {
            rows.Add(row);
            if (rows.Count == limit)
            {
                // Leave before the enumerator asks for another page.
                break;
            }
        }

        return rows;
    }

    /// <summary>How many by-UID rows the scope's partition holds: the whole range, keys only.</summary>
    private async Task<int> CountUidRowsAsync(string scopeKey, CancellationToken cancellationToken)
    {
        var count = 0;
        await foreach (var unused in tables.Identities.QueryAsync<TableEntity>(UidRange(scopeKey), maxPerPage: MaxPageSize, select: ["RowKey"], cancellationToken: cancellationToken))
        {
            count++;
        }

        return count;
    }

    /// <summary>Whether the identity's UID or user already has an identity in the scope.</summary>
    private async Task<bool> IsTakenAsync(string scopeKey, ScimIdentity identity, CancellationToken cancellationToken)
    {
        var uid = tables.Identities.FindAsync(scopeKey, ScimTables.UidKey(identity.ExternUid), ["RowKey"], cancellationToken);
        var user = tables.Identities.FindAsync(scopeKey, ScimTables.UserKey(identity.UserId), ["RowKey"], cancellationToken);
        return await uid is not null || await user is not null;
    }

    /// <summary>
    /// The first lost races on the count retry at once; a run of them pauses for a short random time, so writers
    /// provisioning into one scope together stop colliding in lockstep.
    /// </summary>
    private static Task PauseAsync(int attempt, CancellationToken cancellationToken) =>
        attempt < 2 ? Task.CompletedTask : Task.Delay(Random.Shared.Next(1, 4 * Math.Min(attempt, 25)), cancellationToken);

    private static string UidRange(string scopeKey) =>
        TableClient.CreateQueryFilter($"PartitionKey eq {scopeKey} and RowKey ge {ScimTables.UidPrefix} and RowKey lt {"uid;"}");

    private static TableEntity CountRow(string scopeKey, int count) => new(scopeKey, ScimTables.CountKey) { [CountColumn] = count };

    private static TableEntity UserRow(string scopeKey, ScimIdentity identity) =>
        new(scopeKey, ScimTables.UserKey(identity.UserId)) { ["ExternUid"] = identity.ExternUid };

    private static TableEntity UidRow(string scopeKey, ScimIdentity identity) => new(scopeKey, ScimTables.UidKey(identity.ExternUid))
    {
        ["ExternUid"] = identity.ExternUid,
        ["UserId"] = identity.UserId,
        ["Active"] = identity.Active,
    };

    private static ScimIdentity ToIdentity(TableEntity row) =>
        new(row.GetString("ExternUid") ?? "", row.GetInt64("UserId") ?? 0, row.GetBoolean("Active") ?? true);

    private static string Id(long id) => id.ToString(CultureInfo.InvariantCulture);
}
