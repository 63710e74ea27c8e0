using System.Collections.Concurrent;
using System.Globalization;
using InternalApi.Core.Data;
using InternalApi.Core.Model;

namespace InternalApi.Core.Import;

/// <summary>A namespace known to the file or the store; <see cref="Id"/> is null for a user's namespace not allocated yet.</summary>
public sealed record ImportNamespace(string FullPath, NamespaceKind Kind, long? Id);

/// <summary>
/// The state of one import run: the file, the problems found, and lookups that answer "does this exist in the
/// file or in the store?" for the reference checks, plus the namespaces written so far for the write phase.
/// Records are not kept: <see cref="Items{T}"/> reads them from the file again, and the lookups keep only ids
/// and paths. Per-record checks run concurrently, each with a context of its own (<see cref="ForRecord"/>) that
/// shares everything but the error list.
/// </summary>
public sealed class ImportContext
{
    private readonly List<string> _errors = [];
    private readonly Shared _shared;

    internal ImportContext(ImportStores stores, GitLabTables tables, ImportFile file, IReadOnlyList<IImportSection> sections, string? baseDirectory = null)
    {
        Stores = stores;
        Tables = tables;
        BaseDirectory = baseDirectory ?? Directory.GetCurrentDirectory();
        _shared = new Shared(this, file, sections);
    }

    private ImportContext(ImportContext parent)
    {
        Stores = parent.Stores;
        Tables = parent.Tables;
        BaseDirectory = parent.BaseDirectory;
        _shared = parent._shared;
    }

    /// <summary>The stores being imported into.</summary>
    public ImportStores Stores { get; }

    /// <summary>Their tables, for the rows the batch writer sends (<see cref="ImportRows"/>).</summary>
    public GitLabTables Tables { get; }

    /// <summary>What the checks ask the store (ids, paths, public keys taken), read once when the store is small enough.</summary>
    public ImportStoreView Stored => _shared.StoreView ?? throw new InvalidOperationException("The store view is loaded before the checks.");

    internal void SetStored(ImportStoreView view) => _shared.StoreView = view;

    /// <summary>The folder of the import file: content files (LFS objects) are named relative to it.</summary>
    public string BaseDirectory { get; }

    /// <summary>How far the write phase is (read by the caller for a progress line).</summary>
    public ImportProgress Progress => _shared.Progress;

    internal ImportFile File => _shared.File;

    /// <summary>The full path of a content file named in the import file.</summary>
    public string ContentPath(string file) => Path.GetFullPath(Path.Combine(BaseDirectory, file));

    /// <summary>Problems found so far, each starting with its JSON path.</summary>
    public IReadOnlyList<string> Errors => _errors;

    internal List<string> ErrorList => _errors;

    /// <summary>A context for checking one record: the same lookups, its own errors.</summary>
    internal ImportContext ForRecord() => new(this);

    internal void SetProgress(ImportProgress progress) => _shared.Progress = progress;

    internal void SetCount(IImportSection section, int count) => _shared.Counts[section] = count;

    internal int CountOf(IImportSection section) => _shared.Counts.GetValueOrDefault(section);

    /// <summary>Records a problem with a whole record: <c>$.memberships[2]: duplicate of $.memberships[0]</c>.</summary>
    public void Error(string path, string problem) => _errors.Add($"{path}: {problem}");

    /// <summary>Records a problem with a field of a record.</summary>
    public void Error(string path, string field, string problem) => _errors.Add($"{path}.{field}: {problem}");

    /// <summary>Every record of type <typeparamref name="T"/> in the file, whichever section reads it, read from the file again.</summary>
    public IEnumerable<ImportItem<T>> Items<T>() => _shared.Sections.OfType<ImportSection<T>>().SelectMany(section => section.Stream(this));

    /// <summary>
    /// Reports every record whose key repeats an earlier record's, naming the first one. Records whose key
    /// is null (a field that was already reported as missing or malformed) are skipped.
    /// </summary>
    public void Duplicates<T>(IEnumerable<ImportItem<T>> items, Func<T, string?> key, string? field, StringComparer comparer) =>
        Duplicates(items, [(key, field)], comparer);

