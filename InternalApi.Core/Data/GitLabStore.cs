using Azure;
using Azure.Data.Tables;
using InternalApi.Core.Model;
using InternalApi.Core.Storage;
using static InternalApi.Core.Data.EntityMapping;

namespace InternalApi.Core.Data;

/// <summary>A project found by path, and whether the path was an old (redirected) one.</summary>
public sealed record ProjectLookup(Project Project, bool Redirected);

/// <summary>What an access check knows about an actor and an existing project.</summary>
/// <param name="Chain">The project's namespace and its ancestors, nearest first (the last is the top-level namespace).</param>
/// <param name="Level">The user's effective access level (<see cref="AccessLevel.NoAccess"/> without a user).</param>
/// <param name="DeployKeyLink">The deploy key's enablement on the project, when a deploy key was given and is enabled there.</param>
public sealed record ProjectAccessFacts(IReadOnlyList<GitLabNamespace> Chain, AccessLevel Level, DeployKeyProject? DeployKeyLink);

/// <summary>
/// Reads and writes GitLab's entities in Table storage. Reads on the hot paths are point reads;
/// index rows (username, fingerprint, paths) are written alongside their entity. Writers that
/// read-modify-write use ETag-conditional updates with retry.
/// </summary>
public sealed partial class GitLabStore(GitLabTables names, TimeProvider time)
{
    private const int MaxConcurrencyRetries = 20;
    private readonly NamespaceTree _tree = new(names);

    /// <summary>Table names in use.</summary>
    public GitLabTables Tables => names;

    // ---- users ----

    /// <summary>User by id, or null.</summary>
    public async Task<User?> GetUserAsync(long id, CancellationToken cancellationToken = default) =>
        await names.Users.FindAsync(Id(id), "", cancellationToken: cancellationToken) is { } e ? ToUser(e) : null;

    /// <summary>User by username (case-insensitive), or null.</summary>
    public async Task<User?> FindUserByUsernameAsync(string username, CancellationToken cancellationToken = default)
    {
        if (string.IsNullOrWhiteSpace(username))
        {
            return null;
        }

        var index = await names.UsernameIndex.FindAsync(PathKey(username), "", cancellationToken: cancellationToken);
        return index?.GetInt64("UserId") is { } id ? await GetUserAsync(id, cancellationToken) : null;
    }

    /// <summary>User by primary e-mail (case-insensitive), or null; an index row left by a changed e-mail finds nobody.</summary>
    public async Task<User?> FindUserByEmailAsync(string email, CancellationToken cancellationToken = default)
    {
        if (string.IsNullOrWhiteSpace(email))
        {
            return null;
        }

        var index = await names.UserEmails.FindAsync(PathKey(email), "", cancellationToken: cancellationToken);
        return index?.GetInt64("UserId") is { } id && await GetUserAsync(id, cancellationToken) is { } user &&
            string.Equals(user.Email?.Trim(), email.Trim(), StringComparison.OrdinalIgnoreCase)
            ? user
            : null;
    }

    /// <summary>Creates or replaces a user and its username index, and the fingerprint rows of its keys when its name changes.</summary>
    public async Task UpsertUserAsync(User user, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(user);
        var previous = await GetUserAsync(user.Id, cancellationToken);
        await names.Users.UpsertEntityAsync(ToEntity(user), TableUpdateMode.Replace, cancellationToken);
        await names.UsernameIndex.UpsertEntityAsync(new TableEntity(PathKey(user.Username), "") { ["UserId"] = user.Id }, TableUpdateMode.Replace, cancellationToken);
        if (previous is not null && !string.Equals(previous.Username, user.Username, StringComparison.OrdinalIgnoreCase))
        {
            await names.UsernameIndex.DeleteEntityAsync(PathKey(previous.Username), "", cancellationToken: cancellationToken);
        }

        if (!string.IsNullOrWhiteSpace(user.Email))
        {
            await names.UserEmails.UpsertEntityAsync(new TableEntity(PathKey(user.Email), "") { ["UserId"] = user.Id }, TableUpdateMode.Replace, cancellationToken);
        }

        if (!string.IsNullOrWhiteSpace(previous?.Email) && !string.Equals(previous.Email, user.Email, StringComparison.OrdinalIgnoreCase))
        {
            await names.UserEmails.DeleteEntityAsync(PathKey(previous.Email), "", cancellationToken: cancellationToken);
        }

        // The fingerprint rows carry the display name (and, for a user that did not exist, whether it does):
        // nothing else of the user is in them, so other changes (state, username, flags) leave them as they are.
        if (previous is null || previous.Name != user.Name)
        {
            await RefreshFingerprintsOfUserAsync(user.Id, cancellationToken);
        }
    }

