using InternalApi.Core.Data;
using InternalApi.Core.Model;

namespace InternalApi.Core.Access;

/// <summary>
/// What an actor may do with one project, following GitLab's permission table (spec §3.1.7):
/// reading the project, downloading its code, pushing, and writing its wiki.
/// </summary>
public sealed record ProjectPermissions(Actor Actor, Project Project, AccessLevel Level, DeployKeyProject? DeployKey)
{
    /// <summary>Computes the permissions (a few point reads up the group chain).</summary>
    public static async Task<ProjectPermissions> LoadAsync(GitLabStore store, Actor actor, Project project, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(actor);
        ArgumentNullException.ThrowIfNull(project);
        if (actor.Kind == ActorKind.DeployKey)
        {
            return new(actor, project, AccessLevel.NoAccess, await store.GetDeployKeyProjectAsync(actor.Key!.Id, project.Id, cancellationToken));
        }

        var level = actor.User is { } user ? await store.GetProjectAccessLevelAsync(user.Id, project, cancellationToken) : AccessLevel.NoAccess;
        return new(actor, project, level, null);
    }

    private bool IsUser => Actor.Kind == ActorKind.User && Actor.User is not null;

    /// <summary>Instance administrators may do anything (admin mode is granted to the internal API).</summary>
    public bool IsAdmin => IsUser && Actor.User!.Admin;

    /// <summary>Effective level for rule comparisons: admins rank above owners.</summary>
    public AccessLevel EffectiveLevel => IsAdmin ? AccessLevel.Admin : Level;

    /// <summary>May see the project at all (else 404).</summary>
    public bool CanRead => IsAdmin || DeployKey is not null || Project.Visibility switch
    {
        Visibility.Public => true,
        Visibility.Internal => IsUser && (!Actor.User!.External || Level >= AccessLevel.Guest),
        _ => Level >= AccessLevel.Guest,
    };

    /// <summary>May download code (else 401 when the project is visible).</summary>
    public bool CanDownload
    {
        get
        {
            if (IsAdmin)
            {
                return true;
            }

            if (Project.RepositoryAccess == FeatureAccess.Disabled)
            {
                return false;
            }

            if (DeployKey is not null)
            {
                return true;
            }

            if (Project.RepositoryAccess == FeatureAccess.Private || Project.Visibility == Visibility.Private)
            {
                return Level >= AccessLevel.Reporter;
            }

            return Project.Visibility == Visibility.Public || CanRead;
        }
    }

    /// <summary>The push ability: Developer+ with the repository feature on, or a deploy key with write access.</summary>
    public bool CanPush =>
        IsAdmin ||
        (DeployKey is { CanPush: true }) ||
        (IsUser && Level >= AccessLevel.Developer && Project.RepositoryAccess != FeatureAccess.Disabled);

    /// <summary>Maintainer+ (delete protected refs, change existing tags).</summary>
    public bool IsMaintainer => IsAdmin || Level >= AccessLevel.Maintainer;

    /// <summary>May download wiki code.</summary>
    public bool CanDownloadWiki => IsAdmin || (Project.WikiAccess != FeatureAccess.Disabled &&
        (Project.WikiAccess == FeatureAccess.Private || Project.Visibility == Visibility.Private ? Level >= AccessLevel.Reporter : CanRead));

    /// <summary>May push to the wiki (Developer+).</summary>
    public bool CanWriteWiki => IsAdmin || (IsUser && Level >= AccessLevel.Developer && Project.WikiAccess != FeatureAccess.Disabled);

    /// <summary>Whether a protected rule's levels (or deploy-key list) let this actor push/create.</summary>
    public bool Allows(IReadOnlyList<AccessLevel> levels, IReadOnlyList<long>? deployKeyIds = null)
    {
        ArgumentNullException.ThrowIfNull(levels);
        if (Actor.Kind == ActorKind.DeployKey)
        {
            return DeployKey is { CanPush: true } && deployKeyIds is not null && deployKeyIds.Contains(Actor.Key!.Id);
        }

        // "No one" alone means nobody; otherwise the actor needs one of the listed levels or higher.
        return levels.Any(l => l != AccessLevel.NoAccess && EffectiveLevel >= l);
    }
}
