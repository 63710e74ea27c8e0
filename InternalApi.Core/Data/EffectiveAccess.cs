using InternalApi.Core.Model;

namespace InternalApi.Core.Data;

/// <summary>What an access check knows about an actor and an existing project.</summary>
/// <param name="Chain">The project's namespace and its ancestors, nearest first (the last is the top-level namespace).</param>
/// <param name="Level">The user's effective access level (<see cref="AccessLevel.NoAccess"/> without a user).</param>
/// <param name="DeployKeyLink">The deploy key's enablement on the project, when a deploy key was given and is enabled there.</param>
public sealed record ProjectAccessFacts(IReadOnlyList<GitLabNamespace> Chain, AccessLevel Level, DeployKeyProject? DeployKeyLink);

/// <summary>
/// A user's effective access to projects and namespaces, as GitLab computes it: the highest of the direct
/// membership and the memberships of every ancestor group, Owner for the owner of a personal namespace. It
/// reads namespaces, memberships and deploy-key links together, so an access check costs as few round trips
/// as the chain's depth allows.
/// </summary>
public sealed class EffectiveAccess(NamespaceStore namespaces, MembershipStore members, SshKeyStore keys)
{
    /// <summary>
    /// The user's effective access to a project: the highest of the direct project membership and the
    /// memberships of the project's group and every ancestor group (inherited), as GitLab computes it.
    /// The owner of a personal namespace is Owner of its projects.
    /// </summary>
    public async Task<AccessLevel> GetProjectAccessLevelAsync(long userId, Project project, CancellationToken cancellationToken = default) =>
        (await GetProjectAccessFactsAsync(project, userId, null, cancellationToken)).Level;

    /// <summary>
    /// What an access check reads about an existing project, with as few round trips as the data allows:
    /// the direct project membership (of <paramref name="userId"/>), the deploy key's enablement (of
    /// <paramref name="deployKeyId"/>) and the namespace chain with the user's group memberships all start
    /// together; up the chain, each level's namespace and membership rows are read together.
    /// </summary>
    public async Task<ProjectAccessFacts> GetProjectAccessFactsAsync(Project project, long? userId, long? deployKeyId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(project);
        var direct = userId is { } uid ? members.GetMembershipAsync(MemberSource.Project, project.Id, uid, cancellationToken) : Task.FromResult<AccessLevel?>(null);
        var link = deployKeyId is { } kid ? keys.GetDeployKeyProjectAsync(kid, project.Id, cancellationToken) : Task.FromResult<DeployKeyProject?>(null);
        var chain = GetMemberChainAsync(project.NamespaceId, userId, cancellationToken);
        await Task.WhenAll(direct, link, chain);

        var levels = await chain;
        var best = AccessLevel.NoAccess;
        if (userId is { } user)
        {
            best = await direct ?? AccessLevel.NoAccess;
            foreach (var (ns, membership) in levels)
            {
                if (ns.Kind == NamespaceKind.User)
                {
                    if (ns.OwnerId == user)
                    {
                        best = AccessLevel.Owner;
                    }

                    continue;
                }

                if (membership is { } level && level > best)
                {
                    best = level;
                }
            }
        }

        return new ProjectAccessFacts([.. levels.Select(l => l.Namespace)], best, await link);
    }

    /// <summary>Effective access to a namespace (group memberships up the chain; owner of a user namespace).</summary>
    public async Task<AccessLevel> GetNamespaceAccessLevelAsync(long userId, long namespaceId, CancellationToken cancellationToken = default)
    {
        var best = AccessLevel.NoAccess;
        foreach (var (ns, membership) in await GetMemberChainAsync(namespaceId, userId, cancellationToken))
        {
            if (ns.Kind == NamespaceKind.User)
            {
                best = ns.OwnerId == userId ? AccessLevel.Owner : best;
            }
            else if (membership is { } level && level > best)
            {
                best = level;
            }
        }

        return best;
    }

    /// <summary>
    /// The namespace and its ancestors, nearest first, each with the user's direct group membership (null
    /// without a user). A level's membership row is read together with its namespace row, before the kind is
    /// known: for a personal namespace that read is wasted and its answer ignored (memberships belong to groups).
    /// </summary>
    private async Task<IReadOnlyList<(GitLabNamespace Namespace, AccessLevel? Membership)>> GetMemberChainAsync(long namespaceId, long? userId, CancellationToken cancellationToken)
    {
        var chain = new List<(GitLabNamespace, AccessLevel?)>();
        long? next = namespaceId;
        while (next is { } id && chain.Count < NamespaceStore.MaxDepth)
        {
            var ns = namespaces.GetNamespaceAsync(id, cancellationToken);
            var membership = userId is { } uid ? members.GetMembershipAsync(MemberSource.Group, id, uid, cancellationToken) : Task.FromResult<AccessLevel?>(null);
            await Task.WhenAll(ns, membership);
            if (await ns is not { } found)
            {
                break;
            }

            chain.Add((found, found.Kind == NamespaceKind.Group ? await membership : null));
            next = found.ParentId;
        }

        return chain;
    }
}