    /// <summary>
    /// Records the user's activity, at most once per UTC day as GitLab does (its activity is a date), so the
    /// hot path writes once a day per user instead of on every pull. A merge: no read needed.
    /// </summary>
    public Task TouchUserActivityAsync(User user, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(user);
        var now = time.GetUtcNow();
        return user.LastActivityAt is { } seen && seen.UtcDateTime.Date == now.UtcDateTime.Date
            ? Task.CompletedTask
            : names.Users.MergeIfExistsAsync(new TableEntity(Id(user.Id), "") { ["LastActivityAt"] = now }, cancellationToken);
    }

    /// <summary>Sets only the user's state (a merge: nothing else of the user is rewritten); false when the user is gone.</summary>
    public Task<bool> SetUserStateAsync(long userId, UserState state, CancellationToken cancellationToken = default) =>
        names.Users.MergeIfExistsAsync(new TableEntity(Id(userId), "") { ["State"] = state.ToString() }, cancellationToken);

    /// <summary>Replaces the user's recovery code digests (the previous codes stop working).</summary>
    public Task ReplaceRecoveryCodesAsync(long userId, IReadOnlyList<string> digests, CancellationToken cancellationToken = default) =>
        names.Users.MergeIfExistsAsync(new TableEntity(Id(userId), "") { ["RecoveryCodeDigests"] = Join(digests) }, cancellationToken);

    // ---- keys ----

    /// <summary>Key by id, or null.</summary>
    public async Task<SshKey?> GetKeyAsync(long id, CancellationToken cancellationToken = default) =>
        await names.SshKeys.FindAsync(Id(id), "", cancellationToken: cancellationToken) is { } e ? ToKey(e) : null;

    /// <summary>Key by SHA-256 fingerprint (unpadded base64), or null.</summary>
    public async Task<SshKey?> FindKeyByFingerprintAsync(string fingerprint, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(fingerprint);
        var index = await names.SshKeyFingerprints.FindAsync(TableKey.Encode(fingerprint), "", cancellationToken: cancellationToken);
        return index?.GetInt64("KeyId") is { } id ? await GetKeyAsync(id, cancellationToken) : null;
    }

    /// <summary>
    /// Creates or replaces a key (user key or deploy key) and its fingerprint row; a changed fingerprint
    /// removes the old row, a changed owner moves the key to the new owner's list.
    /// </summary>
    public async Task UpsertKeyAsync(SshKey key, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(key);
        var previous = await GetKeyAsync(key.Id, cancellationToken);
        await names.SshKeys.UpsertEntityAsync(ToEntity(key), TableUpdateMode.Replace, cancellationToken);

        // Listed under the owner before the row is derived, so that a concurrent change of the owner finds the key.
        if (key.UserId is { } userId)
        {
            await names.UserSshKeys.UpsertEntityAsync(new TableEntity(Id(userId), Id(key.Id)), TableUpdateMode.Replace, cancellationToken);
        }

        await RefreshFingerprintAsync(key.Fingerprint, key.Id, claim: true, cancellationToken);
        if (previous is not null && previous.Fingerprint != key.Fingerprint)
        {
            await RefreshFingerprintAsync(previous.Fingerprint, key.Id, claim: false, cancellationToken);
        }

        if (previous?.UserId is { } previousUserId && previousUserId != key.UserId)
        {
            await names.UserSshKeys.DeleteEntityAsync(Id(previousUserId), Id(key.Id), cancellationToken: cancellationToken);
        }
    }

    /// <summary>How often a key's last use is recorded (GitLab's key last-used service: once a day).</summary>
    public static readonly TimeSpan KeyUseRecordInterval = TimeSpan.FromDays(1);

    /// <summary>Records key use when the recorded one is older than <see cref="KeyUseRecordInterval"/> (a merge: no read needed).</summary>
    public Task TouchKeyUsedAsync(SshKey key, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(key);
        var now = time.GetUtcNow();
        return key.LastUsedAt is { } used && now - used < KeyUseRecordInterval
            ? Task.CompletedTask
            : names.SshKeys.MergeIfExistsAsync(new TableEntity(Id(key.Id), "") { ["LastUsedAt"] = now }, cancellationToken);
    }

