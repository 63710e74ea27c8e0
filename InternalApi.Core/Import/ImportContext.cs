using System.Globalization;
using InternalApi.Core.Data;
using InternalApi.Core.Model;

namespace InternalApi.Core.Import;

/// <summary>A namespace known to the file or the store; <see cref="Id"/> is null for a user's namespace not allocated yet.</summary>
public sealed record ImportNamespace(string FullPath, NamespaceKind Kind, long? Id);

/// <summary>
/// The state of one import run: every section's records, the problems found, and lookups that answer
/// "does this exist in the file or in the store?" for the reference checks, plus the namespaces written
/// so far for the write phase.
/// </summary>
public sealed class ImportContext
{
    private readonly List<string> _errors = [];
    private readonly Dictionary<IImportSection, object> _items = [];
    private readonly Dictionary<string, GitLabNamespace> _written = new(StringComparer.OrdinalIgnoreCase);
    private HashSet<long>? _userIds;
    private HashSet<long>? _projectIds;
    private Dictionary<long, DeployKeyRecord>? _deployKeys;
    private Dictionary<string, ImportNamespace>? _namespaces;

    internal ImportContext(ImportStores stores, string? baseDirectory = null)
    {
        Stores = stores;
        BaseDirectory = baseDirectory ?? Directory.GetCurrentDirectory();
    }

    /// <summary>The stores being imported into.</summary>
    public ImportStores Stores { get; }

    /// <summary>The folder of the import file: content files (LFS objects) are named relative to it.</summary>
    public string BaseDirectory { get; }

    /// <summary>The full path of a content file named in the import file.</summary>
    public string ContentPath(string file) => Path.GetFullPath(Path.Combine(BaseDirectory, file));

    /// <summary>Problems found so far, each starting with its JSON path.</summary>
    public IReadOnlyList<string> Errors => _errors;

    internal List<string> ErrorList => _errors;

    /// <summary>Records a problem with a whole record: <c>$.memberships[2]: duplicate of $.memberships[0]</c>.</summary>
    public void Error(string path, string problem) => _errors.Add($"{path}: {problem}");

    /// <summary>Records a problem with a field of a record.</summary>
    public void Error(string path, string field, string problem) => _errors.Add($"{path}.{field}: {problem}");

    /// <summary>Every record of type <typeparamref name="T"/> in the file, whichever section read it.</summary>
    public IReadOnlyList<ImportItem<T>> Items<T>() => [.. _items.Values.OfType<IReadOnlyList<ImportItem<T>>>().SelectMany(list => list)];

    internal IReadOnlyList<ImportItem<T>> ItemsOf<T>(IImportSection section) =>
        _items.TryGetValue(section, out var items) ? (IReadOnlyList<ImportItem<T>>)items : [];

    internal void SetItems<T>(IImportSection section, List<ImportItem<T>> items) => _items[section] = items;

    /// <summary>
    /// Reports every record whose key repeats an earlier record's, naming the first one. Records whose key
    /// is null (a field that was already reported as missing or malformed) are skipped.
    /// </summary>
    public void Duplicates<T>(IEnumerable<ImportItem<T>> items, Func<T, string?> key, string? field, StringComparer comparer)
    {
        ArgumentNullException.ThrowIfNull(items);
        ArgumentNullException.ThrowIfNull(key);
        var first = new Dictionary<string, string>(comparer);
        foreach (var item in items)
        {
            if (key(item.Value) is not { Length: > 0 } k)
            {
                continue;
            }

            if (!first.TryAdd(k, item.Path))
            {
                var problem = $"duplicate of {first[k]}";
                if (field is null)
                {
                    Error(item.Path, problem);
                }
                else
                {
                    Error(item.Path, field, problem);
                }
            }
        }
    }

    /// <summary>An id as a duplicate key; null for 0 (already reported).</summary>
    public static string? Key(long id) => id > 0 ? id.ToString(CultureInfo.InvariantCulture) : null;

    // ---- lookups for the checks: the file first, then the store ----

