using Azure.Data.Tables;
using InternalApi.Core.Data;
using InternalApi.Core.Model;
using InternalApi.Core.Storage;
using static InternalApi.Core.Data.EntityMapping;

namespace InternalApi.Core.Import;

/// <summary>
/// The rows one imported entity produces, as the stores' upserts write them for an entity that
/// is new to the store (the import's fast path: no read before the write). One function per kind of entity, so
/// an index the store adds is one more row here. Entities already in the store go through the store's own
/// upserts instead, which also move or delete rows an earlier version left (old e-mail, old fingerprint, old path).
/// </summary>
internal static class ImportRows
{
    /// <summary>A user: its row, its username and e-mail index rows.</summary>
    public static IEnumerable<(TableClient Table, TableEntity Row)> OfUser(GitLabTables tables, User user)
    {
        yield return (tables.Users, ToEntity(user));
        yield return (tables.UsernameIndex, Spread.Row(PathKey(user.Username), "UserId", user.Id));
        if (!string.IsNullOrWhiteSpace(user.Email))
        {
            yield return (tables.UserEmails, Spread.Row(PathKey(user.Email), "UserId", user.Id));
        }
    }

    /// <summary>A namespace (group or personal): its row, its path index row and (a group) its place under its top-level namespace.</summary>
    public static IEnumerable<(TableClient Table, TableEntity Row)> OfNamespace(GitLabTables tables, GitLabNamespace ns)
    {
        yield return (tables.Namespaces, ToEntity(ns));
        yield return (tables.NamespacePaths, Spread.Row(PathKey(ns.FullPath), "NamespaceId", ns.Id));
        if (NamespaceTree.Indexes(ns))
        {
            yield return (tables.NamespaceTree, NamespaceTree.RowOf(ns));
        }
    }

    /// <summary>A user key: its row, its place in the owner's list, and its fingerprint row with the owner's display name.</summary>
    public static IEnumerable<(TableClient Table, TableEntity Row)> OfKey(GitLabTables tables, SshKey key, string? ownerName)
    {
        yield return (tables.SshKeys, ToEntity(key));
        if (key.UserId is { } userId)
        {
            yield return (tables.UserSshKeys, UserKeyRow(userId, key.Id));
        }

        yield return (tables.SshKeyFingerprints, FingerprintStore.RowOf(key, ownerName));
    }

    /// <summary>A project: its row, its place under its top-level namespace, its route, and a redirect route per old path.</summary>
    public static IEnumerable<(TableClient Table, TableEntity Row)> OfProject(GitLabTables tables, Project project, long rootId, IEnumerable<string> redirects)
    {
        yield return (tables.Projects, ToEntity(project));
        yield return (tables.NamespaceTree, NamespaceTree.RowOf(project, rootId));
        yield return (tables.ProjectRoutes, RouteRow(PathKey(project.FullPath), project.Id, redirect: false));
        foreach (var old in redirects)
        {
            yield return (tables.ProjectRoutes, RouteRow(PathKey(old), project.Id, redirect: true));
        }
    }

    /// <summary>
    /// A membership: one row in the partition of its group or project, and its copy in the partition of its top-level
    /// namespace <paramref name="rootId"/> (both shared: these batch well).
    /// </summary>
    public static IEnumerable<(TableClient Table, TableEntity Row)> OfMembership(GitLabTables tables, Membership membership, long? rootId)
    {
        var partition = (membership.Source == MemberSource.Project ? "project-" : "group-") + Id(membership.SourceId);
        yield return (tables.Members, new TableEntity(partition, Id(membership.UserId)) { ["AccessLevel"] = (int)membership.AccessLevel });
        if (rootId is { } root)
        {
            yield return (tables.NamespaceTree, NamespaceTree.RowOf(new TreeMember(membership.Source, membership.SourceId, membership.UserId, membership.AccessLevel), root));
        }
    }
}