    /// <summary>
    /// <see cref="Duplicates{T}(IEnumerable{ImportItem{T}}, Func{T, string?}, string?, StringComparer)"/> for several keys in one
    /// reading of the records; errors come out key by key, as separate calls would report them.
    /// </summary>
    public void Duplicates<T>(IEnumerable<ImportItem<T>> items, IReadOnlyList<(Func<T, string?> Key, string? Field)> keys, StringComparer comparer)
    {
        ArgumentNullException.ThrowIfNull(items);
        ArgumentNullException.ThrowIfNull(keys);
        var first = keys.Select(_ => new Dictionary<string, string>(comparer)).ToList();
        var found = keys.Select(_ => new List<string>()).ToList();
        foreach (var item in items)
        {
            for (var i = 0; i < keys.Count; i++)
            {
                if (keys[i].Key(item.Value) is not { Length: > 0 } k || first[i].TryAdd(k, item.Path))
                {
                    continue;
                }

                var problem = $"duplicate of {first[i][k]}";
                found[i].Add(keys[i].Field is { } field ? $"{item.Path}.{field}: {problem}" : $"{item.Path}: {problem}");
            }
        }

        foreach (var errors in found)
        {
            _errors.AddRange(errors);
        }
    }

    /// <summary>An id as a duplicate key; null for 0 (already reported).</summary>
    public static string? Key(long id) => id > 0 ? id.ToString(CultureInfo.InvariantCulture) : null;

    // ---- lookups for the checks: the file first, then the store ----

    /// <summary>Whether the user is in the file or the store (true for 0: already reported).</summary>
    public async Task<bool> UserExistsAsync(long id, CancellationToken cancellationToken) =>
        id <= 0 || _shared.UserNames.Value.ContainsKey(id) || await Stored.UserAsync(id, cancellationToken) is not null;

    /// <summary>Whether the project is in the file or the store (true for 0: already reported).</summary>
    public async Task<bool> ProjectExistsAsync(long id, CancellationToken cancellationToken) =>
        id <= 0 || _shared.ProjectIds.Value.Contains(id) || await Stored.ProjectExistsAsync(id, cancellationToken);

    /// <summary>Whether a deploy key (not a user key) with this id is in the file or the store (true for 0).</summary>
    public async Task<bool> DeployKeyExistsAsync(long id, CancellationToken cancellationToken) =>
        id <= 0 || _shared.DeployKeys.Value.ContainsKey(id) || await Stored.KeyKindAsync(id, cancellationToken) == SshKeyKind.Deploy;

    /// <summary>Whether the deploy key is enabled on the project with write access, by the file or the store.</summary>
    public async Task<bool> DeployKeyCanPushAsync(long keyId, long projectId, CancellationToken cancellationToken) =>
        _shared.DeployKeys.Value.TryGetValue(keyId, out var pushable) && pushable.Contains(projectId) ||
        await Stores.Keys.GetDeployKeyProjectAsync(keyId, projectId, cancellationToken) is { CanPush: true };

    /// <summary>Whether a group with this id is in the file.</summary>
    public bool GroupIdInFile(long id) => _shared.GroupIds.Value.Contains(id);

    /// <summary>A namespace (user or group) by full path, case-insensitive, from the file or the store.</summary>
    public async Task<ImportNamespace?> FindNamespaceAsync(string fullPath, CancellationToken cancellationToken)
    {
        if (_shared.Namespaces.Value.TryGetValue(fullPath, out var ns))
        {
            return ns;
        }

        return await Stored.NamespaceByPathAsync(fullPath, cancellationToken) is { } stored
            ? new ImportNamespace(stored.FullPath, stored.Kind, stored.Id)
            : null;
    }

    // ---- what the checks learnt for the writes ----

    /// <summary>Notes that the record with this id of <paramref name="section"/> is already in the store (its writes take the careful path).</summary>
    public void MarkStored(IImportSection section, long id) => _shared.Stored.TryAdd((section.Name, id), 0);

    /// <summary>Whether <see cref="MarkStored"/> was called for the record.</summary>
    public bool IsStored(IImportSection section, long id) => _shared.Stored.ContainsKey((section.Name, id));

    /// <summary>The display name of a user, from the file or the store (null when unknown).</summary>
    public async Task<string?> UserNameAsync(long id, CancellationToken cancellationToken)
    {
        if (_shared.UserNames.Value.TryGetValue(id, out var name))
        {
            return name;
        }

        return (await Stores.Users.GetUserAsync(id, cancellationToken))?.Name;
    }

    // ---- write phase ----

