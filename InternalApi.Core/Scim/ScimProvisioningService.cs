using System.Globalization;
using System.Text;
using InternalApi.Core.Data;
using InternalApi.Core.Model;

namespace InternalApi.Core.Scim;

/// <summary>
/// The five SCIM user operations for both APIs (spec §6): one implementation over a <see cref="ScimScope"/>.
/// Where the group and instance APIs differ — membership on provisioning, what deprovisioning does — the
/// scope decides, in <see cref="DeprovisionAsync"/> and <see cref="ReprovisionAsync"/>.
/// </summary>
public sealed class ScimProvisioningService(
    ScimStore scim,
    UserStore users,
    NamespaceStore namespaces,
    MembershipStore members,
    EffectiveAccess effectiveAccess,
    SequenceStore sequences,
    TimeProvider time)
{
    /// <summary>Sequence of the ids of users SCIM creates.</summary>
    public const string UserSequence = "users";

    /// <summary>Allocated user ids start above this, out of the way of imported ones.</summary>
    public const long UserIdFloor = 1_000_000;

    private const int DefaultCount = 20;
    private const int MaxCount = 100;

    /// <summary>
    /// <c>GET …/Users</c>: the scope's identities, filtered, one page. <paramref name="startIndex"/> and
    /// <paramref name="count"/> are read as Ruby's <c>to_i</c> reads them (garbage is 0); a start below 1 is 1.
    /// </summary>
    public async Task<ScimUserPage> ListAsync(ScimScope scope, string? filter, string? startIndex, string? count, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(scope);
        var parsedFilter = string.IsNullOrEmpty(filter) ? null : ScimFilter.Parse(filter);
        var start = Math.Max(1, ToInt(startIndex));
        var requested = ToInt(count);
        var perPage = requested <= 0 ? DefaultCount : Math.Min(requested, MaxCount);

        // A group whose SAML SSO is switched off lists nothing (GitLab: an empty list, not an error).
        if (scope.Provider is { Enabled: false })
        {
            return new ScimUserPage(0, perPage, start, []);
        }

        if (parsedFilter is not null)
        {
            var match = await SearchAsync(scope, parsedFilter, cancellationToken);
            var found = match is null ? [] : await ResourcesAsync([match], cancellationToken);
            return new ScimUserPage(match is null ? 0 : 1, perPage, start, start == 1 ? found : []);
        }

        var (total, page) = await scim.ListIdentitiesAsync(scope.Key, start - 1, perPage, cancellationToken);
        return new ScimUserPage(total, perPage, start, await ResourcesAsync(page, cancellationToken));
    }

    /// <summary><c>GET …/Users/:id</c>: the identity with that external UID in the scope, or not found.</summary>
    public async Task<ScimUser> GetAsync(ScimScope scope, string id, CancellationToken cancellationToken = default)
    {
        var (identity, user) = await FindAsync(scope, id, cancellationToken);
        return Resource(identity, user);
    }

    /// <summary>
    /// <c>POST …/Users</c> (spec §6.5, §6.11): returns the existing identity when it is already provisioned,
    /// otherwise links the user with that e-mail or creates one, and (group) adds the membership at the
    /// provider's default role. A taken e-mail or username is a conflict, every other failure GitLab's catch-all (<see cref="ScimErrorKind"/>).
    /// </summary>
    public async Task<ScimUser> CreateAsync(ScimScope scope, ScimCreateRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(scope);
        ArgumentNullException.ThrowIfNull(request);
        if (request.MissingParams() is { } missing)
        {
            throw ScimException.Refused($"Error saving user with {request.Render()}: Missing params: {missing}");
        }

        var uid = request.ExternUid!;
        if (await scim.GetIdentityAsync(scope.Key, uid, cancellationToken) is { } existing)
        {
            var owner = await users.GetUserAsync(existing.UserId, cancellationToken);
            if (owner is not null && (!scope.IsGroup || await IsMemberAsync(scope, owner.Id, cancellationToken)))
            {
                // Already provisioned: the same answer again (IdPs retry creates).
                return Resource(existing, owner);
            }

            throw Conflict(request, "Extern uid has already been taken");
        }

        var user = await users.FindUserByEmailAsync(request.Email!, cancellationToken);
        if (user is not null && await scim.FindIdentityOfUserAsync(scope.Key, user.Id, cancellationToken) is not null)
        {
            // One SCIM identity per user and scope.
            throw Conflict(request, "User has already been taken");
        }

        user ??= await CreateUserAsync(request, cancellationToken);
        var identity = new ScimIdentity(uid, user.Id, Active: true);
        if (!await scim.TryAddIdentityAsync(scope.Key, identity, cancellationToken))
        {
            throw Conflict(request, "Extern uid has already been taken");
        }

        if (scope.IsGroup && !await IsMemberAsync(scope, user.Id, cancellationToken))
        {
            await members.UpsertMembershipAsync(new Membership(MemberSource.Group, scope.Group!.Id, user.Id, scope.Provider!.DefaultMembershipRole), cancellationToken);
        }

        return Resource(identity, user);
    }

    /// <summary>
    /// <c>PATCH …/Users/:id</c> (spec §6.1, §6.6, §6.12): <c>active</c> false deprovisions, <c>active</c> on an
    /// inactive identity reprovisions, a new <c>id</c>/<c>externalId</c> moves the identity; everything else
    /// is accepted and ignored, as GitLab has done since 15.0.
    /// </summary>
    public async Task PatchAsync(ScimScope scope, string id, ScimPatch patch, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(patch);
        var (identity, user) = await FindAsync(scope, id, cancellationToken);
        try
        {
            if (patch.Active is false)
            {
                await DeprovisionAsync(scope, identity, user, cancellationToken);
            }
            else if (patch.Active is not null && !identity.Active)
            {
                await ReprovisionAsync(scope, identity, user, cancellationToken);
            }
            else if (patch.ExternUid is { Length: > 0 } newUid && newUid != identity.ExternUid &&
                     !await scim.TryChangeUidAsync(scope.Key, identity.ExternUid, newUid, cancellationToken))
            {
                throw ScimException.Refused("Extern uid has already been taken");
            }
        }
        catch (ScimException ex) when (ex.Kind == ScimErrorKind.Refused)
        {
            // GitLab reports any failure of the chosen action as its generic update error.
            throw ScimException.Refused($"Error updating {user.Name} with {patch.Render()}");
        }
    }

    /// <summary><c>DELETE …/Users/:id</c> (spec §6.7, §6.13): deprovisioning; the identity stays, inactive.</summary>
    public async Task DeleteAsync(ScimScope scope, string id, CancellationToken cancellationToken = default)
    {
        var (identity, user) = await FindAsync(scope, id, cancellationToken);
        await DeprovisionAsync(scope, identity, user, cancellationToken);
    }

    /// <summary>
    /// Group: the identity becomes inactive and the user leaves the group (refused for its last owner).
    /// Instance: the identity becomes inactive and the user <c>ldap_blocked</c>, so Git access is refused.
    /// Each write is idempotent, so a retried request finishes the job.
    /// </summary>
    private async Task DeprovisionAsync(ScimScope scope, ScimIdentity identity, User user, CancellationToken cancellationToken)
    {
        if (scope.Group is { } group)
        {
            var level = await members.GetMembershipAsync(MemberSource.Group, group.Id, user.Id, cancellationToken);
            if (level == AccessLevel.Owner &&
                (await members.GetMemberIdsAtLevelAsync(MemberSource.Group, group.Id, AccessLevel.Owner, cancellationToken)).Count <= 1)
            {
                throw ScimException.Refused($"Could not remove {user.Name} from {group.Name}. Cannot remove last group owner.");
            }

            await scim.SetActiveAsync(scope.Key, identity.ExternUid, false, cancellationToken);
            await members.DeleteMembershipAsync(MemberSource.Group, group.Id, user.Id, cancellationToken);
            return;
        }

        await scim.SetActiveAsync(scope.Key, identity.ExternUid, false, cancellationToken);
        if (user.State != UserState.LdapBlocked)
        {
            await users.SetUserStateAsync(user.Id, UserState.LdapBlocked, cancellationToken);
        }
    }

    /// <summary>Group: identity active, membership back at the default role. Instance: identity active, user unblocked.</summary>
    private async Task ReprovisionAsync(ScimScope scope, ScimIdentity identity, User user, CancellationToken cancellationToken)
    {
        await scim.SetActiveAsync(scope.Key, identity.ExternUid, true, cancellationToken);
        if (scope.Group is { } group)
        {
            if (!await IsMemberAsync(scope, user.Id, cancellationToken))
            {
                await members.UpsertMembershipAsync(new Membership(MemberSource.Group, group.Id, user.Id, scope.Provider!.DefaultMembershipRole), cancellationToken);
            }

            return;
        }

        if (user.State is UserState.LdapBlocked or UserState.Blocked)
        {
            await users.SetUserStateAsync(user.Id, UserState.Active, cancellationToken);
        }
    }

    /// <summary>
    /// The filter's identity in the scope: by external UID; for <c>userName</c> by external UID first, then by
    /// username, then by e-mail and the e-mail's local part as username (spec §6.1).
    /// </summary>
    private async Task<ScimIdentity?> SearchAsync(ScimScope scope, ScimFilter filter, CancellationToken cancellationToken)
    {
        if (await scim.GetIdentityAsync(scope.Key, filter.Value, cancellationToken) is { } byUid)
        {
            return byUid;
        }

        if (filter.Attribute != ScimFilterField.UserName)
        {
            return null;
        }

        var user = await users.FindUserByUsernameAsync(filter.Value, cancellationToken);
        if (user is null && filter.Value.IndexOf('@', StringComparison.Ordinal) is > 0 and var at)
        {
            user = await users.FindUserByEmailAsync(filter.Value, cancellationToken) is { EmailConfirmed: true } byEmail
                ? byEmail
                : await users.FindUserByUsernameAsync(filter.Value[..at], cancellationToken);
        }

        return user is null ? null : await scim.FindIdentityOfUserAsync(scope.Key, user.Id, cancellationToken);
    }

    private async Task<(ScimIdentity Identity, User User)> FindAsync(ScimScope scope, string id, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(scope);
        ArgumentNullException.ThrowIfNull(id);
        return await scim.GetIdentityAsync(scope.Key, id, cancellationToken) is { } identity &&
               await users.GetUserAsync(identity.UserId, cancellationToken) is { } user
            ? (identity, user)
            : throw ScimException.ResourceNotFound(id);
    }

    private async Task<IReadOnlyList<ScimUser>> ResourcesAsync(IReadOnlyList<ScimIdentity> identities, CancellationToken cancellationToken)
    {
        // One point read per user of the page, all at once (a page is at most 100).
        var found = await Task.WhenAll(identities.Select(i => users.GetUserAsync(i.UserId, cancellationToken)));
        return [.. identities.Zip(found).Where(p => p.Second is not null).Select(p => Resource(p.First, p.Second!))];
    }

    private async Task<bool> IsMemberAsync(ScimScope scope, long userId, CancellationToken cancellationToken) =>
        await effectiveAccess.GetNamespaceAccessLevelAsync(userId, scope.Group!.Id, cancellationToken) > AccessLevel.NoAccess;

    /// <summary>
    /// A new user: the username cleaned to a valid path and made unique with a number, a personal namespace,
    /// the e-mail taken as confirmed (the IdP vouches for it; GitLab's rule here is unconfirmed, spec App. B 17).
    /// </summary>
    private async Task<User> CreateUserAsync(ScimCreateRequest request, CancellationToken cancellationToken)
    {
        var username = await UniqueUsernameAsync(CleanUsername(request.UserName!), cancellationToken);
        long id;
        do
        {
            id = await sequences.NextIdAsync(UserSequence, UserIdFloor, cancellationToken);
        }
        while (await users.GetUserAsync(id, cancellationToken) is not null);

        var namespaceId = await sequences.NextIdAsync(Import.UsersSection.NamespaceSequence, Import.UsersSection.AllocatedIdFloor, cancellationToken);
        var user = new User
        {
            Id = id,
            Username = username,
            Name = request.Name ?? username,
            Email = request.Email,
            NamespaceId = namespaceId,
            CreatedAt = time.GetUtcNow(),
        };
        await namespaces.UpsertNamespaceAsync(new GitLabNamespace { Id = namespaceId, Kind = NamespaceKind.User, Name = user.Name, FullPath = username, RootId = namespaceId, OwnerId = id }, cancellationToken);
        await users.UpsertUserAsync(user, cancellationToken);
        return user;
    }

    private async Task<string> UniqueUsernameAsync(string clean, CancellationToken cancellationToken)
    {
        var candidate = clean;
        for (var n = 1; await users.FindUserByUsernameAsync(candidate, cancellationToken) is not null ||
                        await namespaces.FindNamespaceByPathAsync(candidate, cancellationToken) is not null; n++)
        {
            candidate = clean + n.ToString(CultureInfo.InvariantCulture);
        }

        return candidate;
    }

    /// <summary>GitLab's path cleaning, simplified: letters, digits, <c>_ . -</c>; starting and ending with a letter or digit.</summary>
    internal static string CleanUsername(string username)
    {
        var text = new StringBuilder(username.Length);
        foreach (var c in username)
        {
            text.Append(char.IsAsciiLetterOrDigit(c) || c is '_' or '.' or '-' ? c : '_');
        }

        var clean = text.ToString().Trim('_', '.', '-');
        if (clean.EndsWith(".git", StringComparison.OrdinalIgnoreCase) || clean.EndsWith(".atom", StringComparison.OrdinalIgnoreCase))
        {
            clean = clean[..clean.LastIndexOf('.')];
        }

        return clean.Length == 0 ? "blank" : clean;
    }

    private static ScimUser Resource(ScimIdentity identity, User user) =>
        new(identity.ExternUid, identity.Active, user.Name, user.Username, user.Email);

    private static ScimException Conflict(ScimCreateRequest request, string error) =>
        new(ScimErrorKind.Conflict, $"Error saving user with {request.Render()}: {error}");

    /// <summary>Ruby's <c>to_i</c>: an optional sign and leading digits, anything else 0.</summary>
    private static int ToInt(string? text)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return 0;
        }

        var span = text.AsSpan().TrimStart();
        var end = span.Length > 0 && span[0] is '-' or '+' ? 1 : 0;
        while (end < span.Length && char.IsAsciiDigit(span[end]))
        {
            end++;
        }

        return int.TryParse(span[..end], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var value) ? value
            : end > 1 || (end == 1 && char.IsAsciiDigit(span[0])) ? (span[0] == '-' ? int.MinValue : int.MaxValue) : 0;
    }
}
