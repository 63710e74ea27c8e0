using InternalApi.Core.Data;
using InternalApi.Core.Git;
using InternalApi.Core.Model;
using Microsoft.Extensions.Options;

namespace InternalApi.Core.Access;

/// <summary>
/// The <c>/internal/allowed</c> decision, in GitLab's order (spec §3.1.5, CE steps; EE-only steps are
/// not modelled). Returns the first failing step's status and message, or the allowed result.
/// What cannot be known without the repository (force pushes, whether a commit is on a protected
/// branch, which tags exist beyond what the old revision says) is never claimed.
/// </summary>
public sealed partial class GitAccessChecker(
    GitLabStore store,
    ActorResolver actors,
    RepositoryResolver repositories,
    IOptions<GitLabOptions> gitlab,
    TimeProvider time)
{
    private const string UploadPack = "git-upload-pack";
    private const string ReceivePack = "git-receive-pack";
    private const string UploadArchive = "git-upload-archive";

    /// <summary>Decides; throws <see cref="OperationCanceledException"/> when the token fires.</summary>
    public async Task<GitAccessResult> CheckAsync(GitAccessRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var options = gitlab.Value;
        var actor = await actors.ResolveAsync(request.Actor, cancellationToken);
        var target = await repositories.ResolveAsync(request.Project, request.GlRepository, cancellationToken);
        var protocol = (request.Protocol ?? "").Trim().ToLowerInvariant();
        var action = (request.Action ?? "").Trim();
        var isPush = action == ReceivePack;
        var now = time.GetUtcNow();

        // 1. Protocol (web is always allowed).
        if (protocol != "web")
        {
            var instance = options.EnabledGitAccessProtocol;
            var chain = target.Project is { } p ? await store.GetNamespaceChainAsync(p.NamespaceId, cancellationToken) : [];
            var group = chain.Count > 0 ? chain[^1].GitAccessProtocol : null;
            foreach (var allowed in new[] { instance, group })
            {
                if (!string.IsNullOrWhiteSpace(allowed) && allowed != "all" && !string.Equals(allowed, protocol, StringComparison.OrdinalIgnoreCase))
                {
                    return Deny(401, $"Git access over {protocol.ToUpperInvariant()} is not allowed");
                }
            }
        }

        // 2. Key validity.
        if (actor.Key is { ExpiresAt: { } expires } && expires <= now)
        {
            return Deny(401, GitAccessMessages.KeyExpired);
        }

        // 3. Active user.
        if (actor.Kind == ActorKind.User && ActiveUserDenial(actor.User!, options) is { } inactive)
        {
            return Deny(401, inactive);
        }

        // 5. Command disabled over HTTP.
        if (protocol == "http" && action == UploadPack && !options.HttpUploadPack)
        {
            return Deny(401, "Pulling over HTTP is not allowed.");
        }

        if (protocol == "http" && isPush && !options.HttpReceivePack)
        {
            return Deny(401, "Pushing over HTTP is not allowed.");
        }

        // 6. Command exists.
        if (action is not (UploadPack or ReceivePack or UploadArchive))
        {
            return Deny(401, GitAccessMessages.CommandNotAllowed);
        }

        // 9. Container.
        if (target.Type == RepositoryType.Snippet)
        {
            return Deny(404, GitAccessMessages.ProjectNotFound);
        }

        var changes = request.Changes ?? RefChange.Any;
        var anyChanges = changes.Trim() == RefChange.Any;
        if (target.Project is null && target.Type == RepositoryType.Project && request.GlRepository is null)
        {
            if (target.RequestedPath.Length > 0 && target.RequestedNamespace.Length == 0)
            {
                return Deny(404, GitAccessMessages.NamespaceNotFound);
            }

            if (isPush && anyChanges && actor.Kind == ActorKind.User)
            {
                var created = await TryCreateProjectAsync(actor.User!, target, cancellationToken);
                if (created.Denial is not null)
                {
                    return created.Denial;
                }

                target = created.Target ?? target;
            }
        }

        if (target.Project is not { } project)
        {
            return Deny(404, GitAccessMessages.ProjectNotFound);
        }

        var permissions = await ProjectPermissions.LoadAsync(store, actor, project, cancellationToken);
        if (!permissions.CanRead)
        {
            return Deny(404, GitAccessMessages.ProjectNotFound);
        }

        if (target.Redirected && isPush && actor.User is { } pusher)
        {
            await store.PutMessageAsync(GitLabStore.MovedMessageKey(pusher.Id, target.GlRepository!), MovedMessage(target, protocol, options), cancellationToken);
        }

        // 10. Repository exists.
        if (!project.RepositoryExists)
        {
            return Deny(404, GitAccessMessages.NoRepository);
        }

        if (target.Type == RepositoryType.Design && protocol != "web")
        {
            return Deny(401, GitAccessMessages.DesignOnlyWeb);
        }

        var denial = target.Type == RepositoryType.Wiki
            ? WikiDenial(permissions, isPush)
            : isPush ? await PushDenialAsync(permissions, actor, project, changes, anyChanges, protocol, cancellationToken) : DownloadDenial(permissions);
        if (denial is not null)
        {
            return denial;
        }

        var console = actor.Key is { ExpiresAt: { } soon } && soon <= now.AddDays(7) ? new[] { GitAccessMessages.KeyExpiringSoon } : [];
        var root = (await store.GetNamespaceAsync(project.NamespaceId, cancellationToken))?.RootId;
        return new GitAccessResult { Status = 200, Actor = actor, Target = target, RootNamespaceId = root, ConsoleMessages = console };
    }

    private static GitAccessResult Deny(int status, string message) => GitAccessResult.Deny(status, message);

    /// <summary>GitLab's "user may use Git" reasons, first match wins (spec §3.1.5 step 3).</summary>
    private static string? ActiveUserDenial(User user, GitLabOptions options)
    {
        var url = options.ExternalUrl.ToString().TrimEnd('/');
        if (user.Type == UserType.Internal)
        {
            return "This action cannot be performed by internal users";
        }

        return user.State switch
        {
            UserState.BlockedPendingApproval => "Your account is pending approval from your administrator and hence blocked.",
            UserState.Deactivated => $"Your account has been deactivated by your administrator. Please log back in from a web browser to reactivate your account at {url}",
            _ when !user.EmailConfirmed => $"Your primary email address is not confirmed. Please check your inbox for the confirmation instructions. In case the link is expired, you can request a new confirmation email at {url}/users/confirmation/new",
            UserState.Blocked => "Your account has been blocked.",
            _ when user.PasswordExpired => "Your password expired. Please access GitLab from a web browser to update your password.",
            _ => null,
        };
    }

    private static GitAccessResult? DownloadDenial(ProjectPermissions permissions) =>
        permissions.CanDownload ? null : Deny(401, GitAccessMessages.DownloadNotAllowed);

    private static GitAccessResult? WikiDenial(ProjectPermissions permissions, bool isPush) => isPush
        ? permissions.CanWriteWiki ? null : Deny(401, GitAccessMessages.WikiWriteNotAllowed)
        : permissions.CanDownloadWiki ? null : Deny(401, GitAccessMessages.DownloadNotAllowed);

    private async Task<GitAccessResult?> PushDenialAsync(ProjectPermissions permissions, Actor actor, Project project, string changes, bool anyChanges, string protocol, CancellationToken cancellationToken)
    {
        if (project.RepositoryReadOnly)
        {
            return Deny(401, GitAccessMessages.ReadOnly);
        }

        if (project.Archived)
        {
            return Deny(401, GitAccessMessages.Archived);
        }

        if (actor.Kind == ActorKind.DeployKey && permissions.DeployKey is not { CanPush: true })
        {
            return Deny(401, GitAccessMessages.DeployKeyNoWrite);
        }

        if (actor.Kind == ActorKind.Anonymous)
        {
            return Deny(401, GitAccessMessages.UploadNotAllowed);
        }

        if (anyChanges)
        {
            // gitlab-shell does not know the refs: only the push ability counts here; Gitaly calls again with them.
            return permissions.CanPush ? null : Deny(401, GitAccessMessages.PushNotAllowed);
        }

        var parsed = RefChange.Parse(changes);
        if (parsed.Malformed.Count > 0)
        {
            return Deny(401, $"The change '{parsed.Malformed[0]}' is not of the form '<oldrev> <newrev> <ref>'.");
        }

        var rules = await store.GetProtectedRefsAsync(project.Id, cancellationToken);
        return ChangeChecks.Check(permissions, project, parsed.Changes, protocol, rules) is { } message ? Deny(401, message) : null;
    }
}
