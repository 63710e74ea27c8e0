using System.Globalization;
using Azure.Data.Tables;
using InternalApi.Core.Data;
using InternalApi.Core.Model;
using InternalApi.Core.Storage;
using static InternalApi.Core.Data.EntityMapping;

namespace InternalApi.Core.Import;

/// <summary>A stored user as the import's checks see it.</summary>
public sealed record StoredUser(long Id, string Username, long? NamespaceId);

/// <summary>A stored namespace as the import's checks see it.</summary>
public sealed record StoredNamespace(long Id, string FullPath, NamespaceKind Kind, long? OwnerId);

/// <summary>
/// What the checks ask the store about users, namespaces, keys and projects ("is this id, path or public key
/// taken?"). Asked record by record, that is a few point reads per record: most of a large import's time. So the
/// ids and paths of those tables are read once, a page of a thousand rows at a time, when the store holds at most
/// <see cref="MaxRows"/> of them (the keys alone, a few tens of MB); a larger store is asked record by record as before.
/// The answers are those of the stores' lookups (an index row counts only when its entity exists).
/// </summary>
public sealed class ImportStoreView
{
    /// <summary>The most index and entity rows read up front.</summary>
    public const int MaxRows = 500_000;

    private readonly ImportStores _stores;
    private readonly Snapshot? _snapshot;

    private ImportStoreView(ImportStores stores, Snapshot? snapshot)
    {
        _stores = stores;
        _snapshot = snapshot;
    }

    /// <summary>Whether the answers come from the rows read up front (false: from point reads).</summary>
    public bool Preloaded => _snapshot is not null;

    /// <summary>Reads the rows when there are few enough of them.</summary>
    public static async Task<ImportStoreView> LoadAsync(ImportStores stores, GitLabTables tables, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(stores);
        ArgumentNullException.ThrowIfNull(tables);
        var t = tables;
        var budget = new Budget();
        var users = ReadAsync(t.Users, ["Username", "NamespaceId"], e => (Id(e), new StoredUser(Id(e), e.GetString("Username") ?? "", e.GetInt64("NamespaceId"))), budget, cancellationToken);
        var usernames = ReadAsync(t.UsernameIndex, ["UserId"], e => (e.RowKey, e.GetInt64("UserId") ?? 0), budget, cancellationToken);
        var namespaces = ReadAsync(t.Namespaces, ["FullPath", "Kind", "OwnerId"], e => (Id(e), new StoredNamespace(Id(e), e.GetString("FullPath") ?? "", Enum(e.GetString("Kind"), NamespaceKind.Group), e.GetInt64("OwnerId"))), budget, cancellationToken);
        var paths = ReadAsync(t.NamespacePaths, ["NamespaceId"], e => (e.RowKey, e.GetInt64("NamespaceId") ?? 0), budget, cancellationToken);
        var keys = ReadAsync(t.SshKeys, ["Kind"], e => (Id(e), Enum(e.GetString("Kind"), SshKeyKind.User)), budget, cancellationToken);
        var fingerprints = ReadAsync(t.SshKeyFingerprints, ["KeyId"], e => (e.RowKey, e.GetInt64("KeyId") ?? 0), budget, cancellationToken);
        var projects = ReadAsync(t.Projects, [], e => (Id(e), true), budget, cancellationToken);
        var routes = ReadAsync(t.ProjectRoutes, ["ProjectId"], e => (e.RowKey, e.GetInt64("ProjectId") ?? 0), budget, cancellationToken);
        await Task.WhenAll(users, usernames, namespaces, paths, keys, fingerprints, projects, routes);
        if (budget.Exceeded)
        {
            return new ImportStoreView(stores, null);
        }

        return new ImportStoreView(stores, new Snapshot(
            users.Result, usernames.Result, namespaces.Result, paths.Result, keys.Result, fingerprints.Result, projects.Result, routes.Result));
    }

    /// <summary>The user with this id.</summary>
    public async Task<StoredUser?> UserAsync(long id, CancellationToken cancellationToken)
    {
        if (_snapshot is not null)
        {
            return _snapshot.Users.GetValueOrDefault(id);
        }

        return await _stores.Users.GetUserAsync(id, cancellationToken) is { } u ? new StoredUser(u.Id, u.Username, u.NamespaceId) : null;
    }

    /// <summary>The user with this username (case-insensitive).</summary>
    public async Task<StoredUser?> UserByUsernameAsync(string username, CancellationToken cancellationToken)
    {
        if (_snapshot is not null)
        {
            return string.IsNullOrWhiteSpace(username) || !_snapshot.Usernames.TryGetValue(PathKey(username), out var id) ? null : _snapshot.Users.GetValueOrDefault(id);
        }

        return await _stores.Users.FindUserByUsernameAsync(username, cancellationToken) is { } u ? new StoredUser(u.Id, u.Username, u.NamespaceId) : null;
    }

