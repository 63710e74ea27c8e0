using Azure.Data.Tables;
using InternalApi.Core.Model;
using InternalApi.Core.Storage;
using static InternalApi.Core.Data.EntityMapping;

namespace InternalApi.Core.Data;

/// <summary>A project found by path, and whether the path was an old (redirected) one.</summary>
public sealed record ProjectLookup(Project Project, bool Redirected);

/// <summary>
/// Projects, their routes (current paths and redirects from old ones), their rows in the tree index under their
/// top-level namespace (<see cref="NamespaceTree"/>) and their repository activity.
/// </summary>
public sealed class ProjectStore(GitLabTables names, NamespaceStore namespaces, NamespaceTree tree)
{
    /// <summary>Project by id, or null.</summary>
    public async Task<Project?> GetProjectAsync(long id, CancellationToken cancellationToken = default) =>
        await names.Projects.FindSpreadAsync(Id(id), cancellationToken: cancellationToken) is { } e ? ToProject(e) : null;

    /// <summary>Project by full path (case-insensitive), following redirects of renamed/moved projects.</summary>
    public async Task<ProjectLookup?> FindProjectByPathAsync(string fullPath, CancellationToken cancellationToken = default)
    {
        if (string.IsNullOrWhiteSpace(fullPath))
        {
            return null;
        }

        var route = await names.ProjectRoutes.FindSpreadAsync(PathKey(fullPath), cancellationToken: cancellationToken);
        if (route?.GetInt64("ProjectId") is not { } id || await GetProjectAsync(id, cancellationToken) is not { } project)
        {
            return null;
        }

        var redirected = !string.Equals(project.FullPath, fullPath.Trim('/'), StringComparison.OrdinalIgnoreCase);
        return new ProjectLookup(project, redirected);
    }

    /// <summary>
    /// Creates or replaces a project, its route and its row in the tree index under its top-level namespace: the one
    /// writer of projects. When an existing project's path changes, the old path keeps resolving as a redirect, as
    /// GitLab keeps routes of moved projects.
    /// </summary>
    public async Task UpsertProjectAsync(Project project, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(project);
        var previousRead = GetProjectAsync(project.Id, cancellationToken);
        var namespaceRead = namespaces.GetNamespaceAsync(project.NamespaceId, cancellationToken);
        var previous = await previousRead;
        var root = await namespaceRead is { } ns ? NamespaceTree.RootOf(ns) : project.NamespaceId;
        long? previousRoot = previous is null ? null
            : previous.NamespaceId == project.NamespaceId ? root
            : await namespaces.GetNamespaceAsync(previous.NamespaceId, cancellationToken) is { } old ? NamespaceTree.RootOf(old) : previous.NamespaceId;
        await names.Projects.UpsertEntityAsync(ToEntity(project), TableUpdateMode.Replace, cancellationToken);
        await tree.PutProjectAsync(project, root, previousRoot, cancellationToken);
        await names.ProjectRoutes.UpsertEntityAsync(RouteRow(PathKey(project.FullPath), project.Id, redirect: false), TableUpdateMode.Replace, cancellationToken);
        if (previous is not null && !string.Equals(previous.FullPath, project.FullPath, StringComparison.OrdinalIgnoreCase))
        {
            await AddProjectRedirectAsync(previous.FullPath, project.Id, cancellationToken);
        }
    }

    /// <summary>Makes <paramref name="oldPath"/> resolve to the project.</summary>
    public Task AddProjectRedirectAsync(string oldPath, long projectId, CancellationToken cancellationToken = default) =>
        names.ProjectRoutes.UpsertEntityAsync(RouteRow(PathKey(oldPath), projectId, redirect: true), TableUpdateMode.Replace, cancellationToken);

    /// <summary>Merges repository activity fields into a project.</summary>
    public Task UpdateProjectActivityAsync(long projectId, DateTimeOffset at, bool repositoryUpdated, string? defaultBranch = null, CancellationToken cancellationToken = default)
    {
        var patch = Spread.Row(Id(projectId), "LastActivityAt", at);
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
}