    /// <summary>Remembers the top-level namespace of a project just written, for the copies of its memberships.</summary>
    public void RememberProjectRoot(long projectId, long rootId) => _shared.ProjectRoots[projectId] = rootId;

    /// <summary>The top-level namespace of a project written by this import or already stored; null when it is neither.</summary>
    public async Task<long?> ProjectRootAsync(long projectId, CancellationToken cancellationToken)
    {
        if (_shared.ProjectRoots.TryGetValue(projectId, out var root))
        {
            return root;
        }

        // A stored project the file does not carry: read once, however many of its memberships the file has.
        if (await Stores.Members.RootOfAsync(MemberSource.Project, projectId, cancellationToken) is not { } stored)
        {
            return null;
        }

        RememberProjectRoot(projectId, stored);
        return stored;
    }

    /// <summary>Remembers a namespace just written, so later sections resolve it without a read.</summary>
    public void Remember(GitLabNamespace ns)
    {
        ArgumentNullException.ThrowIfNull(ns);
        _shared.Written[ns.FullPath] = ns;
    }

    /// <summary>The namespace at a path, written by this import or already stored (the checks made sure it exists).</summary>
    public async Task<GitLabNamespace> NamespaceAsync(string fullPath, CancellationToken cancellationToken)
    {
        if (_shared.Written.TryGetValue(fullPath, out var ns))
        {
            return ns;
        }

        ns = await Stores.Namespaces.FindNamespaceByPathAsync(fullPath, cancellationToken)
            ?? throw new InvalidOperationException($"Namespace '{fullPath}' vanished between the checks and the writes.");
        _shared.Written[fullPath] = ns;
        return ns;
    }

    /// <summary>
    /// What every record's context shares: the file and the lookups, each built by one reading of its sections
    /// the first time a check needs it (thread-safe: records are checked concurrently).
    /// </summary>
    private sealed class Shared(ImportContext root, ImportFile file, IReadOnlyList<IImportSection> sections)
    {
        public ImportFile File { get; } = file;

        public IReadOnlyList<IImportSection> Sections { get; } = sections;

        public ImportProgress Progress { get; set; } = new();

        public ImportStoreView? StoreView { get; set; }

        public Dictionary<IImportSection, int> Counts { get; } = [];

        public ConcurrentDictionary<string, GitLabNamespace> Written { get; } = new(StringComparer.OrdinalIgnoreCase);

        public ConcurrentDictionary<(string Section, long Id), byte> Stored { get; } = new();

        public ConcurrentDictionary<long, long> ProjectRoots { get; } = new();

        public Lazy<Dictionary<long, string>> UserNames { get; } = new(() =>
        {
            var names = new Dictionary<long, string>();
            foreach (var user in root.Items<UserRecord>())
            {
                names.TryAdd(user.Value.User.Id, user.Value.User.Name);
            }

            return names;
        });

        public Lazy<HashSet<long>> ProjectIds { get; } = new(() => [.. root.Items<ProjectRecord>().Select(p => p.Value.Project.Id)]);

        public Lazy<HashSet<long>> GroupIds { get; } = new(() => [.. root.Items<GitLabNamespace>().Select(g => g.Value.Id)]);

        /// <summary>Deploy keys of the file by id, with the projects they may push to.</summary>
        public Lazy<Dictionary<long, HashSet<long>>> DeployKeys { get; } = new(() =>
        {
            var keys = new Dictionary<long, HashSet<long>>();
            foreach (var record in root.Items<DeployKeyRecord>().Select(k => k.Value).Where(k => k.Key.Id > 0))
            {
                keys.TryAdd(record.Key.Id, [.. record.Projects.Where(p => p.Value.CanPush).Select(p => p.Value.ProjectId)]);
            }

            return keys;
        });

        public Lazy<Dictionary<string, ImportNamespace>> Namespaces { get; } = new(() =>
        {
            var namespaces = new Dictionary<string, ImportNamespace>(StringComparer.OrdinalIgnoreCase);
            foreach (var user in root.Items<UserRecord>().Select(u => u.Value))
            {
                namespaces.TryAdd(user.User.Username, new ImportNamespace(user.User.Username, NamespaceKind.User, user.NamespaceId));
            }

            foreach (var group in root.Items<GitLabNamespace>().Select(g => g.Value))
            {
                namespaces.TryAdd(group.FullPath, new ImportNamespace(group.FullPath, NamespaceKind.Group, group.Id));
            }

            return namespaces;
        });
    }
}
