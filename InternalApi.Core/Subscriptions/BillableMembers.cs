using System.Globalization;
using Azure.Data.Tables;
using InternalApi.Core.Data;
using InternalApi.Core.Model;
using InternalApi.Core.Storage;

namespace InternalApi.Core.Subscriptions;

/// <summary>
/// Seats in use: the namespace's billable members counted at request time, as GitLab's <c>billed_user_ids</c>
/// counts them. Every user with a membership in the namespace, its subgroups or their projects (or, for a
/// personal namespace, its owner and the members of its projects) counts once, at the highest level it holds
/// there, when
/// <list type="bullet">
/// <item>the level is at least Guest (Minimal Access is not billable),</item>
/// <item>on a plan that excludes guests (Ultimate-style), the level is above Guest,</item>
/// <item>the user is a person (bots and internal users are not billed) and active (blocked, deactivated and
/// pending users are not billed).</item>
/// </list>
/// The hierarchy comes from <see cref="NamespaceTree"/> (one partition per top-level namespace), the members from a
/// partition per source.
/// </summary>
public sealed class BillableMembers(GitLabTables tables, UserStore users, NamespaceTree tree)
{
    /// <summary>The number of billable users of <paramref name="ns"/> under the plan <paramref name="planCode"/>.</summary>
    public async Task<long> CountAsync(GitLabNamespace ns, string? planCode, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(ns);
        return await CountAsync(await LevelsAsync(ns, cancellationToken), planCode, cancellationToken);
    }

    /// <summary>
    /// The billable users among <paramref name="levels"/> (from <see cref="LevelsAsync"/>, which does not depend on the
    /// plan: a caller may read it while it still reads the plan).
    /// </summary>
    public async Task<long> CountAsync(IReadOnlyDictionary<long, AccessLevel> levels, string? planCode, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(levels);
        var excludeGuests = GitLabPlans.ExcludesGuests(planCode);
        var candidates = levels.Where(l => excludeGuests ? l.Value > AccessLevel.Guest : l.Value >= AccessLevel.Guest).Select(l => l.Key).ToList();
        var found = await Task.WhenAll(candidates.Select(id => users.GetUserAsync(id, cancellationToken)));
        return found.Count(u => u is { Type: UserType.Human, State: UserState.Active });
    }

    /// <summary>Each member's highest level in the hierarchy (every level, billable or not).</summary>
    public async Task<IReadOnlyDictionary<long, AccessLevel>> LevelsAsync(GitLabNamespace ns, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(ns);
        // One single-partition query for the whole hierarchy with its members (the tree index and the membership
        // copies in it): the cost follows the size of this namespace, never the instance's, in one request however
        // many groups and projects it has.
        var hierarchy = await tree.ReadAsync(NamespaceTree.RootOf(ns), cancellationToken);
        IReadOnlyList<long> namespaces = ns.Kind == NamespaceKind.User ? [ns.Id] : hierarchy.SelfAndDescendants(ns.Id);
        var groups = ns.Kind == NamespaceKind.User ? [] : namespaces.ToHashSet();
        var projects = hierarchy.ProjectsIn([.. namespaces]).ToHashSet();

        var levels = new Dictionary<long, AccessLevel>();
        if (ns.Kind == NamespaceKind.User && ns.OwnerId is { } owner)
        {
            levels[owner] = AccessLevel.Owner;
        }

        foreach (var member in hierarchy.Members.Where(m => m.Source == MemberSource.Group ? groups.Contains(m.SourceId) : projects.Contains(m.SourceId)))
        {
            if (!levels.TryGetValue(member.UserId, out var best) || member.Level > best)
            {
                levels[member.UserId] = member.Level;
            }
        }

        return levels;
    }

    /// <summary>
    /// Who owns the namespace: a personal namespace's user, or a group's direct Owners (the namespaces CustomersDot
    /// moves packs between are top-level, where every owner is a direct one).
    /// </summary>
    public async Task<HashSet<long>> OwnersAsync(GitLabNamespace ns, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(ns);
        if (ns.Kind == NamespaceKind.User)
        {
            return ns.OwnerId is { } owner ? [owner] : [];
        }

        var rows = await tables.Members.ListPartitionAsync("group-" + ns.Id.ToString(CultureInfo.InvariantCulture), cancellationToken);
        return [.. rows.Where(r => r.GetInt32("AccessLevel") == (int)AccessLevel.Owner)
            .Select(r => long.TryParse(r.RowKey, NumberStyles.None, CultureInfo.InvariantCulture, out var id) ? id : 0).Where(id => id > 0)];
    }
}