    /// <summary>The namespace with this id.</summary>
    public async Task<StoredNamespace?> NamespaceAsync(long id, CancellationToken cancellationToken)
    {
        if (_snapshot is not null)
        {
            return _snapshot.Namespaces.GetValueOrDefault(id);
        }

        return await _stores.Namespaces.GetNamespaceAsync(id, cancellationToken) is { } n ? new StoredNamespace(n.Id, n.FullPath, n.Kind, n.OwnerId) : null;
    }

    /// <summary>The namespace at this full path (case-insensitive).</summary>
    public async Task<StoredNamespace?> NamespaceByPathAsync(string fullPath, CancellationToken cancellationToken)
    {
        if (_snapshot is not null)
        {
            return string.IsNullOrWhiteSpace(fullPath) || !_snapshot.NamespacePaths.TryGetValue(PathKey(fullPath), out var id) ? null : _snapshot.Namespaces.GetValueOrDefault(id);
        }

        return await _stores.Namespaces.FindNamespaceByPathAsync(fullPath, cancellationToken) is { } n ? new StoredNamespace(n.Id, n.FullPath, n.Kind, n.OwnerId) : null;
    }

    /// <summary>The kind of the key with this id, or null when there is none.</summary>
    public async Task<SshKeyKind?> KeyKindAsync(long id, CancellationToken cancellationToken)
    {
        if (_snapshot is not null)
        {
            return _snapshot.Keys.TryGetValue(id, out var kind) ? kind : null;
        }

        return (await _stores.Keys.GetKeyAsync(id, cancellationToken))?.Kind;
    }

    /// <summary>The id of the key with this fingerprint, or null.</summary>
    public async Task<long?> KeyIdByFingerprintAsync(string fingerprint, CancellationToken cancellationToken)
    {
        if (_snapshot is not null)
        {
            return _snapshot.Fingerprints.TryGetValue(TableKey.Encode(fingerprint), out var id) && _snapshot.Keys.ContainsKey(id) ? id : null;
        }

        return (await _stores.Keys.FindKeyByFingerprintAsync(fingerprint, cancellationToken))?.Id;
    }

    /// <summary>Whether the project exists.</summary>
    public async Task<bool> ProjectExistsAsync(long id, CancellationToken cancellationToken) =>
        _snapshot is not null ? _snapshot.Projects.ContainsKey(id) : await _stores.Projects.GetProjectAsync(id, cancellationToken) is not null;

    /// <summary>The id of the project this path (current or redirect) resolves to, or null.</summary>
    public async Task<long?> ProjectIdByPathAsync(string fullPath, CancellationToken cancellationToken)
    {
        if (_snapshot is not null)
        {
            return !string.IsNullOrWhiteSpace(fullPath) && _snapshot.Routes.TryGetValue(PathKey(fullPath), out var id) && _snapshot.Projects.ContainsKey(id) ? id : null;
        }

        return (await _stores.Projects.FindProjectByPathAsync(fullPath, cancellationToken))?.Project.Id;
    }

    private static long Id(TableEntity e) => long.TryParse(e.RowKey, NumberStyles.None, CultureInfo.InvariantCulture, out var id) ? id : 0;

    private static async Task<Dictionary<TKey, TValue>> ReadAsync<TKey, TValue>(
        TableClient table, string[] columns, Func<TableEntity, (TKey Key, TValue Value)> map, Budget budget, CancellationToken cancellationToken)
        where TKey : notnull
    {
        var rows = new Dictionary<TKey, TValue>();
        if (!await ExistsAsync(table, cancellationToken))
        {
            return rows; // a store that was never written to
        }

        await foreach (var page in table.QueryAsync<TableEntity>(select: ["RowKey", .. columns], maxPerPage: 1000, cancellationToken: cancellationToken).AsPages())
        {
            if (budget.Take(page.Values.Count))
            {
                return [];
            }

            foreach (var e in page.Values)
            {
                var (key, value) = map(e);
                rows[key] = value;
            }
        }

        return rows;
    }

    private static async Task<bool> ExistsAsync(TableClient table, CancellationToken cancellationToken)
    {
        try
        {
            await foreach (var _ in table.QueryAsync<TableEntity>(select: ["PartitionKey"], maxPerPage: 1, cancellationToken: cancellationToken).AsPages())
            {
                return true;
            }

            return true;
        }
        catch (Azure.RequestFailedException ex) when (ex.Status == 404)
        {
            return false;
        }
    }

    /// <summary>Rows left to read, shared by the tables read at once; once exceeded, every reader stops.</summary>
    private sealed class Budget
    {
        private int _left = MaxRows;

        public bool Exceeded => Volatile.Read(ref _left) < 0;

        public bool Take(int rows) => Interlocked.Add(ref _left, -rows) < 0;
    }

    private sealed record Snapshot(
        Dictionary<long, StoredUser> Users,
        Dictionary<string, long> Usernames,
        Dictionary<long, StoredNamespace> Namespaces,
        Dictionary<string, long> NamespacePaths,
        Dictionary<long, SshKeyKind> Keys,
        Dictionary<string, long> Fingerprints,
        Dictionary<long, bool> Projects,
        Dictionary<string, long> Routes);
}
