using System.Text;
using InternalApi.Core.Data;
using InternalApi.Core.Model;

namespace InternalApi.Core.Kubernetes;

/// <summary>
/// <c>agent_configuration</c>: stores what KAS posted and refreshes the agent's <c>ci_access</c> and <c>user_access</c>
/// authorizations from it, as GitLab's <c>Clusters::Agents::Authorizations::{CiAccess,UserAccess}::RefreshService</c>
/// do: the first 500 entries of each list, paths matched case-insensitively (the last of duplicates wins), and only
/// projects and groups under the root namespace of the agent's configuration project (groups only when that root
/// is a group). Paths that name nothing there are dropped, as GitLab drops them; an absent or empty list removes
/// that kind of authorization.
/// </summary>
public sealed class AgentConfigurationService(
    AgentStore agents,
    NamespaceStore namespaces,
    ProjectStore projects,
    AgentConfigStore configs,
    TimeProvider time)
{
    /// <summary>GitLab's <c>AUTHORIZED_ENTITY_LIMIT</c>.</summary>
    public const int EntityLimit = 500;

    /// <summary>Largest settings text of one entry (a table property holds 32K UTF-16 characters).</summary>
    public const int MaxSettingsLength = 30_000;

    private const int MaxAttempts = 5;

    /// <summary>Stores the configuration and refreshes the authorizations; safe to repeat.</summary>
    public async Task<AgentConfigurationOutcome> UpdateAsync(AgentConfigurationUpdate update, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(update);
        if (Encoding.UTF8.GetByteCount(update.ConfigJson) > AgentConfigStore.MaxConfigBytes || update.UserAccessAsJson.Length > MaxSettingsLength ||
            Entries(update.CiAccess).Any(e => e.SettingsJson.Length > MaxSettingsLength))
        {
            return AgentConfigurationOutcome.TooLarge;
        }

        if (await agents.GetAgentAsync(update.AgentId, cancellationToken) is not { } agent)
        {
            return AgentConfigurationOutcome.AgentNotFound;
        }

        var wanted = await ResolveAsync(agent, update, cancellationToken);
        for (var attempt = 1; ; attempt++)
        {
            if (await configs.TryReplaceAsync(agent.Id, update.ConfigJson, time.GetUtcNow(), wanted, cancellationToken) || attempt == MaxAttempts)
            {
                // After the last lost race the other refresh's configuration stands: it was posted at the same time.
                return AgentConfigurationOutcome.Stored;
            }
        }
    }

    private static IEnumerable<AgentAccessEntry> Entries(AgentAccessSection section) => (section.Projects ?? []).Concat(section.Groups ?? []);

    /// <summary>The authorization rows the configuration grants, ci_access and user_access of one target merged.</summary>
    private async Task<IReadOnlyList<AgentAuthorization>> ResolveAsync(ClusterAgent agent, AgentConfigurationUpdate update, CancellationToken cancellationToken)
    {
        var root = await RootNamespaceAsync(agent, cancellationToken);
        var rows = new Dictionary<(bool IsGroup, long Id), AgentAuthorization>();
        if (root is null)
        {
            return [];
        }

        foreach (var (kind, section) in new[] { (AgentAccessKinds.Ci, update.CiAccess), (AgentAccessKinds.User, update.UserAccess) })
        {
            var projects = await ResolveAllAsync(Limit(section.Projects), path => FindProjectIdAsync(path, root, cancellationToken));
            var groups = root.Kind == NamespaceKind.Group
                ? await ResolveAllAsync(Limit(section.Groups), path => FindGroupIdAsync(path, root, cancellationToken))
                : [];
            foreach (var (isGroup, id, entry) in projects.Select(p => (false, p.Id, p.Entry)).Concat(groups.Select(g => (true, g.Id, g.Entry))))
            {
                var row = rows.TryGetValue((isGroup, id), out var existing) ? existing : new AgentAuthorization(isGroup, id, AgentAccessKinds.None, null, null);
                rows[(isGroup, id)] = kind == AgentAccessKinds.Ci
                    ? row with { Kinds = row.Kinds | kind, CiSettingsJson = entry.SettingsJson }
                    : row with { Kinds = row.Kinds | kind, UserAccessAsJson = update.UserAccessAsJson };
            }
        }

        return [.. rows.Values];
    }

    /// <summary>The first 500 entries, keyed by lower-cased path, the last of duplicates winning (Ruby's <c>index_by</c>).</summary>
    private static IReadOnlyList<AgentAccessEntry> Limit(IReadOnlyList<AgentAccessEntry>? entries)
    {
        var byPath = new Dictionary<string, AgentAccessEntry>(StringComparer.Ordinal);
        foreach (var entry in (entries ?? []).Take(EntityLimit))
        {
            byPath[entry.FullPath.ToLowerInvariant()] = entry;
        }

        return [.. byPath.Values];
    }

    /// <summary>Looks the entries up a few at a time (a configuration may list hundreds).</summary>
    private static async Task<IReadOnlyList<(long Id, AgentAccessEntry Entry)>> ResolveAllAsync(IReadOnlyList<AgentAccessEntry> entries, Func<string, Task<long?>> find)
    {
        var found = new (long Id, AgentAccessEntry Entry)?[entries.Count];
        await Parallel.ForEachAsync(Enumerable.Range(0, entries.Count), new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (i, _) =>
        {
            if (await find(entries[i].FullPath) is { } id)
            {
                found[i] = (id, entries[i]);
            }
        });
        return [.. found.OfType<(long, AgentAccessEntry)>().DistinctBy(f => f.Item1)];
    }

    private async Task<GitLabNamespace?> RootNamespaceAsync(ClusterAgent agent, CancellationToken cancellationToken)
    {
        if (await projects.GetProjectAsync(agent.ProjectId, cancellationToken) is not { } project)
        {
            return null;
        }

        var chain = await namespaces.GetNamespaceChainAsync(project.NamespaceId, cancellationToken);
        return chain.Count > 0 ? chain[^1] : null;
    }

    /// <summary>A project at that current path (GitLab's <c>where_full_path_in</c> does not follow redirects) under the root.</summary>
    private async Task<long?> FindProjectIdAsync(string path, GitLabNamespace root, CancellationToken cancellationToken) =>
        Under(path, root) && await projects.FindProjectByPathAsync(path, cancellationToken) is { Redirected: false, Project: var project } && Under(project.FullPath, root)
            ? project.Id
            : null;

    /// <summary>The root group itself or one of its descendants.</summary>
    private async Task<long?> FindGroupIdAsync(string path, GitLabNamespace root, CancellationToken cancellationToken) =>
        (string.Equals(path, root.FullPath, StringComparison.OrdinalIgnoreCase) || Under(path, root)) &&
        await namespaces.FindNamespaceByPathAsync(path, cancellationToken) is { Kind: NamespaceKind.Group } group &&
        (group.Id == root.Id || Under(group.FullPath, root))
            ? group.Id
            : null;

    private static bool Under(string path, GitLabNamespace root) =>
        path.Length > root.FullPath.Length + 1 && path.StartsWith(root.FullPath + "/", StringComparison.OrdinalIgnoreCase);
}