    /// <summary>Deploy key enablement for a project, or null when the key is not enabled there.</summary>
    public async Task<DeployKeyProject?> GetDeployKeyProjectAsync(long deployKeyId, long projectId, CancellationToken cancellationToken = default) =>
        await names.DeployKeyProjects.FindAsync(Id(deployKeyId), Id(projectId), cancellationToken: cancellationToken) is { } e
            ? new DeployKeyProject(deployKeyId, projectId, e.GetBoolean("CanPush") ?? false)
            : null;

    /// <summary>Enables a deploy key for a project.</summary>
    public Task UpsertDeployKeyProjectAsync(DeployKeyProject link, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(link);
        return names.DeployKeyProjects.UpsertEntityAsync(new TableEntity(Id(link.DeployKeyId), Id(link.ProjectId)) { ["CanPush"] = link.CanPush }, TableUpdateMode.Replace, cancellationToken);
    }

    // ---- namespaces ----

    /// <summary>GitLabNamespace by id, or null.</summary>
    public async Task<GitLabNamespace?> GetNamespaceAsync(long id, CancellationToken cancellationToken = default) =>
        await names.Namespaces.FindAsync(Id(id), "", cancellationToken: cancellationToken) is { } e ? ToNamespace(e) : null;

    /// <summary>GitLabNamespace by full path (case-insensitive), or null.</summary>
    public async Task<GitLabNamespace?> FindNamespaceByPathAsync(string fullPath, CancellationToken cancellationToken = default)
    {
        if (string.IsNullOrWhiteSpace(fullPath))
        {
            return null;
        }

        var index = await names.NamespacePaths.FindAsync(PathKey(fullPath), "", cancellationToken: cancellationToken);
        return index?.GetInt64("NamespaceId") is { } id ? await GetNamespaceAsync(id, cancellationToken) : null;
    }

    /// <summary>
    /// Creates or replaces a namespace, its path index and its place in the tree index under its top-level namespace
    /// (moving what is below it when it changed root).
    /// </summary>
    public async Task UpsertNamespaceAsync(GitLabNamespace ns, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(ns);
        var previous = await GetNamespaceAsync(ns.Id, cancellationToken);
        await names.Namespaces.UpsertEntityAsync(ToEntity(ns), TableUpdateMode.Replace, cancellationToken);
        await names.NamespacePaths.UpsertEntityAsync(new TableEntity(PathKey(ns.FullPath), "") { ["NamespaceId"] = ns.Id }, TableUpdateMode.Replace, cancellationToken);
        await _tree.PutNamespaceAsync(ns, previous, cancellationToken);
    }

    /// <summary>The namespace and its ancestors, nearest first.</summary>
    public async Task<IReadOnlyList<GitLabNamespace>> GetNamespaceChainAsync(long namespaceId, CancellationToken cancellationToken = default)
    {
        var chain = new List<GitLabNamespace>();
        long? next = namespaceId;
        while (next is { } id && chain.Count < 32 && await GetNamespaceAsync(id, cancellationToken) is { } ns)
        {
            chain.Add(ns);
            next = ns.ParentId;
        }

        return chain;
    }

    // ---- projects ----

    /// <summary>Project by id, or null.</summary>
    public async Task<Project?> GetProjectAsync(long id, CancellationToken cancellationToken = default) =>
        await names.Projects.FindAsync(Id(id), "", cancellationToken: cancellationToken) is { } e ? ToProject(e) : null;

    /// <summary>Project by full path (case-insensitive), following redirects of renamed/moved projects.</summary>
    public async Task<ProjectLookup?> FindProjectByPathAsync(string fullPath, CancellationToken cancellationToken = default)
    {
        if (string.IsNullOrWhiteSpace(fullPath))
        {
            return null;
        }

        var route = await names.ProjectRoutes.FindAsync(PathKey(fullPath), "", cancellationToken: cancellationToken);
        if (route?.GetInt64("ProjectId") is not { } id || await GetProjectAsync(id, cancellationToken) is not { } project)
        {
            return null;
        }

        var redirected = !string.Equals(project.FullPath, fullPath.Trim('/'), StringComparison.OrdinalIgnoreCase);
        return new ProjectLookup(project, redirected);
    }

