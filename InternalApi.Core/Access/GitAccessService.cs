using InternalApi.Core.Data;
using InternalApi.Core.Diagnostics;
using InternalApi.Core.Git;
using InternalApi.Core.Identity;
using InternalApi.Core.Model;
using InternalApi.Core.TwoFactor;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace InternalApi.Core.Access;

/// <summary>
/// The <c>/allowed</c> decision (spec §3.1.5, CE steps in GitLab's order). Of the EE steps, the OTP session,
/// the group certificate / namespace rule and the group IP allow-list are modelled (<see cref="GroupLimits"/>);
/// the others are not.
/// The decision only reads. Its writes (key last-used, user activity, a project created on push, the
/// "moved"/"created" messages) happen after it, so a timeout (503, which gitlab-shell retries) or a
/// denial never leaves a half-done push behind.
/// </summary>
public sealed partial class GitAccessService(
    UserStore users,
    SshKeyStore keys,
    NamespaceStore namespaces,
    ProtectedRefStore protectedRefs,
    MessageStore messages,
    EffectiveAccess effectiveAccess,
    ActorResolver actors,
    RepositoryResolver repositories,
    ProjectCreation creation,
    OtpSessionGate otpSessions,
    IOptions<GitLabOptions> gitlab,
    IOptions<AccessOptions> options,
    IOptions<SshCertificateLicenseOptions> certificates,
    TimeProvider time,
    ILogger<GitAccessService> logger)
{
    private static readonly TimeSpan KeyExpiryWarning = TimeSpan.FromDays(7);

    /// <summary>Runs the check within the configured budget, then applies its side effects.</summary>
    public async Task<AccessResult> CheckAsync(AccessRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        var budget = options.Value.DecisionTimeout;
        var timer = new CheckTimer(time, budget);
        using var deadline = new CancellationTokenSource(budget > TimeSpan.Zero ? budget : TimeSpan.FromTicks(1), time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, deadline.Token);

        Decision decision;
        try
        {
            decision = await DecideAsync(request, timer, linked.Token);
        }
        catch (Exception ex) when (ex is TimeoutException || (ex is OperationCanceledException && deadline.IsCancellationRequested && !cancellationToken.IsCancellationRequested))
        {
            Log.TimedOut(logger, request.Action, budget);
            return new AccessDenied(AccessDenial.TimedOut, timer.TimedOutMessage());
        }

        return await CommitAsync(request, decision, cancellationToken);
    }

    private async Task<Decision> DecideAsync(AccessRequest request, CheckTimer timer, CancellationToken ct)
    {
        var settings = gitlab.Value;

        // The actor (key, then its user) and the repository (route, then project) do not depend on each other.
        var resolvingActor = actors.ResolveAsync(request.Actor, ct);
        var resolvingTarget = repositories.ResolveAsync(request.Project, request.GlRepository, ct);
        await Task.WhenAll(resolvingActor, resolvingTarget);
        var actor = await resolvingActor;
        var target = await resolvingTarget;
        InvocationLog.Set("gl_repository", request.GlRepository);
        InvocationLog.Set("project_id", target.Project?.Id);
        InvocationLog.Set("actor_id", actor.User?.Id);
        InvocationLog.Set("key_id", actor.Key?.Id);
        timer.Step("Resolving the actor and the repository...");
        var protocol = (request.Protocol ?? "").Trim();
        var action = (request.Action ?? "").Trim();
        var isPush = action == GitActions.ReceivePack;
        var decision = new Decision(actor);

        // 1. Protocol: design repositories only through the web; otherwise instance and top-level group settings.
        if (target.Type == RepositoryType.Design && protocol != "web")
        {
            return decision.Deny(AccessDenial.Forbidden, AccessMessages.DesignsWebOnly);
        }

        // Everything else the decision reads about an existing project is read now, in one batch: the namespace
        // chain (protocol setting, root id), the actor's memberships or deploy key enablement, and, for a push
        // with real changes, the protected refs. A request refused by steps 1-8 has read some of it for nothing;
        // a granted one saves a round trip per read that used to wait for the one before it.
        var facts = target.Project is { } existing ? ActorAccess.LoadFactsAsync(effectiveAccess, actor, existing, ct) : null;
        var rulesRead = target.Project is { } pushed && isPush && target.Type == RepositoryType.Project && !IsAny(request.Changes)
            ? protectedRefs.GetProtectedRefsAsync(pushed.Id, ct)
            : null;
        var otpSession = otpSessions.Start(protocol, actor, ct);
        await Task.WhenAll(new Task?[] { facts, rulesRead, otpSession }.OfType<Task>());
        var known = facts is null ? null : await facts;

        // EE checks the OTP session before anything else of the command (only read when 2FA for Git over SSH applies).
        if (otpSession is not null && !await otpSession)
        {
            return decision.Deny(AccessDenial.Forbidden, otpSessions.DenialMessage());
        }

        if (protocol != "web" && !ProtocolAllowed(protocol, settings, known))
        {
            return decision.Deny(AccessDenial.Forbidden, AccessMessages.ProtocolNotAllowed(protocol));
        }

        // 2. Key validity.
        if (actor.Key?.ExpiresAt is { } expires && expires <= time.GetUtcNow())
        {
            return decision.Deny(AccessDenial.Forbidden, AccessMessages.KeyExpired);
        }

        // 3. Active user (deploy keys have no user for this purpose).
        if (actor.Kind == ActorKind.User && actor.User is { } user && UserRejection(user, settings) is { } rejection)
        {
            return decision.Deny(AccessDenial.Forbidden, rejection);
        }

        // 4. Authentication abilities: the internal API grants the SSH abilities, never fails.
        // 5. Command disabled over HTTP (gitlab.yml switches).
        if (protocol == "http" && action == GitActions.UploadPack && !settings.HttpUploadPack)
        {
            return decision.Deny(AccessDenial.Forbidden, AccessMessages.PullOverHttpDisabled);
        }

        if (protocol == "http" && isPush && !settings.HttpReceivePack)
        {
            return decision.Deny(AccessDenial.Forbidden, AccessMessages.PushOverHttpDisabled);
        }

        // 6. Command exists. (7. Geo custom action and 8. read-only database do not apply.)
        if (!isPush && !GitActions.IsDownload(action))
        {
            return decision.Deny(AccessDenial.Forbidden, AccessMessages.UnknownCommand);
        }

        timer.Step("Checking the actor and the command...");

        // 9. Container. EE first limits a login with a group's SSH certificate to that group's projects, and refuses
        // plain keys where the group enforces certificates. GitLab judges this for project repositories only; we
        // judge wikis (and designs) the same way, so the certificate does not open another group's wikis.
        var project = target.Project;
        var root = known is null ? null : RootNamespace(known);
        Task<GitLabNamespace?>? requestedRoot = null;
        if (target.Type != RepositoryType.Snippet && (project is not null || target.Type == RepositoryType.Project))
        {
            var licensed = certificates.Value.SshCertificatesLicensed;
            var namespaceRoot = root;
            if (project is null && licensed && request.Changes == RefChange.Any &&
                (!string.IsNullOrWhiteSpace(request.NamespacePath) || actor is { Kind: ActorKind.User, User.Type: UserType.Human }))
            {
                // A missing project: the rule reads the namespace the path names (a cold path: 404 or create-on-push).
                requestedRoot = RequestedRootAsync(target, ct);
                namespaceRoot = await requestedRoot;
            }

            if (!GroupLimits.NamespaceAllowed(licensed, request.NamespacePath, namespaceRoot, actor, request.Changes))
            {
                return decision.Deny(AccessDenial.Forbidden, AccessMessages.NamespaceForbidden);
            }
        }

        ActorAccess? access = null;
        if (project is null)
        {
            if (target.Type == RepositoryType.Project && string.IsNullOrWhiteSpace(request.GlRepository) &&
                target.RequestedPath.Length > 0 && target.RequestedNamespace.Length == 0)
            {
                return decision.Deny(AccessDenial.NotFound, AccessMessages.NamespaceNotFound);
            }

            // 9b. Create on push: only gitlab-shell's "_any" push of a user into a namespace they may create in.
            if (target.Type == RepositoryType.Project && isPush && request.Changes == RefChange.Any &&
                actor.Kind == ActorKind.User && actor.User is { } creator &&
                await creation.PlanAsync(creator, target.RequestedPath, ct) is { } plan)
            {
                var errors = ProjectCreation.Validate(plan.Project.Path);
                if (errors.Count > 0)
                {
                    return decision.Deny(AccessDenial.Unprocessable, AccessMessages.CouldNotCreateProject(errors));
                }

                decision.Creation = plan;
                project = plan.Project;
                target = target with { Project = project };
                access = new ActorAccess(actor, project, plan.CreatorLevel, null);
                if (request.CheckIp is not null)
                {
                    // GitLab would create the project, then refuse it by the allow-list; we refuse before creating.
                    root = await (requestedRoot ??= RequestedRootAsync(target, ct));
                }
            }
            else
            {
                return decision.Deny(AccessDenial.NotFound, AccessMessages.ProjectNotFound);
            }
        }

        access ??= ActorAccess.From(actor, project, known ?? throw new InvalidOperationException("An existing project without its access facts."));

        // 9d/9e. Outside the top-level group's IP allow-list a project is invisible (EE: users through the project
        // policy, admins exempt; deploy keys by an explicit check), so the answer is the same 404.
        if (!access.CanRead || !GroupLimits.IpAllowed(root, request.CheckIp, actor))
        {
            return decision.Deny(AccessDenial.NotFound, AccessMessages.ProjectNotFound);
        }

        // 9f. Found through an old path: tell the pusher (post_receive shows it; pulls never read it, so only pushes store it).
        if (target.Redirected && isPush && actor.Kind == ActorKind.User && actor.User is { } mover)
        {
            decision.Moved = (MessageStore.MovedMessageKey(mover.Id, target.GlRepository!), MovedMessage(target, protocol, settings));
        }

        timer.Step("Checking the project...");

        // 10. Repository exists.
        if (target.Type == RepositoryType.Project && !project.RepositoryExists)
        {
            return decision.Deny(AccessDenial.NotFound, AccessMessages.NoRepository);
        }

        if (!isPush)
        {
            // 11. Download.
            var canDownload = target.Type == RepositoryType.Wiki ? access.CanDownloadWiki : access.CanDownloadCode;
            return canDownload
                ? decision.Grant(target, ConsoleMessages(actor), known is null ? await RootNamespaceIdAsync(project, ct) : RootNamespaceId(known))
                : decision.Deny(AccessDenial.Forbidden, AccessMessages.Download);
        }

        // 12. Push.
        if (PushDenial(access, target, request.Changes) is { } pushDenial)
        {
            return decision.Deny(AccessDenial.Forbidden, pushDenial);
        }

        timer.Step("Checking if you are allowed to push...");
        if (target.Type == RepositoryType.Project && !IsAny(request.Changes))
        {
            var parsed = RefChange.Parse(request.Changes);
            if (parsed.Malformed.Count > 0)
            {
                return decision.Deny(AccessDenial.Forbidden, AccessMessages.MalformedChange(parsed.Malformed[0]));
            }

            var rules = rulesRead is null ? await protectedRefs.GetProtectedRefsAsync(project.Id, ct) : await rulesRead;
            var checks = new RefChangeChecks(access, rules, protocol, ExternalUrl(settings));
            foreach (var change in parsed.Changes)
            {
                if (checks.Check(change) is { } denial)
                {
                    return decision.Deny(AccessDenial.Forbidden, denial);
                }

                timer.Step("Running checks for ref: " + change.Name);
            }
        }

        // 13. Additional conditions are EE-only. 14. Success.
        return decision.Grant(target, ConsoleMessages(actor), known is null ? await RootNamespaceIdAsync(project, ct) : RootNamespaceId(known));
    }

    /// <summary>Step 12 up to the change checks; null when the push may go on to the per-change checks.</summary>
    private static string? PushDenial(ActorAccess access, RepositoryTarget target, string? changes)
    {
        var project = access.Project;
        if (project.RepositoryReadOnly)
        {
            return AccessMessages.ReadOnly;
        }

        if (project.Archived)
        {
            return AccessMessages.Archived;
        }

        if (access.IsDeployKey && !access.DeployKeyCanPush)
        {
            return AccessMessages.DeployKeyUpload;
        }

        if (access.Actor.Kind == ActorKind.Anonymous)
        {
            return AccessMessages.Upload;
        }

        switch (target.Type)
        {
            case RepositoryType.Wiki:
                // Wiki pushes need create_wiki (Developer+); deploy keys have no user and never get it.
                return access.CanWriteWiki ? null : AccessMessages.WriteToWiki;
            case RepositoryType.Design:
                return access.CanPushCode ? null : AccessMessages.PushCode;
            default:
                // "_any" (gitlab-shell): the push ability only; branch rules wait for Gitaly's real changes.
                // A missing or empty list is treated like "_any" (GitLab would check nothing at all).
                if (IsAny(changes))
                {
                    return access.IsDeployKey || access.CanPushCode ? null : AccessMessages.PushCode;
                }

                return null;
        }
    }

    /// <summary>The top-level namespace of a project created on push (existing projects have theirs in the facts).</summary>
    private async Task<long?> RootNamespaceIdAsync(Project project, CancellationToken ct)
    {
        var chain = await namespaces.GetNamespaceChainAsync(project.NamespaceId, ct);
        return chain.Count == 0 ? null : chain[^1].Id;
    }

    private static long? RootNamespaceId(ProjectAccessFacts facts) => RootNamespace(facts)?.Id;

    private static GitLabNamespace? RootNamespace(ProjectAccessFacts facts) => facts.Chain.Count == 0 ? null : facts.Chain[^1];

    /// <summary>The top-level namespace of the namespace a missing project's path names, or null when there is none.</summary>
    private async Task<GitLabNamespace?> RequestedRootAsync(RepositoryTarget target, CancellationToken ct)
    {
        if (target.RequestedNamespace.Length == 0 || await namespaces.FindNamespaceByPathAsync(target.RequestedNamespace, ct) is not { } ns)
        {
            return null;
        }

        return ns.RootId == ns.Id || ns.RootId == 0 ? ns : await namespaces.GetNamespaceAsync(ns.RootId, ct);
    }

    private static bool IsAny(string? changes) => string.IsNullOrWhiteSpace(changes) || changes.Trim() == RefChange.Any;

    /// <summary>The instance setting, then (for an existing project) its top-level namespace's.</summary>
    private static bool ProtocolAllowed(string protocol, GitLabOptions settings, ProjectAccessFacts? facts)
    {
        if (!SettingAllows(settings.EnabledGitAccessProtocol, protocol))
        {
            return false;
        }

        return facts is null || facts.Chain.Count == 0 || SettingAllows(facts.Chain[^1].GitAccessProtocol, protocol);
    }

    /// <summary>Blank or <c>all</c> allows every protocol; otherwise only the named one.</summary>
    private static bool SettingAllows(string? setting, string protocol) =>
        string.IsNullOrWhiteSpace(setting) || string.Equals(setting.Trim(), "all", StringComparison.OrdinalIgnoreCase) ||
        string.Equals(setting.Trim(), protocol, StringComparison.OrdinalIgnoreCase);

    /// <summary>GitLab's first matching reason a user may not use Git, or null.</summary>
    private static string? UserRejection(User user, GitLabOptions settings)
    {
        if (user.Type == UserType.Internal)
        {
            return AccessMessages.InternalUser;
        }

        return user.State switch
        {
            UserState.BlockedPendingApproval => AccessMessages.PendingApproval,
            UserState.Deactivated => AccessMessages.Deactivated(ExternalUrl(settings)),
            _ when !user.EmailConfirmed => AccessMessages.EmailNotConfirmed(ExternalUrl(settings)),
            UserState.Blocked or UserState.LdapBlocked => AccessMessages.Blocked,
            _ when user.PasswordExpired => AccessMessages.PasswordExpired,
            _ => null,
        };
    }

    private IReadOnlyList<string> ConsoleMessages(Actor actor) =>
        actor.Key?.ExpiresAt is { } expires && expires > time.GetUtcNow() && expires <= time.GetUtcNow() + KeyExpiryWarning
            ? [AccessMessages.KeyExpiringSoon]
            : [];

    /// <summary>The external URL without trailing slash, as GitLab's configured URL reads.</summary>
    public static string ExternalUrl(GitLabOptions settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        return settings.ExternalUrl.AbsoluteUri.TrimEnd('/');
    }

    /// <summary>The clone URL GitLab shows for a protocol: SSH for <c>ssh</c>, HTTP otherwise.</summary>
    public static string RemoteUrl(GitLabOptions settings, string repositoryPath, string protocol)
    {
        ArgumentNullException.ThrowIfNull(settings);
        return protocol == "ssh" ? $"{settings.SshHost}:{repositoryPath}.git" : $"{ExternalUrl(settings)}/{repositoryPath}.git";
    }

    private static string MovedMessage(RepositoryTarget target, string protocol, GitLabOptions settings) =>
        AccessMessages.Moved("Project", target.RequestedPath, target.Project!.FullPath, RemoteUrl(settings, target.RepositoryPath!, protocol));

    private async Task<AccessResult> CommitAsync(AccessRequest request, Decision decision, CancellationToken ct)
    {
        var settings = gitlab.Value;
        var protocol = (request.Protocol ?? "").Trim();
        var result = decision.Result!;

        // GitLab records key use for every checked request, allowed or not. A download also records the user's
        // activity; neither write depends on the other, and a download creates nothing, so they go together.
        var touches = new List<Task>(2);
        if (decision.Actor.Key is { } key)
        {
            touches.Add(keys.TouchKeyUsedAsync(key, ct));
        }

        if (result is AccessGranted && GitActions.IsDownload(request.Action?.Trim()) && decision.Actor.Kind == ActorKind.User && decision.Actor.User is { } user)
        {
            touches.Add(users.TouchUserActivityAsync(user, ct));
        }

        await Task.WhenAll(touches);
        if (result is not AccessGranted granted)
        {
            return result;
        }

        if (decision.Creation is { } plan)
        {
            var (project, errors) = await creation.CreateAsync(plan, ct);
            if (project is null)
            {
                return new AccessDenied(AccessDenial.Unprocessable, AccessMessages.CouldNotCreateProject(errors));
            }

            granted = granted with { Repository = granted.Repository with { Project = project } };
            Log.ProjectCreated(logger, project.Id, plan.Creator.Id);
            await messages.PutMessageAsync(
                MessageStore.CreatedMessageKey(plan.Creator.Id, project.GlRepository),
                AccessMessages.ProjectCreated(project.FullPath, RemoteUrl(settings, project.FullPath, protocol), $"{ExternalUrl(settings)}/{project.FullPath}"),
                ct);
        }

        if (decision.Moved is { } moved)
        {
            await messages.PutMessageAsync(moved.Key, moved.Text, ct);
        }

        return granted;
    }

    /// <summary>The decision and the writes it asks for.</summary>
    private sealed class Decision(Actor actor)
    {
        public Actor Actor { get; } = actor;

        public AccessResult? Result { get; private set; }

        public ProjectCreationPlan? Creation { get; set; }

        public (string Key, string Text)? Moved { get; set; }

        public Decision Deny(AccessDenial kind, string message)
        {
            Result = new AccessDenied(kind, message);
            return this;
        }

        public Decision Grant(RepositoryTarget target, IReadOnlyList<string> consoleMessages, long? rootNamespaceId)
        {
            Result = new AccessGranted(Actor, target, consoleMessages) { RootNamespaceId = rootNamespaceId };
            return this;
        }
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 2100, Level = LogLevel.Warning, Message = "Access check for {Action} ran out of its {Budget} budget")]
        public static partial void TimedOut(ILogger logger, string? action, TimeSpan budget);

        [LoggerMessage(EventId = 2101, Level = LogLevel.Information, Message = "Created project {ProjectId} on push by user {UserId}")]
        public static partial void ProjectCreated(ILogger logger, long projectId, long userId);
    }
}
