using InternalApi.Core.Data;
using InternalApi.Core.Model;

namespace InternalApi.Core.Access;

/// <summary>
/// A project to create on push (spec §3.1.6), decided during the check but written only once the whole
/// check has passed, so a denial or a timeout leaves nothing behind.
/// </summary>
/// <param name="Project">The project (its id is allocated at creation).</param>
/// <param name="Creator">The pushing user.</param>
/// <param name="CreatorLevel">The creator's access to the new project.</param>
/// <param name="AddCreatorAsMaintainer">Creating in a group where the creator is below Maintainer: GitLab makes them Maintainer of the project.</param>
public sealed record ProjectCreationPlan(Project Project, User Creator, AccessLevel CreatorLevel, bool AddCreatorAsMaintainer);

/// <summary>Plans and performs create-on-push.</summary>
public sealed class ProjectCreation(
    NamespaceStore namespaces,
    ProjectStore projects,
    MembershipStore members,
    EffectiveAccess effectiveAccess,
    SequenceStore sequences,
    TimeProvider time)
{
    /// <summary>Ids of created projects start above this, clear of ids that arrive by import.</summary>
    public const long ProjectIdFloor = 100_000;

    private const string PathRule = "Path can contain only letters, digits, '_', '-' and '.'. Cannot start with '-', end in '.git' or end in '.atom'";
    private const string NameRule = "Name can contain only letters, digits, emoji, '_', '.', '+', dashes, or spaces. It must start with a letter, digit, emoji, or '_'.";

    /// <summary>
    /// The plan when <paramref name="user"/> may create a project at <paramref name="requestedPath"/>: the
    /// namespace (everything before the last <c>/</c>) exists and is the user's own namespace or a group where
    /// the user is Developer or higher (GitLab's default project creation level, "Developers + Maintainers");
    /// admins may create anywhere. Null when creation does not apply (then the push ends in 404).
    /// </summary>
    public async Task<ProjectCreationPlan?> PlanAsync(User user, string requestedPath, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(user);
        ArgumentNullException.ThrowIfNull(requestedPath);
        var slash = requestedPath.LastIndexOf('/');
        if (slash <= 0 || (!user.CanCreateProject && !user.Admin))
        {
            return null;
        }

        var ns = await namespaces.FindNamespaceByPathAsync(requestedPath[..slash], cancellationToken);
        if (ns is null)
        {
            return null;
        }

        AccessLevel level;
        var addMaintainer = false;
        if (ns.Kind == NamespaceKind.User)
        {
            if (ns.OwnerId != user.Id && !user.Admin)
            {
                return null;
            }

            level = ns.OwnerId == user.Id ? AccessLevel.Owner : AccessLevel.NoAccess;
        }
        else
        {
            var groupLevel = await effectiveAccess.GetNamespaceAccessLevelAsync(user.Id, ns.Id, cancellationToken);
            if (groupLevel < AccessLevel.Developer && !user.Admin)
            {
                return null;
            }

            addMaintainer = groupLevel < AccessLevel.Maintainer;
            level = addMaintainer ? AccessLevel.Maintainer : groupLevel;
        }

        var path = requestedPath[(slash + 1)..];
        var project = new Project
        {
            Id = 0,
            Name = path,
            NamespaceId = ns.Id,
            FullPath = ns.FullPath + "/" + path,
            Visibility = Visibility.Private,
            CreatorId = user.Id,
            CreatedAt = time.GetUtcNow(),
        };
        return new ProjectCreationPlan(project, user, level, addMaintainer);
    }

    /// <summary>GitLab's validation errors for a new project's name and path (empty when valid).</summary>
    public static IReadOnlyList<string> Validate(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        var errors = new List<string>();
        if (path.Length == 0)
        {
            return ["Name can't be blank", "Path can't be blank"];
        }

        if (!(char.IsLetterOrDigit(path[0]) || path[0] == '_') || !path.All(c => char.IsLetterOrDigit(c) || c is '_' or '.' or '+' or '-' or ' '))
        {
            errors.Add(NameRule);
        }

        var pathValid = (char.IsAsciiLetterOrDigit(path[0]) || path[0] == '_') &&
                        path.All(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '-' or '.') &&
                        !path.EndsWith(".git", StringComparison.OrdinalIgnoreCase) &&
                        !path.EndsWith(".atom", StringComparison.OrdinalIgnoreCase) &&
                        !path.EndsWith('.');
        if (!pathValid)
        {
            errors.Add(PathRule);
        }

        return errors;
    }

    /// <summary>
    /// Creates the planned project: allocates its id, writes it (and the creator's membership in a group).
    /// Returns the project, or the validation errors when the path was taken meanwhile.
    /// </summary>
    public async Task<(Project? Project, IReadOnlyList<string> Errors)> CreateAsync(ProjectCreationPlan plan, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(plan);
        if (await projects.FindProjectByPathAsync(plan.Project.FullPath, cancellationToken) is not null)
        {
            return (null, ["Path has already been taken"]);
        }

        var id = await sequences.NextIdAsync("projects", ProjectIdFloor, cancellationToken);
        var project = plan.Project with { Id = id };
        await projects.UpsertProjectAsync(project, cancellationToken);
        if (plan.AddCreatorAsMaintainer)
        {
            await members.UpsertMembershipAsync(new Membership(MemberSource.Project, id, plan.Creator.Id, AccessLevel.Maintainer), cancellationToken);
        }

        return (project, []);
    }
}
