using System.Globalization;
using Azure;
using Azure.Data.Tables;
using InternalApi.Core.Model;
using InternalApi.Core.Storage;
using static InternalApi.Core.Data.EntityMapping;

namespace InternalApi.Core.Data;

/// <summary>One namespace of a hierarchy: its parent and kind.</summary>
public sealed record TreeNamespace(long Id, long? ParentId, NamespaceKind Kind);

/// <summary>One project of a hierarchy: the namespace it is in.</summary>
public sealed record TreeProject(long Id, long NamespaceId);

/// <summary>One direct membership of a group or project of a hierarchy, as the tree index copies it.</summary>
public sealed record TreeMember(MemberSource Source, long SourceId, long UserId, AccessLevel Level);

/// <summary>
/// A top-level namespace's hierarchy as the tree index holds it: every namespace below it (itself included), every
/// project in them, and the direct memberships of those groups and projects.
/// </summary>
public sealed record NamespaceHierarchy(IReadOnlyList<TreeNamespace> Namespaces, IReadOnlyList<TreeProject> Projects, IReadOnlyList<TreeMember> Members)
{
    /// <summary>
    /// <paramref name="namespaceId"/> and every namespace below it, parents before children. The walk follows parent
    /// links, so a row that lost its parent (a half-moved subtree) is left out rather than counted twice.
    /// </summary>
    public IReadOnlyList<long> SelfAndDescendants(long namespaceId)
    {
        var children = Namespaces.Where(n => n.ParentId is not null).ToLookup(n => n.ParentId!.Value, n => n.Id);
        var result = new List<long> { namespaceId };
        var seen = new HashSet<long> { namespaceId };
        for (var i = 0; i < result.Count; i++)
        {
            result.AddRange(children[result[i]].Where(seen.Add));
        }

        return result;
    }

    /// <summary>The projects of the given namespaces.</summary>
    public IReadOnlyList<long> ProjectsIn(IReadOnlyCollection<long> namespaceIds)
    {
        ArgumentNullException.ThrowIfNull(namespaceIds);
        var wanted = namespaceIds as ISet<long> ?? namespaceIds.ToHashSet();
        return [.. Projects.Where(p => wanted.Contains(p.NamespaceId)).Select(p => p.Id)];
    }
}

/// <summary>
/// The index that answers "what lies under this top-level namespace?" from one partition. In Table Storage a filter on a
/// property (<c>RootId</c> of the namespaces, <c>NamespaceId</c> of the projects) scans the whole table, paid per 1,000
/// rows whatever the answer, so the seat count of a 10-member group would cost as much as the instance is large. Here
/// each top-level namespace has a partition (PK its id) holding a row per namespace below it (RK <c>n-{id}</c>, with
/// its parent and kind) and per project in them (RK <c>p-{id}</c>, with its namespace): one query, paged by 1,000 rows
/// of that hierarchy only. The namespace and project writers keep it (<see cref="NamespaceStore"/>, <see cref="ProjectStore"/>), and the import
/// rewrites every row it imports, which also repairs an index written before a row existed.
/// </summary>
public sealed class NamespaceTree(GitLabTables tables)
{
    private const string NamespacePrefix = "n-";
    private const string ProjectPrefix = "p-";
    private const string MemberPrefix = "m-";

    /// <summary>Every namespace and project under the top-level namespace <paramref name="rootId"/>: one single-partition query.</summary>
    public async Task<NamespaceHierarchy> ReadAsync(long rootId, CancellationToken cancellationToken = default)
    {
        var namespaces = new List<TreeNamespace>();
        var projects = new List<TreeProject>();
        var members = new List<TreeMember>();
        foreach (var row in await tables.NamespaceTree.ListPartitionAsync(Id(rootId), cancellationToken))
        {
            if (ParseMember(row) is { } member)
            {
                members.Add(member);
                continue;
            }

            if (row.RowKey.StartsWith(NamespacePrefix, StringComparison.Ordinal) && Parse(row.RowKey[NamespacePrefix.Length..]) is { } ns)
            {
                namespaces.Add(new TreeNamespace(ns, row.GetInt64("ParentId"), Enum(row.GetString("Kind"), NamespaceKind.Group)));
            }
            else if (row.RowKey.StartsWith(ProjectPrefix, StringComparison.Ordinal) && Parse(row.RowKey[ProjectPrefix.Length..]) is { } project &&
                row.GetInt64("NamespaceId") is { } namespaceId)
            {
                projects.Add(new TreeProject(project, namespaceId));
            }
        }

        return new NamespaceHierarchy(namespaces, projects, members);
    }

