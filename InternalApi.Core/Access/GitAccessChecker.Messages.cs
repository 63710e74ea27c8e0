using System.Text.RegularExpressions;
using InternalApi.Core.Data;
using InternalApi.Core.Model;

namespace InternalApi.Core.Access;

/// <summary>Create-on-push and the messages <c>/allowed</c> leaves for <c>/post_receive</c> (spec §3.1.6, §3.1.8).</summary>
public sealed partial class GitAccessChecker
{
    /// <summary>Sequence new project ids come from; the floor keeps them clear of imported ids.</summary>
    public const long CreatedProjectIdFloor = 100_000;

    private async Task<(RepositoryTarget? Target, GitAccessResult? Denial)> TryCreateProjectAsync(User user, RepositoryTarget target, CancellationToken cancellationToken)
    {
        var ns = await store.FindNamespaceByPathAsync(target.RequestedNamespace, cancellationToken);
        if (ns is null || !user.CanCreateProject)
        {
            return (null, null);
        }

        // Personal namespace: its owner. Group: Maintainer+ (GitLab's default project creation level).
        var allowed = user.Admin || (ns.Kind == NamespaceKind.User
            ? ns.OwnerId == user.Id
            : await store.GetNamespaceAccessLevelAsync(user.Id, ns.Id, cancellationToken) >= AccessLevel.Maintainer);
        if (!allowed)
        {
            return (null, null);
        }

        var path = target.RequestedPath[(target.RequestedPath.LastIndexOf('/') + 1)..];
        if (!ValidProjectPath().IsMatch(path) || path.EndsWith(".git", StringComparison.Ordinal) || path.EndsWith(".atom", StringComparison.Ordinal))
        {
            return (null, GitAccessResult.Deny(422, "Could not create project: Path can contain only letters, digits, '_', '-' and '.'. Cannot start with '-', end in '.git' or end in '.atom'"));
        }

        // The decision may still time out after this point: the creation itself must not be cut half-way.
        var id = await store.NextIdAsync("projects", CreatedProjectIdFloor, CancellationToken.None);
        var project = new Project
        {
            Id = id,
            Name = path,
            NamespaceId = ns.Id,
            FullPath = ns.FullPath + "/" + path,
            Visibility = Visibility.Private,
            CreatorId = user.Id,
            CreatedAt = time.GetUtcNow(),
        };
        await store.UpsertProjectAsync(project, CancellationToken.None);
        var created = new RepositoryTarget(RepositoryType.Project, project, project.FullPath, false);
        await store.PutMessageAsync(GitLabStore.CreatedMessageKey(user.Id, project.GlRepository), CreatedMessage(project, gitlab.Value), CancellationToken.None);
        return (created, null);
    }

    /// <summary>The "project moved" text; the remote URL is SSH for ssh pushes, HTTP otherwise.</summary>
    public static string MovedMessage(RepositoryTarget target, string protocol, GitLabOptions options)
    {
        ArgumentNullException.ThrowIfNull(target);
        ArgumentNullException.ThrowIfNull(options);
        var path = target.RepositoryPath!;
        var url = protocol == "ssh" ? $"{options.SshHost}:{path}.git" : $"{options.ExternalUrl.ToString().TrimEnd('/')}/{path}.git";
        var model = target.Type switch { RepositoryType.Wiki => "Wiki", RepositoryType.Design => "Design", _ => "Project" };
        return $"{model} '{target.RequestedPath}' was moved to '{path}'.\n\nPlease update your Git remote:\n\n  git remote set-url origin {url}";
    }

    /// <summary>The "project created" text.</summary>
    public static string CreatedMessage(Project project, GitLabOptions options)
    {
        ArgumentNullException.ThrowIfNull(project);
        ArgumentNullException.ThrowIfNull(options);
        var web = options.ExternalUrl.ToString().TrimEnd('/') + "/" + project.FullPath;
        return $"\nThe private project {project.FullPath} was successfully created.\n\nTo configure the remote, run:\n  git remote add origin {options.SshHost}:{project.FullPath}.git\n\nTo view the project, visit:\n  {web}\n\n";
    }

    [GeneratedRegex("^[A-Za-z0-9_.][A-Za-z0-9_.-]*$")]
    private static partial Regex ValidProjectPath();
}