    /// <summary>
    /// Creates or replaces a project, its route and its row in the tree index under its top-level namespace. When an existing project's path changes, the
    /// old path keeps resolving as a redirect, as GitLab keeps routes of moved projects.
    /// </summary>
    public async Task UpsertProjectAsync(Project project, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(project);
        var previousRead = GetProjectAsync(project.Id, cancellationToken);
        var namespaceRead = GetNamespaceAsync(project.NamespaceId, cancellationToken);
        var previous = await previousRead;
        var root = await namespaceRead is { } ns ? NamespaceTree.RootOf(ns) : project.NamespaceId;
        long? previousRoot = previous is null ? null
            : previous.NamespaceId == project.NamespaceId ? root
            : await GetNamespaceAsync(previous.NamespaceId, cancellationToken) is { } old ? NamespaceTree.RootOf(old) : previous.NamespaceId;
        await names.Projects.UpsertEntityAsync(ToEntity(project), TableUpdateMode.Replace, cancellationToken);
        await _tree.PutProjectAsync(project, root, previousRoot, cancellationToken);
        await names.ProjectRoutes.UpsertEntityAsync(new TableEntity(PathKey(project.FullPath), "") { ["ProjectId"] = project.Id, ["Redirect"] = false }, TableUpdateMode.Replace, cancellationToken);
        if (previous is not null && !string.Equals(previous.FullPath, project.FullPath, StringComparison.OrdinalIgnoreCase))
        {
            await AddProjectRedirectAsync(previous.FullPath, project.Id, cancellationToken);
        }
    }

    /// <summary>Makes <paramref name="oldPath"/> resolve to the project.</summary>
    public Task AddProjectRedirectAsync(string oldPath, long projectId, CancellationToken cancellationToken = default) =>
        names.ProjectRoutes.UpsertEntityAsync(new TableEntity(PathKey(oldPath), "") { ["ProjectId"] = projectId, ["Redirect"] = true }, TableUpdateMode.Replace, cancellationToken);

    /// <summary>Merges repository activity fields into a project.</summary>
    public Task UpdateProjectActivityAsync(long projectId, DateTimeOffset at, bool repositoryUpdated, string? defaultBranch = null, CancellationToken cancellationToken = default)
    {
        var patch = new TableEntity(Id(projectId), "") { ["LastActivityAt"] = at };
        if (repositoryUpdated)
        {
            patch["LastRepositoryUpdatedAt"] = at;
        }

        if (defaultBranch is not null)
        {
            patch["DefaultBranch"] = defaultBranch;
        }

        return names.Projects.MergeIfExistsAsync(patch, cancellationToken);
    }

    // ---- membership ----

