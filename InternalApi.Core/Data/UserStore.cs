using Azure.Data.Tables;
using InternalApi.Core.Model;
using InternalApi.Core.Storage;
using static InternalApi.Core.Data.EntityMapping;

namespace InternalApi.Core.Data;

/// <summary>
/// Users and their username and e-mail index rows. Every lookup is a point read (the index row, then the
/// user); a write keeps the index rows and the fingerprint rows of the user's keys in step with the user.
/// </summary>
public sealed class UserStore(GitLabTables names, FingerprintStore fingerprints, TimeProvider time)
{
    /// <summary>User by id, or null.</summary>
    public async Task<User?> GetUserAsync(long id, CancellationToken cancellationToken = default) =>
        await names.Users.FindSpreadAsync(Id(id), cancellationToken: cancellationToken) is { } e ? ToUser(e) : null;

    /// <summary>User by username (case-insensitive), or null.</summary>
    public async Task<User?> FindUserByUsernameAsync(string username, CancellationToken cancellationToken = default)
    {
        if (string.IsNullOrWhiteSpace(username))
        {
            return null;
        }

        var index = await names.UsernameIndex.FindSpreadAsync(PathKey(username), cancellationToken: cancellationToken);
        return index?.GetInt64("UserId") is { } id ? await GetUserAsync(id, cancellationToken) : null;
    }

    /// <summary>User by primary e-mail (case-insensitive), or null; an index row left by a changed e-mail finds nobody.</summary>
    public async Task<User?> FindUserByEmailAsync(string email, CancellationToken cancellationToken = default)
    {
        if (string.IsNullOrWhiteSpace(email))
        {
            return null;
        }

        var index = await names.UserEmails.FindSpreadAsync(PathKey(email), cancellationToken: cancellationToken);
        return index?.GetInt64("UserId") is { } id && await GetUserAsync(id, cancellationToken) is { } user &&
            string.Equals(user.Email?.Trim(), email.Trim(), StringComparison.OrdinalIgnoreCase)
            ? user
            : null;
    }

    /// <summary>Creates or replaces a user and its username index, and the fingerprint rows of its keys when its name changes.</summary>
    public async Task UpsertUserAsync(User user, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(user);
        var previous = await GetUserAsync(user.Id, cancellationToken);
        await names.Users.UpsertEntityAsync(ToEntity(user), TableUpdateMode.Replace, cancellationToken);
        await names.UsernameIndex.UpsertEntityAsync(Spread.Row(PathKey(user.Username), "UserId", user.Id), TableUpdateMode.Replace, cancellationToken);
        if (previous is not null && !string.Equals(previous.Username, user.Username, StringComparison.OrdinalIgnoreCase))
        {
            await names.UsernameIndex.DeleteSpreadAsync(PathKey(previous.Username), cancellationToken: cancellationToken);
        }

        if (!string.IsNullOrWhiteSpace(user.Email))
        {
            await names.UserEmails.UpsertEntityAsync(Spread.Row(PathKey(user.Email), "UserId", user.Id), TableUpdateMode.Replace, cancellationToken);
        }

        if (!string.IsNullOrWhiteSpace(previous?.Email) && !string.Equals(previous.Email, user.Email, StringComparison.OrdinalIgnoreCase))
        {
            await names.UserEmails.DeleteSpreadAsync(PathKey(previous.Email), cancellationToken: cancellationToken);
        }

        // The fingerprint rows carry the display name (and, for a user that did not exist, whether it does):
        // nothing else of the user is in them, so other changes (state, username, flags) leave them as they are.
        if (previous is null || previous.Name != user.Name)
        {
            await fingerprints.RefreshKeysOfUserAsync(user.Id, cancellationToken);
        }
    }

    /// <summary>
    /// Records the user's activity, at most once per UTC day as GitLab does (its activity is a date), so the
    /// hot path writes once a day per user instead of on every pull. A merge: no read needed.
    /// </summary>
    public Task TouchUserActivityAsync(User user, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(user);
        var now = time.GetUtcNow();
        return user.LastActivityAt is { } seen && seen.UtcDateTime.Date == now.UtcDateTime.Date
            ? Task.CompletedTask
            : names.Users.MergeIfExistsAsync(Spread.Row(Id(user.Id), "LastActivityAt", now), cancellationToken);
    }

    /// <summary>Sets only the user's state (a merge: nothing else of the user is rewritten); false when the user is gone.</summary>
    public Task<bool> SetUserStateAsync(long userId, UserState state, CancellationToken cancellationToken = default) =>
        names.Users.MergeIfExistsAsync(Spread.Row(Id(userId), "State", state.ToString()), cancellationToken);

    /// <summary>Replaces the user's recovery code digests (the previous codes stop working).</summary>
    public Task ReplaceRecoveryCodesAsync(long userId, IReadOnlyList<string> digests, CancellationToken cancellationToken = default) =>
        names.Users.MergeIfExistsAsync(Spread.Row(Id(userId), "RecoveryCodeDigests", Join(digests)), cancellationToken);
}
