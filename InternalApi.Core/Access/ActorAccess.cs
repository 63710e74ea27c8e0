using InternalApi.Core.Data;
using InternalApi.Core.Identity;
using InternalApi.Core.Model;

namespace InternalApi.Core.Access;

/// <summary>
/// What an actor may do on one project (spec §3.1.7), computed once per request from the actor's
/// effective membership level and, for deploy keys, the key's enablement on the project.
/// Instance admins may do everything a membership level could grant (GitLab runs the check with an
/// admin-mode bypass); rules that bind everyone (default branch deletion, web-only operations, "No one")
/// still apply to them.
/// </summary>
public sealed record ActorAccess(Actor Actor, Project Project, AccessLevel Level, DeployKeyProject? DeployKeyLink)
{
    /// <summary>The acting user for permission purposes: deploy keys act as themselves, not as their creator.</summary>
    public User? User => Actor.Kind == ActorKind.User ? Actor.User : null;

    /// <summary>Instance administrator.</summary>
    public bool IsAdmin => User?.Admin == true;

    /// <summary>A deploy key actor.</summary>
    public bool IsDeployKey => Actor.Kind == ActorKind.DeployKey;

    /// <summary>The deploy key is enabled for this project.</summary>
    public bool DeployKeyEnabled => IsDeployKey && DeployKeyLink is not null;

    /// <summary>The deploy key is enabled with write access.</summary>
    public bool DeployKeyCanPush => DeployKeyLink?.CanPush == true;

    /// <summary>Whether the user holds at least <paramref name="level"/> (admins hold every level).</summary>
    public bool HasLevel(AccessLevel level) => User is not null && (IsAdmin || Level >= level);

    /// <summary>Whether an entry of a protected-ref rule ("No one", a role, or "Admins") admits the user.</summary>
    public bool Satisfies(AccessLevel entry) => entry switch
    {
        AccessLevel.NoAccess => false,
        AccessLevel.Admin => IsAdmin,
        _ => HasLevel(entry),
    };

    /// <summary>
    /// The project is visible without membership: public to everyone, internal to signed-in users that are
    /// not external.
    /// </summary>
    private bool VisibleWithoutMembership => Project.Visibility switch
    {
        Visibility.Public => true,
        Visibility.Internal => User is { External: false },
        _ => false,
    };

    /// <summary>May read (see) the project; otherwise every action answers 404.</summary>
    public bool CanRead => IsAdmin || DeployKeyEnabled || VisibleWithoutMembership || HasLevel(AccessLevel.Guest);

    /// <summary>
    /// May download the repository: Reporter+ members, or everyone who sees the project when the repository
    /// feature is open to everyone; enabled deploy keys while the feature is not disabled.
    /// </summary>
    public bool CanDownloadCode => CanUseFeature(Project.RepositoryAccess);

    /// <summary>May download the wiki (same rules over the wiki feature).</summary>
    public bool CanDownloadWiki => CanUseFeature(Project.WikiAccess);

    /// <summary>The push ability (<c>push_code</c>): Developer+ while the repository feature is not disabled.</summary>
    public bool CanPushCode => Project.RepositoryAccess != FeatureAccess.Disabled && HasLevel(AccessLevel.Developer);

    /// <summary>May write the wiki (<c>create_wiki</c>): Developer+ while the wiki is not disabled.</summary>
    public bool CanWriteWiki => Project.WikiAccess != FeatureAccess.Disabled && HasLevel(AccessLevel.Developer);

    /// <summary>
    /// Reads what the access of <paramref name="actor"/> to <paramref name="project"/> depends on (memberships for a
    /// user, the enablement for a deploy key) together with the project's namespace chain, in one batch of
    /// concurrent reads per namespace level.
    /// </summary>
    public static Task<ProjectAccessFacts> LoadFactsAsync(EffectiveAccess effectiveAccess, Actor actor, Project project, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(effectiveAccess);
        ArgumentNullException.ThrowIfNull(actor);
        ArgumentNullException.ThrowIfNull(project);

        // Deploy keys act as themselves: their creator's memberships do not count.
        var userId = actor.Kind == ActorKind.User ? actor.User?.Id : null;
        var deployKeyId = actor.Kind == ActorKind.DeployKey ? actor.Key?.Id : null;
        return effectiveAccess.GetProjectAccessFactsAsync(project, userId, deployKeyId, cancellationToken);
    }

    /// <summary>The access of an actor to a project, from what <see cref="LoadFactsAsync"/> read.</summary>
    public static ActorAccess From(Actor actor, Project project, ProjectAccessFacts facts)
    {
        ArgumentNullException.ThrowIfNull(facts);
        return new ActorAccess(actor, project, facts.Level, facts.DeployKeyLink);
    }

    private bool CanUseFeature(FeatureAccess feature)
    {
        if (feature == FeatureAccess.Disabled)
        {
            return false;
        }

        if (IsAdmin || DeployKeyEnabled || HasLevel(AccessLevel.Reporter))
        {
            return true;
        }

        // "Everyone with access": anyone who sees the project without being a member (anonymous for public).
        return feature == FeatureAccess.Enabled && VisibleWithoutMembership;
    }
}
