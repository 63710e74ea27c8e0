using System.Globalization;
using InternalApi.Core.Data;
using InternalApi.Core.Model;

namespace InternalApi.Core.Identity;

/// <summary>Who is acting.</summary>
public enum ActorKind
{
    /// <summary>Nobody could be resolved: anonymous rules apply.</summary>
    Anonymous,

    /// <summary>A user (by id, username, or through one of their SSH keys).</summary>
    User,

    /// <summary>A deploy key; <see cref="Actor.User"/> is its creator, if still present.</summary>
    DeployKey,
}

/// <summary>The resolved actor of a request.</summary>
public sealed record Actor(ActorKind Kind, User? User, SshKey? Key)
{
    /// <summary>The anonymous actor.</summary>
    public static Actor Anonymous { get; } = new(ActorKind.Anonymous, null, null);

    /// <summary>Whether the actor came from a <c>key_id</c> (user key or deploy key).</summary>
    public bool ViaKey => Key is not null;
}

/// <summary>The actor parameters GitLab understands, as sent (strings; ids may be numeric strings).</summary>
public sealed record ActorQuery(string? KeyId = null, string? UserId = null, string? Identifier = null, string? Username = null);

/// <summary>
/// Resolves the actor like GitLab: first present of <c>key_id</c> → <c>user_id</c> → <c>identifier</c>
/// (<c>user-N</c>/<c>key-N</c>) → <c>username</c>. Unknown ids resolve to anonymous, never to an error.
/// </summary>
public sealed class ActorResolver(UserStore users, SshKeyStore keys)
{
    /// <summary>Resolves the actor.</summary>
    public async Task<Actor> ResolveAsync(ActorQuery query, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(query);
        if (!string.IsNullOrWhiteSpace(query.KeyId))
        {
            return ParseId(query.KeyId) is { } keyId ? await FromKeyAsync(keyId, cancellationToken) : Actor.Anonymous;
        }

        if (!string.IsNullOrWhiteSpace(query.UserId))
        {
            return ParseId(query.UserId) is { } userId ? await FromUserAsync(userId, cancellationToken) : Actor.Anonymous;
        }

        if (!string.IsNullOrWhiteSpace(query.Identifier))
        {
            var identifier = query.Identifier.Trim();
            if (identifier.StartsWith("user-", StringComparison.Ordinal) && ParseId(identifier[5..]) is { } uid)
            {
                return await FromUserAsync(uid, cancellationToken);
            }

            if (identifier.StartsWith("key-", StringComparison.Ordinal) && ParseId(identifier[4..]) is { } kid)
            {
                return await FromKeyAsync(kid, cancellationToken);
            }

            return Actor.Anonymous;
        }

        if (!string.IsNullOrWhiteSpace(query.Username))
        {
            return await users.FindUserByUsernameAsync(query.Username.Trim(), cancellationToken) is { } user
                ? new Actor(ActorKind.User, user, null)
                : Actor.Anonymous;
        }

        return Actor.Anonymous;
    }

    /// <summary>Parses a positive integer id as GitLab's find-by-id would accept it.</summary>
    public static long? ParseId(string? value) =>
        long.TryParse(value?.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var id) && id > 0 ? id : null;

    private async Task<Actor> FromUserAsync(long id, CancellationToken cancellationToken) =>
        await users.GetUserAsync(id, cancellationToken) is { } user ? new Actor(ActorKind.User, user, null) : Actor.Anonymous;

    private async Task<Actor> FromKeyAsync(long id, CancellationToken cancellationToken)
    {
        var key = await keys.GetKeyAsync(id, cancellationToken);
        if (key is null || !key.UsableForAuth)
        {
            return Actor.Anonymous;
        }

        var owner = key.UserId is { } uid ? await users.GetUserAsync(uid, cancellationToken) : null;
        if (key.Kind == SshKeyKind.Deploy)
        {
            return new Actor(ActorKind.DeployKey, owner, key);
        }

        // A user key whose owner is gone behaves like an unknown key.
        return owner is null ? Actor.Anonymous : new Actor(ActorKind.User, owner, key);
    }
}