    /// <summary>
    /// Whether <paramref name="ns"/> has a row of its own: groups do. A personal namespace is always its own root and
    /// never has namespaces below it, so nothing reads its row (its seats are its owner and the members of its
    /// projects, whose rows are kept); leaving it out spares a partition of one row per user, which the import
    /// would write with a request each.
    /// </summary>
    public static bool Indexes(GitLabNamespace ns)
    {
        ArgumentNullException.ThrowIfNull(ns);
        return ns.Kind != NamespaceKind.User;
    }

    /// <summary>The row that places <paramref name="ns"/> under its top-level namespace.</summary>
    public static TableEntity RowOf(GitLabNamespace ns)
    {
        ArgumentNullException.ThrowIfNull(ns);
        return new TableEntity(Id(RootOf(ns)), NamespacePrefix + Id(ns.Id)) { ["ParentId"] = ns.ParentId, ["Kind"] = ns.Kind.ToString() };
    }

    /// <summary>The row that places <paramref name="project"/> under the top-level namespace <paramref name="rootId"/>.</summary>
    public static TableEntity RowOf(Project project, long rootId)
    {
        ArgumentNullException.ThrowIfNull(project);
        return new TableEntity(Id(rootId), ProjectPrefix + Id(project.Id)) { ["NamespaceId"] = project.NamespaceId };
    }

    /// <summary>The top-level namespace of <paramref name="ns"/> (a row written before roots were kept names itself).</summary>
    public static long RootOf(GitLabNamespace ns)
    {
        ArgumentNullException.ThrowIfNull(ns);
        return ns.RootId > 0 ? ns.RootId : ns.Id;
    }

    /// <summary>
    /// Places <paramref name="ns"/> under its root. When it moved to another root (a transfer), everything below it moves
    /// with it: their index rows and the <c>RootId</c> of their namespace rows, which access checks read for the root's
    /// IP restrictions and certificate rules.
    /// </summary>
    public async Task PutNamespaceAsync(GitLabNamespace ns, GitLabNamespace? previous, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(ns);
        if (Indexes(ns))
        {
            await tables.NamespaceTree.UpsertEntityAsync(RowOf(ns), TableUpdateMode.Replace, cancellationToken);
        }

        if (previous is null || RootOf(previous) == RootOf(ns))
        {
            return;
        }

        var oldRoot = RootOf(previous);
        var newRoot = RootOf(ns);
        var hierarchy = await ReadAsync(oldRoot, cancellationToken);
        var moved = hierarchy.SelfAndDescendants(ns.Id);
        var movedSet = moved.ToHashSet();
        var below = hierarchy.Namespaces.Where(n => n.Id != ns.Id && movedSet.Contains(n.Id)).ToList();
        var projects = hierarchy.Projects.Where(p => movedSet.Contains(p.NamespaceId)).ToList();
        var projectSet = projects.Select(p => p.Id).ToHashSet();
        var members = hierarchy.Members.Where(m => m.Source == MemberSource.Group ? movedSet.Contains(m.SourceId) : projectSet.Contains(m.SourceId)).ToList();

        // New rows first, old ones after: a reader in between counts a moved member under both roots for a moment,
        // never under neither.
        await Task.WhenAll(
            below.Select(n => (Task)tables.NamespaceTree.UpsertEntityAsync(
                new TableEntity(Id(newRoot), NamespacePrefix + Id(n.Id)) { ["ParentId"] = n.ParentId, ["Kind"] = n.Kind.ToString() }, TableUpdateMode.Replace, cancellationToken))
            .Concat(projects.Select(p => tables.NamespaceTree.UpsertEntityAsync(
                new TableEntity(Id(newRoot), ProjectPrefix + Id(p.Id)) { ["NamespaceId"] = p.NamespaceId }, TableUpdateMode.Replace, cancellationToken)))
            .Concat(below.Select(n => (Task)tables.Namespaces.MergeIfExistsAsync(Spread.Row(Id(n.Id), "RootId", newRoot), cancellationToken)))
            .Concat(members.Select(m => (Task)tables.NamespaceTree.UpsertEntityAsync(RowOf(m, newRoot), TableUpdateMode.Replace, cancellationToken))));
        await Task.WhenAll(
            moved.Select(id => DeleteAsync(oldRoot, NamespacePrefix + Id(id), cancellationToken))
            .Concat(projects.Select(p => DeleteAsync(oldRoot, ProjectPrefix + Id(p.Id), cancellationToken)))
            .Concat(members.Select(m => DeleteAsync(oldRoot, MemberKey(m.Source, m.SourceId, m.UserId), cancellationToken))));
    }

