using Azure;
using Azure.Data.Tables;
using InternalApi.Core.Model;
using InternalApi.Core.Storage;
using static InternalApi.Core.Data.EntityMapping;

namespace InternalApi.Core.Data;

/// <summary>
/// Direct memberships of projects and groups: one row per source and user, partitioned by source so a
/// member lookup is a point read and a source's members one partition query. Each is also copied into its
/// hierarchy's <see cref="NamespaceTree"/> partition (after its own row), where a seat count reads a whole
/// hierarchy's members in one query. Effective (inherited) access is <see cref="EffectiveAccess"/>'s.
/// </summary>
public sealed class MembershipStore(GitLabTables names, NamespaceStore namespaces, ProjectStore projects, NamespaceTree tree)
{
    /// <summary>Direct membership access level, or null.</summary>
    public async Task<AccessLevel?> GetMembershipAsync(MemberSource source, long sourceId, long userId, CancellationToken cancellationToken = default) =>
        await names.Members.FindAsync(SourceKey(source, sourceId), Id(userId), cancellationToken: cancellationToken) is { } e && e.GetInt32("AccessLevel") is { } level
            ? (AccessLevel)level
            : null;

    /// <summary>Creates or replaces a membership, and its copy under its hierarchy's root.</summary>
    public async Task UpsertMembershipAsync(Membership membership, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(membership);
        await names.Members.UpsertEntityAsync(
            new TableEntity(SourceKey(membership.Source, membership.SourceId), Id(membership.UserId)) { ["AccessLevel"] = (int)membership.AccessLevel },
            TableUpdateMode.Replace,
            cancellationToken);
        if (await RootOfAsync(membership.Source, membership.SourceId, cancellationToken) is { } root)
        {
            await tree.PutMemberAsync(root, new TreeMember(membership.Source, membership.SourceId, membership.UserId, membership.AccessLevel), cancellationToken);
        }
    }

    /// <summary>Removes a direct membership and its copy (nothing when there is none).</summary>
    public async Task DeleteMembershipAsync(MemberSource source, long sourceId, long userId, CancellationToken cancellationToken = default)
    {
        try
        {
            await names.Members.DeleteEntityAsync(SourceKey(source, sourceId), Id(userId), cancellationToken: cancellationToken);
        }
        catch (RequestFailedException ex) when (ex.Status == 404)
        {
            // Already gone: the removal is repeatable.
        }

        if (await RootOfAsync(source, sourceId, cancellationToken) is { } root)
        {
            await tree.DeleteMemberAsync(root, source, sourceId, userId, cancellationToken);
        }
    }

    /// <summary>The top-level namespace of a group, or of a project's namespace; null when the source is gone.</summary>
    public async Task<long?> RootOfAsync(MemberSource source, long sourceId, CancellationToken cancellationToken = default)
    {
        var namespaceId = source == MemberSource.Group ? sourceId : (await projects.GetProjectAsync(sourceId, cancellationToken))?.NamespaceId;
        return namespaceId is { } id && await namespaces.GetNamespaceAsync(id, cancellationToken) is { } ns ? NamespaceTree.RootOf(ns) : null;
    }

    /// <summary>The user ids with a direct membership of the source at exactly <paramref name="level"/> (one partition query).</summary>
    public async Task<IReadOnlyList<long>> GetMemberIdsAtLevelAsync(MemberSource source, long sourceId, AccessLevel level, CancellationToken cancellationToken = default)
    {
        var rows = await names.Members.ListAsync(
            TableClient.CreateQueryFilter($"PartitionKey eq {SourceKey(source, sourceId)} and AccessLevel eq {(int)level}"), ["RowKey"], cancellationToken);
        return [.. rows.Select(r => long.Parse(r.RowKey, System.Globalization.CultureInfo.InvariantCulture))];
    }

    private static string SourceKey(MemberSource source, long id) =>
        (source == MemberSource.Project ? "project-" : "group-") + Id(id);
}
