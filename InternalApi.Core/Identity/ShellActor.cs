using InternalApi.Core.Data;
using InternalApi.Core.Model;

namespace InternalApi.Core.Identity;

/// <summary>
/// The actor parameters of the 2FA and token commands, as sent: <c>null</c> means absent. Present but
/// empty or non-numeric ids are kept, because GitLab tests presence (<c>params[:key_id]</c>), not validity.
/// </summary>
public sealed record ShellActorQuery(string? KeyId, string? UserId);

/// <summary>
/// Who runs a gitlab-shell command (<c>2fa_recovery_codes</c>, <c>personal_access_token</c>).
/// Unlike <see cref="ActorResolver"/>, it keeps the details those commands report separately:
/// which parameter was sent, whether the key exists, and whether the key has a user.
/// </summary>
/// <param name="KeyIdGiven">A <c>key_id</c> was sent (it takes precedence over <c>user_id</c>).</param>
/// <param name="UserIdGiven">A <c>user_id</c> was sent.</param>
/// <param name="Key">The key, when <c>key_id</c> names one usable for authentication.</param>
/// <param name="User">The key's user, or the user named by <c>user_id</c>.</param>
public sealed record ShellActor(bool KeyIdGiven, bool UserIdGiven, SshKey? Key, User? User)
{
    /// <summary>No key (or an unknown one), as GitLab words it.</summary>
    public const string KeyNotFound = "Could not find the given key";

    /// <summary>A user key whose user is gone, as GitLab words it.</summary>
    public const string KeyWithoutUser = "Could not find a user for the given key";

    /// <summary>The key is a deploy key.</summary>
    public bool IsDeployKey => Key?.Kind == SshKeyKind.Deploy;

    /// <summary>
    /// The key has a user. GitLab gives a deploy key whose creator is gone its "ghost" user, so a
    /// deploy key always counts as having one; a user key without user does not.
    /// </summary>
    public bool KeyHasUser => IsDeployKey || User is not null;

    /// <summary>
    /// GitLab's "validate the actor" step: <c>Could not find the given key</c> /
    /// <c>Could not find a user for the given key</c>, or null when the actor is usable.
    /// Skipped when the user came from <c>user_id</c> alone: we keep the doc-era behaviour where
    /// <c>user_id</c> works without a key (current GitLab insists on a key; gitlab-shell sends
    /// <c>user_id</c> for certificate and Kerberos logins, which have none).
    /// </summary>
    public string? KeyProblem
    {
        get
        {
            if (!KeyIdGiven && UserIdGiven && User is not null)
            {
                return null;
            }

            if (Key is null)
            {
                return KeyNotFound;
            }

            return KeyHasUser ? null : KeyWithoutUser;
        }
    }
}

/// <summary>Resolves <see cref="ShellActor"/>s with point reads, and records key use.</summary>
public sealed class ShellActorLookup(UserStore users, SshKeyStore keys)
{
    /// <summary>
    /// Resolves the actor and, when it is a key, updates the key's last-used time first, as GitLab
    /// does before any check (so even a refused command counts as use of the key).
    /// </summary>
    public async Task<ShellActor> ResolveAsync(ShellActorQuery query, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(query);
        var keyIdGiven = query.KeyId is not null;
        var userIdGiven = query.UserId is not null;
        if (keyIdGiven)
        {
            var key = ActorResolver.ParseId(query.KeyId) is { } keyId ? await keys.GetKeyAsync(keyId, cancellationToken) : null;

            // Signing-only keys cannot authenticate, so they are not an actor.
            if (key is null || !key.UsableForAuth)
            {
                return new ShellActor(true, userIdGiven, null, null);
            }

            await keys.TouchKeyUsedAsync(key, cancellationToken);
            var owner = key.UserId is { } ownerId ? await users.GetUserAsync(ownerId, cancellationToken) : null;
            return new ShellActor(true, userIdGiven, key, owner);
        }

        if (userIdGiven)
        {
            var user = ActorResolver.ParseId(query.UserId) is { } userId ? await users.GetUserAsync(userId, cancellationToken) : null;
            return new ShellActor(false, true, null, user);
        }

        return new ShellActor(false, false, null, null);
    }
}
