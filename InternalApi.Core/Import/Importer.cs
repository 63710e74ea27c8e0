
using InternalApi.Core.Data;
using InternalApi.Core.Model;
using InternalApi.Core.Storage;

namespace InternalApi.Core.Import;

/// <summary>What an import did.</summary>
public sealed record ImportResult(IReadOnlyList<string> Errors, IReadOnlyDictionary<string, int> Counts)
{
    /// <summary>True when everything was written.</summary>
    public bool Succeeded => Errors.Count == 0;
}

/// <summary>
/// Imports a file: checks references against the file and the store, writes nothing if anything is
/// wrong, then upserts every record (ids are the file's, so running it again changes nothing).
/// </summary>
public sealed class Importer(GitLabStore store, TableStorageClient tables)
{
    /// <summary>Whether the store holds no user yet (for <c>--if-empty</c>).</summary>
    public async Task<bool> StoreIsEmptyAsync(CancellationToken cancellationToken = default)
    {
        var page = await tables.QueryPageAsync(store.Tables.Users, top: 1, cancellationToken: cancellationToken);
        return page.Entities.Count == 0;
    }

    /// <summary>Validates and imports.</summary>
    public async Task<ImportResult> ImportAsync(ImportFile file, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(file);
        var errors = file.Errors.ToList();
        var userIds = file.Users.Select(u => u.User.Id).ToHashSet();
        var namespaces = new Dictionary<string, long>(StringComparer.OrdinalIgnoreCase);
        foreach (var g in file.Groups)
        {
            namespaces[g.FullPath] = g.Id;
        }

        foreach (var (user, nsId) in file.Users)
        {
            namespaces.TryAdd(user.Username, nsId ?? -user.Id);
        }

        async Task<bool> UserExistsAsync(long id) => userIds.Contains(id) || await store.GetUserAsync(id, cancellationToken) is not null;

        async Task<long?> NamespaceIdAsync(string path) =>
            namespaces.TryGetValue(path, out var id) ? id : (await store.FindNamespaceByPathAsync(path, cancellationToken))?.Id;

        for (var i = 0; i < file.Groups.Count; i++)
        {
            var g = file.Groups[i];
            var slash = g.FullPath.LastIndexOf('/');
            if (slash > 0 && await NamespaceIdAsync(g.FullPath[..slash]) is null)
            {
                errors.Add($"$.groups[{i}].path: parent group '{g.FullPath[..slash]}' is unknown");
            }
        }

        var keyIds = file.Keys.Select(k => k.Id).ToHashSet();
        for (var i = 0; i < file.Keys.Count; i++)
        {
            if (file.Keys[i].UserId is { } uid && !await UserExistsAsync(uid))
            {
                errors.Add($"$.keys[{i}].user_id: unknown user {uid}");
            }
        }

        var projectIds = file.Projects.Select(p => p.Project.Id).ToHashSet();
        async Task<bool> ProjectExistsAsync(long id) => projectIds.Contains(id) || await store.GetProjectAsync(id, cancellationToken) is not null;

        for (var i = 0; i < file.Projects.Count; i++)
        {
            if (await NamespaceIdAsync(file.Projects[i].NamespacePath) is null)
            {
                errors.Add($"$.projects[{i}].namespace: unknown namespace '{file.Projects[i].NamespacePath}'");
            }
        }

        for (var i = 0; i < file.DeployKeyProjects.Count; i++)
        {
            if (!await ProjectExistsAsync(file.DeployKeyProjects[i].ProjectId))
            {
                errors.Add($"$.deploy_keys: key {file.DeployKeyProjects[i].DeployKeyId} is enabled on unknown project {file.DeployKeyProjects[i].ProjectId}");
            }
        }

        for (var i = 0; i < file.Memberships.Count; i++)
        {
            var (userId, projectId, group, _) = file.Memberships[i];
            if (!await UserExistsAsync(userId))
            {
                errors.Add($"$.memberships[{i}].user_id: unknown user {userId}");
            }

            if (projectId is { } pid && !await ProjectExistsAsync(pid))
            {
                errors.Add($"$.memberships[{i}].project_id: unknown project {pid}");
            }

            if (group is not null && (await NamespaceIdAsync(group) is not { } gid || file.Users.Any(u => string.Equals(u.User.Username, group, StringComparison.OrdinalIgnoreCase))))
            {
                errors.Add($"$.memberships[{i}].group: unknown group '{group}'");
            }
        }

        for (var i = 0; i < file.ProtectedRefs.Count; i++)
        {
            var rule = file.ProtectedRefs[i];
            if (!await ProjectExistsAsync(rule.ProjectId))
            {
                errors.Add($"$.protected_{(rule.Kind == RefKind.Branch ? "branches" : "tags")}: rule '{rule.Pattern}' is on unknown project {rule.ProjectId}");
            }

            foreach (var dk in rule.DeployKeyIds.Where(d => !keyIds.Contains(d)))
            {
                if (await store.GetKeyAsync(dk, cancellationToken) is null)
                {
                    errors.Add($"$.protected_branches: rule '{rule.Pattern}' names unknown deploy key {dk}");
                }
            }
        }

        for (var i = 0; i < file.Tokens.Count; i++)
        {
            if (!await UserExistsAsync(file.Tokens[i].UserId))
            {
                errors.Add($"$.personal_access_tokens[{i}].user_id: unknown user {file.Tokens[i].UserId}");
            }
        }

        for (var i = 0; i < file.ErrorTrackingKeys.Count; i++)
        {
            if (!await ProjectExistsAsync(file.ErrorTrackingKeys[i].ProjectId))
            {
                errors.Add($"$.error_tracking_keys[{i}].project_id: unknown project {file.ErrorTrackingKeys[i].ProjectId}");
            }
        }

        if (errors.Count > 0)
        {
            return new ImportResult(errors, new Dictionary<string, int>());
        }

        await WriteAsync(file, cancellationToken);
        return new ImportResult([], new Dictionary<string, int>
        {
            ["users"] = file.Users.Count,
            ["groups"] = file.Groups.Count,
            ["keys"] = file.Keys.Count(k => k.Kind == SshKeyKind.User),
            ["deploy keys"] = file.Keys.Count(k => k.Kind == SshKeyKind.Deploy),
            ["projects"] = file.Projects.Count,
            ["memberships"] = file.Memberships.Count,
            ["protected refs"] = file.ProtectedRefs.Count,
            ["personal access tokens"] = file.Tokens.Count,
            ["error tracking keys"] = file.ErrorTrackingKeys.Count,
            ["broadcast messages"] = file.BroadcastMessages.Count,
        });
    }

