using Azure;
using Azure.Data.Tables;
using InternalApi.Core.Model;
using InternalApi.Core.Storage;
using static InternalApi.Core.Data.EntityMapping;

namespace InternalApi.Core.Data;

/// <summary>
/// Direct memberships of projects and groups: one row per source and user, partitioned by source so a
/// member lookup is a point read and a source's members one partition query. Effective (inherited) access
/// is <see cref="EffectiveAccess"/>'s.
/// </summary>
public sealed class MembershipStore(GitLabTables names)
{
    /// <summary>Direct membership access level, or null.</summary>
    public async Task<AccessLevel?> GetMembershipAsync(MemberSource source, long sourceId, long userId, CancellationToken cancellationToken = default) =>
        await names.Members.FindAsync(SourceKey(source, sourceId), Id(userId), cancellationToken: cancellationToken) is { } e && e.GetInt32("AccessLevel") is { } level
            ? (AccessLevel)level
            : null;

    /// <summary>Creates or replaces a membership.</summary>
    public Task UpsertMembershipAsync(Membership membership, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(membership);
        return names.Members.UpsertEntityAsync(
            new TableEntity(SourceKey(membership.Source, membership.SourceId), Id(membership.UserId)) { ["AccessLevel"] = (int)membership.AccessLevel },
            TableUpdateMode.Replace,
            cancellationToken);
    }

    /// <summary>Removes a direct membership (nothing when there is none).</summary>
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
