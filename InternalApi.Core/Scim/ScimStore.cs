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
    /// One page of the scope's identities in key order, and how many there are: one query over the scope's
    /// partition, reading only the by-UID rows and only their identity columns.
    /// </summary>
    public async Task<(int Total, IReadOnlyList<ScimIdentity> Page)> ListIdentitiesAsync(string scopeKey, int skip, int take, CancellationToken cancellationToken = default)
    {
        var filter = TableClient.CreateQueryFilter($"PartitionKey eq {scopeKey} and RowKey ge {ScimTables.UidPrefix} and RowKey lt {"uid;"}");
        var page = new List<ScimIdentity>();
        var total = 0;
        await foreach (var row in tables.Identities.QueryAsync<TableEntity>(filter, select: ["ExternUid", "UserId", "Active"], cancellationToken: cancellationToken))
        {
            if (total >= skip && page.Count < take)
            {
                page.Add(ToIdentity(row));
            }

            total++;
        }

        return (total, page);
    }

    /// <summary>
    /// Adds an identity (both rows in one transaction). False when the UID or the user already has an identity
    /// in the scope (a concurrent or earlier provisioning): the caller reports the conflict.
    /// </summary>
    public async Task<bool> TryAddIdentityAsync(string scopeKey, ScimIdentity identity, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(identity);
        try
        {
            await tables.Identities.SubmitTransactionAsync(
            [
                new TableTransactionAction(TableTransactionActionType.Add, UidRow(scopeKey, identity)),
                new TableTransactionAction(TableTransactionActionType.Add, new TableEntity(scopeKey, ScimTables.UserKey(identity.UserId)) { ["ExternUid"] = identity.ExternUid }),
            ],
            cancellationToken);
            return true;
        }
        catch (TableTransactionFailedException ex) when (ex.Status is 409 or 412)
        {
            return false;
        }
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
    /// repointed). False when the new UID is taken in the scope or the identity changed meanwhile.
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

        actions.Add(new TableTransactionAction(TableTransactionActionType.UpsertReplace, new TableEntity(scopeKey, ScimTables.UserKey(moved.UserId)) { ["ExternUid"] = newUid }));
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

    /// <summary>Creates or replaces an identity (import): both rows, in one transaction.</summary>
    public async Task UpsertIdentityAsync(string scopeKey, ScimIdentity identity, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(identity);
        await tables.Identities.SubmitTransactionAsync(
        [
            new TableTransactionAction(TableTransactionActionType.UpsertReplace, UidRow(scopeKey, identity)),
            new TableTransactionAction(TableTransactionActionType.UpsertReplace, new TableEntity(scopeKey, ScimTables.UserKey(identity.UserId)) { ["ExternUid"] = identity.ExternUid }),
        ],
        cancellationToken);
    }

    private async Task<(TableEntity Row, ScimIdentity Identity)?> GetIdentityRowAsync(string scopeKey, string externUid, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(scopeKey);
        ArgumentNullException.ThrowIfNull(externUid);
        return externUid.Length > 0 && await tables.Identities.FindAsync(scopeKey, ScimTables.UidKey(externUid), cancellationToken: cancellationToken) is { } row
            ? (row, ToIdentity(row))
            : null;
    }

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