    /// <summary>Direct membership access level, or null.</summary>
    public async Task<AccessLevel?> GetMembershipAsync(MemberSource source, long sourceId, long userId, CancellationToken cancellationToken = default) =>
        await names.Members.FindAsync(SourceKey(source, sourceId), Id(userId), cancellationToken: cancellationToken) is { } e && e.GetInt32("AccessLevel") is { } level
            ? (AccessLevel)level
            : null;

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
        var direct = userId is { } uid ? GetMembershipAsync(MemberSource.Project, project.Id, uid, cancellationToken) : Task.FromResult<AccessLevel?>(null);
        var link = deployKeyId is { } kid ? GetDeployKeyProjectAsync(kid, project.Id, cancellationToken) : Task.FromResult<DeployKeyProject?>(null);
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
        while (next is { } id && chain.Count < 32)
        {
            var ns = GetNamespaceAsync(id, cancellationToken);
            var membership = userId is { } uid ? GetMembershipAsync(MemberSource.Group, id, uid, cancellationToken) : Task.FromResult<AccessLevel?>(null);
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

    // ---- protected refs ----

    /// <summary>The project's protected branch and tag rules.</summary>
    public async Task<IReadOnlyList<ProtectedRef>> GetProtectedRefsAsync(long projectId, CancellationToken cancellationToken = default)
    {
        var list = new List<ProtectedRef>();
        await foreach (var e in names.ProtectedRefs.QueryAsync<TableEntity>(TableClient.CreateQueryFilter($"PartitionKey eq {Id(projectId)}"), cancellationToken: cancellationToken))
        {
            list.Add(ToProtectedRef(e));
        }

        return list;
    }

    /// <summary>Creates or replaces a protected branch/tag rule.</summary>
    public Task UpsertProtectedRefAsync(ProtectedRef rule, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(rule);
        return names.ProtectedRefs.UpsertEntityAsync(ToEntity(rule), TableUpdateMode.Replace, cancellationToken);
    }

    // ---- personal access tokens ----

    /// <summary>Token by digest, or null.</summary>
    public async Task<PersonalAccessToken?> FindPersonalAccessTokenAsync(string digest, CancellationToken cancellationToken = default) =>
        await names.PersonalAccessTokens.FindAsync(digest, "", cancellationToken: cancellationToken) is { } e ? ToToken(e) : null;

    /// <summary>Stores a token (insert-or-replace by digest, so an import can be re-run).</summary>
    public Task UpsertPersonalAccessTokenAsync(PersonalAccessToken token, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(token);
        return names.PersonalAccessTokens.UpsertEntityAsync(ToEntity(token), TableUpdateMode.Replace, cancellationToken);
    }

    // ---- error tracking ----

    /// <summary>An error-tracking client key, or null.</summary>
    public async Task<ErrorTrackingClientKey?> GetErrorTrackingKeyAsync(long projectId, string publicKey, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(publicKey);
        return await names.ErrorTrackingKeys.FindAsync(Id(projectId), TableKey.Encode(publicKey), cancellationToken: cancellationToken) is { } e
            ? new ErrorTrackingClientKey(projectId, publicKey, e.GetBoolean("Active") ?? false)
            : null;
    }

    /// <summary>Creates or replaces an error-tracking client key.</summary>
    public Task UpsertErrorTrackingKeyAsync(ErrorTrackingClientKey key, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(key);
        return names.ErrorTrackingKeys.UpsertEntityAsync(new TableEntity(Id(key.ProjectId), TableKey.Encode(key.PublicKey)) { ["Active"] = key.Active }, TableUpdateMode.Replace, cancellationToken);
    }

    // ---- sequences ----

    /// <summary>
    /// Allocates the next id of a sequence (ETag-conditional increment). <paramref name="floor"/> keeps
    /// allocated ids above ids that arrived by import.
    /// </summary>
    public async Task<long> NextIdAsync(string sequence, long floor = 0, CancellationToken cancellationToken = default)
    {
        for (var attempt = 0; attempt < MaxConcurrencyRetries * 5; attempt++)
        {
            var current = await names.Sequences.FindAsync("sequence", sequence, cancellationToken: cancellationToken);
            if (current is null)
            {
                try
                {
                    var first = Math.Max(1, floor + 1);
                    await names.Sequences.AddEntityAsync(new TableEntity("sequence", sequence) { ["Next"] = first + 1 }, cancellationToken);
                    return first;
                }
                catch (RequestFailedException ex) when (ex.IsConcurrencyConflict())
                {
                    continue;
                }
            }

            var next = Math.Max(current.GetInt64("Next") ?? 1, floor + 1);
            current["Next"] = next + 1;
            try
            {
                await names.Sequences.UpdateEntityAsync(current, current.ETag, TableUpdateMode.Replace, cancellationToken);
                return next;
            }
            catch (RequestFailedException ex) when (ex.IsConcurrencyConflict())
            {
                // Someone else took this id; read again.
            }
        }

        throw new InvalidOperationException($"Could not allocate an id from sequence '{sequence}' under contention.");
    }

    /// <summary>
    /// Makes sure <see cref="NextIdAsync"/> never hands out <paramref name="upTo"/> or a smaller id (ids that
    /// arrived by import). Writes only when the sequence is not already past it, so repeating it changes nothing.
    /// </summary>
    public async Task ReserveIdsAsync(string sequence, long upTo, CancellationToken cancellationToken = default)
    {
        if (upTo <= 0)
        {
            return;
        }

        for (var attempt = 0; attempt < MaxConcurrencyRetries * 5; attempt++)
        {
            var current = await names.Sequences.FindAsync("sequence", sequence, cancellationToken: cancellationToken);
            try
            {
                if (current is null)
                {
                    await names.Sequences.AddEntityAsync(new TableEntity("sequence", sequence) { ["Next"] = upTo + 1 }, cancellationToken);
                }
                else if ((current.GetInt64("Next") ?? 1) <= upTo)
                {
                    current["Next"] = upTo + 1;
                    await names.Sequences.UpdateEntityAsync(current, current.ETag, TableUpdateMode.Replace, cancellationToken);
                }

                return;
            }
            catch (RequestFailedException ex) when (ex.IsConcurrencyConflict())
            {
                // Someone allocated meanwhile; read again.
            }
        }

        throw new InvalidOperationException($"Could not reserve ids of sequence '{sequence}' under contention.");
    }
}