    /// <summary>
    /// Places <paramref name="project"/> under <paramref name="rootId"/>, and takes it from <paramref name="previousRootId"/>
    /// when it moved, with the copies of its memberships (one range query of the old root's partition).
    /// </summary>
    public async Task PutProjectAsync(Project project, long rootId, long? previousRootId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(project);
        await tables.NamespaceTree.UpsertEntityAsync(RowOf(project, rootId), TableUpdateMode.Replace, cancellationToken);
        if (previousRootId is { } old && old != rootId)
        {
            var prefix = MemberKeyPrefix(MemberSource.Project, project.Id);
            var copies = await tables.NamespaceTree.ListAsync(
                TableClient.CreateQueryFilter($"PartitionKey eq {Id(old)} and RowKey ge {prefix} and RowKey lt {prefix[..^1] + "."}"), cancellationToken: cancellationToken);
            var moved = copies.Select(ParseMember).OfType<TreeMember>().ToList();
            await Task.WhenAll(moved.Select(m => tables.NamespaceTree.UpsertEntityAsync(RowOf(m, rootId), TableUpdateMode.Replace, cancellationToken)));
            await Task.WhenAll(moved.Select(m => DeleteAsync(old, MemberKey(m.Source, m.SourceId, m.UserId), cancellationToken))
                .Append(DeleteAsync(old, ProjectPrefix + Id(project.Id), cancellationToken)));
        }
    }

    /// <summary>Copies a membership into its hierarchy's partition (the membership store's write, after its own row).</summary>
    public Task PutMemberAsync(long rootId, TreeMember member, CancellationToken cancellationToken = default) =>
        tables.NamespaceTree.UpsertEntityAsync(RowOf(member, rootId), TableUpdateMode.Replace, cancellationToken);

    /// <summary>Removes the copy of a membership (nothing when there is none).</summary>
    public Task DeleteMemberAsync(long rootId, MemberSource source, long sourceId, long userId, CancellationToken cancellationToken = default) =>
        DeleteAsync(rootId, MemberKey(source, sourceId, userId), cancellationToken);

    /// <summary>
    /// The copy of a membership in the partition of <paramref name="rootId"/>: RowKey <c>m-g{group}-{user}</c> or
    /// <c>m-p{project}-{user}</c>, with the level. The seat count reads these with the rest of the hierarchy in one
    /// query instead of one query per group and project (decision 4, addendum).
    /// </summary>
    public static TableEntity RowOf(TreeMember member, long rootId)
    {
        ArgumentNullException.ThrowIfNull(member);
        return new TableEntity(Id(rootId), MemberKey(member.Source, member.SourceId, member.UserId)) { ["AccessLevel"] = (int)member.Level };
    }

    private static string MemberKeyPrefix(MemberSource source, long sourceId) =>
        MemberPrefix + (source == MemberSource.Project ? "p" : "g") + Id(sourceId) + "-";

    private static string MemberKey(MemberSource source, long sourceId, long userId) => MemberKeyPrefix(source, sourceId) + Id(userId);

    private static TreeMember? ParseMember(TableEntity row)
    {
        var key = row.RowKey;
        if (!key.StartsWith(MemberPrefix, StringComparison.Ordinal) || key.Length < 5 || row.GetInt32("AccessLevel") is not { } level)
        {
            return null;
        }

        var source = key[2] == 'p' ? MemberSource.Project : key[2] == 'g' ? MemberSource.Group : (MemberSource?)null;
        var dash = key.IndexOf('-', 3);
        return source is { } kind && dash > 3 && Parse(key[3..dash]) is { } sourceId && Parse(key[(dash + 1)..]) is { } userId
            ? new TreeMember(kind, sourceId, userId, (AccessLevel)level)
            : null;
    }

    private async Task DeleteAsync(long rootId, string rowKey, CancellationToken cancellationToken)
    {
        try
        {
            await tables.NamespaceTree.DeleteEntityAsync(Id(rootId), rowKey, ETag.All, cancellationToken);
        }
        catch (RequestFailedException ex) when (ex.Status == 404)
        {
            // Already gone: a retried move.
        }
    }

    private static long? Parse(string digits) =>
        long.TryParse(digits, NumberStyles.None, CultureInfo.InvariantCulture, out var id) ? id : null;
}