    private async Task WriteAsync(ImportFile file, CancellationToken cancellationToken)
    {
        var floor = file.Groups.Select(g => g.Id).Concat(file.Users.Select(u => u.NamespaceId ?? 0)).DefaultIfEmpty(0).Max();
        var byPath = new Dictionary<string, GitLabNamespace>(StringComparer.OrdinalIgnoreCase);

        foreach (var (user, requested) in file.Users)
        {
            var existing = await store.GetUserAsync(user.Id, cancellationToken);
            var nsId = requested ?? existing?.NamespaceId ?? await store.NextIdAsync("namespaces", floor, cancellationToken);
            var ns = new GitLabNamespace { Id = nsId, Kind = NamespaceKind.User, Name = user.Name, FullPath = user.Username, RootId = nsId, OwnerId = user.Id };
            await store.UpsertNamespaceAsync(ns, cancellationToken);
            byPath[ns.FullPath] = ns;
            // Keep activity written by the app; the file does not carry it.
            await store.UpsertUserAsync(user with { NamespaceId = nsId, LastActivityAt = existing?.LastActivityAt }, cancellationToken);
        }

        foreach (var group in file.Groups)
        {
            var slash = group.FullPath.LastIndexOf('/');
            var parent = slash > 0 ? await ResolveNamespaceAsync(group.FullPath[..slash], byPath, cancellationToken) : null;
            var ns = group with { ParentId = parent?.Id, RootId = parent?.RootId ?? group.Id };
            await store.UpsertNamespaceAsync(ns, cancellationToken);
            byPath[ns.FullPath] = ns;
        }

        foreach (var key in file.Keys)
        {
            var existing = await store.GetKeyAsync(key.Id, cancellationToken);
            await store.UpsertKeyAsync(key with { LastUsedAt = existing?.LastUsedAt }, cancellationToken);
        }

        foreach (var (project, nsPath, redirects) in file.Projects)
        {
            var ns = (await ResolveNamespaceAsync(nsPath, byPath, cancellationToken))!;
            var existing = await store.GetProjectAsync(project.Id, cancellationToken);
            await store.UpsertProjectAsync(project with
            {
                NamespaceId = ns.Id,
                FullPath = ns.FullPath + "/" + project.Path,
                LastActivityAt = existing?.LastActivityAt,
                LastRepositoryUpdatedAt = existing?.LastRepositoryUpdatedAt,
                DefaultBranch = project.DefaultBranch ?? existing?.DefaultBranch,
            }, cancellationToken);
            foreach (var old in redirects)
            {
                await store.AddProjectRedirectAsync(old, project.Id, cancellationToken);
            }
        }

        foreach (var link in file.DeployKeyProjects)
        {
            await store.UpsertDeployKeyProjectAsync(link, cancellationToken);
        }

        foreach (var (userId, projectId, group, level) in file.Memberships)
        {
            var membership = projectId is { } pid
                ? new Membership(MemberSource.Project, pid, userId, level)
                : new Membership(MemberSource.Group, (await ResolveNamespaceAsync(group!, byPath, cancellationToken))!.Id, userId, level);
            await store.UpsertMembershipAsync(membership, cancellationToken);
        }

        foreach (var rule in file.ProtectedRefs)
        {
            await store.UpsertProtectedRefAsync(rule, cancellationToken);
        }

        foreach (var token in file.Tokens)
        {
            await store.UpsertPersonalAccessTokenAsync(token, cancellationToken);
        }

        foreach (var key in file.ErrorTrackingKeys)
        {
            await store.UpsertErrorTrackingKeyAsync(key, cancellationToken);
        }

        foreach (var message in file.BroadcastMessages)
        {
            await store.UpsertBroadcastMessageAsync(message, cancellationToken);
        }
    }

    private async Task<GitLabNamespace?> ResolveNamespaceAsync(string path, Dictionary<string, GitLabNamespace> cache, CancellationToken cancellationToken)
    {
        if (cache.TryGetValue(path, out var ns))
        {
            return ns;
        }

        ns = await store.FindNamespaceByPathAsync(path, cancellationToken);
        if (ns is not null)
        {
            cache[path] = ns;
        }

        return ns;
    }

}