    /// <summary>Whether the user is in the file or the store (true for 0: already reported).</summary>
    public async Task<bool> UserExistsAsync(long id, CancellationToken cancellationToken)
    {
        _userIds ??= [.. Items<UserRecord>().Select(u => u.Value.User.Id)];
        return id <= 0 || _userIds.Contains(id) || await Stores.Users.GetUserAsync(id, cancellationToken) is not null;
    }

    /// <summary>Whether the project is in the file or the store (true for 0: already reported).</summary>
    public async Task<bool> ProjectExistsAsync(long id, CancellationToken cancellationToken)
    {
        _projectIds ??= [.. Items<ProjectRecord>().Select(p => p.Value.Project.Id)];
        return id <= 0 || _projectIds.Contains(id) || await Stores.Projects.GetProjectAsync(id, cancellationToken) is not null;
    }

    /// <summary>Whether a deploy key (not a user key) with this id is in the file or the store (true for 0).</summary>
    public async Task<bool> DeployKeyExistsAsync(long id, CancellationToken cancellationToken) =>
        id <= 0 || DeployKeys.ContainsKey(id) || await Stores.Keys.GetKeyAsync(id, cancellationToken) is { Kind: SshKeyKind.Deploy };

    /// <summary>Whether the deploy key is enabled on the project with write access, by the file or the store.</summary>
    public async Task<bool> DeployKeyCanPushAsync(long keyId, long projectId, CancellationToken cancellationToken) =>
        DeployKeys.TryGetValue(keyId, out var record) && record.Projects.Any(p => p.Value.ProjectId == projectId && p.Value.CanPush) ||
        await Stores.Keys.GetDeployKeyProjectAsync(keyId, projectId, cancellationToken) is { CanPush: true };

    /// <summary>A namespace (user or group) by full path, case-insensitive, from the file or the store.</summary>
    public async Task<ImportNamespace?> FindNamespaceAsync(string fullPath, CancellationToken cancellationToken)
    {
        if (_namespaces is null)
        {
            _namespaces = new Dictionary<string, ImportNamespace>(StringComparer.OrdinalIgnoreCase);
            foreach (var user in Items<UserRecord>().Select(u => u.Value))
            {
                _namespaces.TryAdd(user.User.Username, new ImportNamespace(user.User.Username, NamespaceKind.User, user.NamespaceId));
            }

            foreach (var group in Items<GitLabNamespace>().Select(g => g.Value))
            {
                _namespaces.TryAdd(group.FullPath, new ImportNamespace(group.FullPath, NamespaceKind.Group, group.Id));
            }
        }

        if (_namespaces.TryGetValue(fullPath, out var ns))
        {
            return ns;
        }

        return await Stores.Namespaces.FindNamespaceByPathAsync(fullPath, cancellationToken) is { } stored
            ? new ImportNamespace(stored.FullPath, stored.Kind, stored.Id)
            : null;
    }

    private Dictionary<long, DeployKeyRecord> DeployKeys =>
        _deployKeys ??= Items<DeployKeyRecord>().Where(k => k.Value.Key.Id > 0).DistinctBy(k => k.Value.Key.Id).ToDictionary(k => k.Value.Key.Id, k => k.Value);

    // ---- write phase ----

    /// <summary>Remembers a namespace just written, so later sections resolve it without a read.</summary>
    public void Remember(GitLabNamespace ns)
    {
        ArgumentNullException.ThrowIfNull(ns);
        _written[ns.FullPath] = ns;
    }

    /// <summary>The namespace at a path, written by this import or already stored (the checks made sure it exists).</summary>
    public async Task<GitLabNamespace> NamespaceAsync(string fullPath, CancellationToken cancellationToken)
    {
        if (_written.TryGetValue(fullPath, out var ns))
        {
            return ns;
        }

        ns = await Stores.Namespaces.FindNamespaceByPathAsync(fullPath, cancellationToken)
            ?? throw new InvalidOperationException($"Namespace '{fullPath}' vanished between the checks and the writes.");
        _written[fullPath] = ns;
        return ns;
    }
}
