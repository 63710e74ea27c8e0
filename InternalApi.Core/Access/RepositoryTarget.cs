using System.Globalization;
using InternalApi.Core.Data;
using InternalApi.Core.Identity;
using InternalApi.Core.Model;

namespace InternalApi.Core.Access;

/// <summary>Kind of repository a path or identifier names.</summary>
public enum RepositoryType
{
    /// <summary>A project's main repository.</summary>
    Project,

    /// <summary>A project wiki (<c>.wiki</c>, <c>wiki-N</c>).</summary>
    Wiki,

    /// <summary>A design repository (<c>.design</c>, <c>design-N</c>).</summary>
    Design,

    /// <summary>A snippet (<c>snippets/N</c>, <c>snippet-N</c>): not hosted here, always "not found".</summary>
    Snippet,
}

/// <summary>
/// The repository a request names. <see cref="Project"/> is null when nothing was found;
/// <see cref="RequestedPath"/> keeps the path as asked (without <c>.git</c>/suffix) for create-on-push
/// and the "moved" message.
/// </summary>
public sealed record RepositoryTarget(RepositoryType Type, Project? Project, string RequestedPath, bool Redirected)
{
    /// <summary>The repository identifier: <c>project-N</c>, <c>wiki-N</c>, <c>design-N</c>.</summary>
    public string? GlRepository => Project is null ? null : Type switch
    {
        RepositoryType.Wiki => "wiki-" + Project.Id.ToString(CultureInfo.InvariantCulture),
        RepositoryType.Design => "design-" + Project.Id.ToString(CultureInfo.InvariantCulture),
        _ => Project.GlRepository,
    };

    /// <summary><c>gl_project_path</c>: the repository's full path (<c>group/project.wiki</c> for wikis).</summary>
    public string? RepositoryPath => Project is null ? null : Type switch
    {
        RepositoryType.Wiki => Project.FullPath + ".wiki",
        RepositoryType.Design => Project.FullPath + ".design",
        _ => Project.FullPath,
    };

    /// <summary>Gitaly relative path of the repository on disk.</summary>
    public string? DiskPath => Project is null ? null : Type switch
    {
        RepositoryType.Wiki => Project.HashedPath(Project.Id) + ".wiki.git",
        RepositoryType.Design => Project.HashedPath(Project.Id) + ".design.git",
        _ => Project.DiskPath,
    };

    /// <summary>Namespace part of the requested path (everything before the last <c>/</c>), empty when none.</summary>
    public string RequestedNamespace => RequestedPath.Contains('/', StringComparison.Ordinal) ? RequestedPath[..RequestedPath.LastIndexOf('/')] : "";
}

/// <summary>
/// Resolves <c>gl_repository</c> (which wins) or <c>project</c> as GitLab does: leading <c>/</c> and trailing
/// <c>.git</c> stripped, <c>.wiki</c>/<c>.design</c> suffixes and <c>snippets/N</c> recognised, old paths of
/// moved projects followed. A malformed identifier resolves to nothing (404), never to an error.
/// </summary>
public sealed class RepositoryResolver(ProjectStore projects)
{
    /// <summary>Resolves the repository.</summary>
    public async Task<RepositoryTarget> ResolveAsync(string? projectPath, string? glRepository, CancellationToken cancellationToken = default)
    {
        if (!string.IsNullOrWhiteSpace(glRepository))
        {
            return await FromIdentifierAsync(glRepository.Trim(), cancellationToken);
        }

        var path = (projectPath ?? "").Trim().TrimStart('/');
        if (path.EndsWith(".git", StringComparison.OrdinalIgnoreCase))
        {
            path = path[..^4];
        }

        if (path.StartsWith("snippets/", StringComparison.Ordinal) || path.Contains("/snippets/", StringComparison.Ordinal))
        {
            return new RepositoryTarget(RepositoryType.Snippet, null, path, false);
        }

        var type = RepositoryType.Project;
        if (path.EndsWith(".wiki", StringComparison.Ordinal))
        {
            type = RepositoryType.Wiki;
            path = path[..^5];
        }
        else if (path.EndsWith(".design", StringComparison.Ordinal))
        {
            type = RepositoryType.Design;
            path = path[..^7];
        }

        if (path.Length == 0)
        {
            return new RepositoryTarget(type, null, path, false);
        }

        var found = await projects.FindProjectByPathAsync(path, cancellationToken);
        return new RepositoryTarget(type, found?.Project, path, found?.Redirected ?? false);
    }

    private async Task<RepositoryTarget> FromIdentifierAsync(string identifier, CancellationToken cancellationToken)
    {
        var dash = identifier.LastIndexOf('-');
        var prefix = dash > 0 ? identifier[..dash] : identifier;
        var type = prefix switch
        {
            "project" => RepositoryType.Project,
            "wiki" => RepositoryType.Wiki,
            "design" => RepositoryType.Design,
            "snippet" => RepositoryType.Snippet,
            _ => (RepositoryType?)null,
        };
        if (type is null or RepositoryType.Snippet || ActorResolver.ParseId(identifier[(dash + 1)..]) is not { } id)
        {
            return new RepositoryTarget(type ?? RepositoryType.Project, null, "", false);
        }

        var project = await projects.GetProjectAsync(id, cancellationToken);
        return new RepositoryTarget(type.Value, project, project?.FullPath ?? "", false);
    }
}
