using System.Globalization;
using Azure.Data.Tables;
using InternalApi.Core.Model;
using InternalApi.Core.Storage;

namespace InternalApi.Core.Data;

/// <summary>Maps domain records to and from table entities. Lists are stored comma-joined (their items never contain commas).</summary>
internal static class EntityMapping
{
    public static string Id(long id) => id.ToString(CultureInfo.InvariantCulture);

    public static string PathKey(string path) => TableKey.Encode(path.Trim('/').ToLowerInvariant());

    /// <summary>A project route: the current path (<paramref name="redirect"/> false) or an old one that redirects.</summary>
    public static TableEntity RouteRow(string pathKey, long projectId, bool redirect) =>
        new(Spread.PartitionOf(pathKey), pathKey) { ["ProjectId"] = projectId, ["Redirect"] = redirect };

    /// <summary>
    /// A key's place in its user's list (<c>UserSshKeys</c>): in the spread partition of the user, keyed
    /// <c>{user}:{key}</c>, so one range query inside one partition lists a user's keys and the import batches them.
    /// </summary>
    public static TableEntity UserKeyRow(long userId, long keyId) => new(Spread.PartitionOf(Id(userId)), UserKeyPrefix(userId) + Id(keyId));

    /// <summary>The RowKey prefix of the user's rows in <c>UserSshKeys</c> (<c>:</c> sorts before <c>;</c>, which ends the range).</summary>
    public static string UserKeyPrefix(long userId) => Id(userId) + ":";

    public static string Join<T>(IEnumerable<T> items) => string.Join(',', items.Select(i => Convert.ToString(i, CultureInfo.InvariantCulture)));

    public static IReadOnlyList<string> SplitStrings(string? value) =>
        string.IsNullOrEmpty(value) ? [] : value.Split(',', StringSplitOptions.RemoveEmptyEntries);

    // The numeric lists are parsed straight from the stored text into an array of their exact size (no
    // intermediate string array, iterator or growing list): a push with changes reads every rule of the project.
    public static IReadOnlyList<long> SplitLongs(string? value)
    {
        if (string.IsNullOrEmpty(value))
        {
            return [];
        }

        var result = new long[CountItems(value)];
        var next = 0;
        foreach (var range in value.AsSpan().Split(','))
        {
            if (value.AsSpan(range) is { IsEmpty: false } item)
            {
                result[next++] = long.Parse(item, CultureInfo.InvariantCulture);
            }
        }

        return result;
    }

    public static IReadOnlyList<AccessLevel> SplitAccessLevels(string? value)
    {
        if (string.IsNullOrEmpty(value))
        {
            return [];
        }

        var result = new AccessLevel[CountItems(value)];
        var next = 0;
        foreach (var range in value.AsSpan().Split(','))
        {
            if (value.AsSpan(range) is { IsEmpty: false } item)
            {
                result[next++] = (AccessLevel)(int)long.Parse(item, CultureInfo.InvariantCulture);
            }
        }

        return result;
    }

    private static int CountItems(string value)
    {
        var count = 0;
        foreach (var range in value.AsSpan().Split(','))
        {
            count += value.AsSpan(range).IsEmpty ? 0 : 1;
        }

        return count;
    }

    public static TEnum Enum<TEnum>(string? value, TEnum fallback)
        where TEnum : struct, System.Enum =>
        System.Enum.TryParse<TEnum>(value, ignoreCase: true, out var parsed) ? parsed : fallback;

    public static TableEntity ToEntity(User u) => new(Spread.PartitionOf(Id(u.Id)), Id(u.Id))
    {
        ["Username"] = u.Username,
        ["Name"] = u.Name,
        ["Email"] = u.Email,
        ["State"] = u.State.ToString(),
        ["Type"] = u.Type.ToString(),
        ["Admin"] = u.Admin,
        ["External"] = u.External,
        ["EmailConfirmed"] = u.EmailConfirmed,
        ["PasswordExpired"] = u.PasswordExpired,
        ["TwoFactorEnabled"] = u.TwoFactorEnabled,
        ["CanCreateProject"] = u.CanCreateProject,
        ["CanCreatePersonalAccessToken"] = u.CanCreatePersonalAccessToken,
        ["RecoveryCodeDigests"] = Join(u.RecoveryCodeDigests),
        ["NamespaceId"] = u.NamespaceId,
        ["CreatedAt"] = u.CreatedAt,
        ["LastActivityAt"] = u.LastActivityAt,
    };

    public static User ToUser(TableEntity e) => new()
    {
        Id = long.Parse(e.RowKey, CultureInfo.InvariantCulture),
        Username = e.GetString("Username") ?? "",
        Name = e.GetString("Name") ?? "",
        Email = e.GetString("Email"),
        State = Enum(e.GetString("State"), UserState.Active),
        Type = Enum(e.GetString("Type"), UserType.Human),
        Admin = e.GetBoolean("Admin") ?? false,
        External = e.GetBoolean("External") ?? false,
        EmailConfirmed = e.GetBoolean("EmailConfirmed") ?? true,
        PasswordExpired = e.GetBoolean("PasswordExpired") ?? false,
        TwoFactorEnabled = e.GetBoolean("TwoFactorEnabled") ?? false,
        CanCreateProject = e.GetBoolean("CanCreateProject") ?? true,
        CanCreatePersonalAccessToken = e.GetBoolean("CanCreatePersonalAccessToken") ?? true,
        RecoveryCodeDigests = SplitStrings(e.GetString("RecoveryCodeDigests")),
        NamespaceId = e.GetInt64("NamespaceId"),
        CreatedAt = e.GetDateTimeOffset("CreatedAt") ?? default,
        LastActivityAt = e.GetDateTimeOffset("LastActivityAt"),
    };

    public static TableEntity ToEntity(SshKey k) => new(Spread.PartitionOf(Id(k.Id)), Id(k.Id))
    {
        ["Kind"] = k.Kind.ToString(),
        ["UserId"] = k.UserId,
        ["Title"] = k.Title,
        ["KeyType"] = k.KeyType,
        ["Blob"] = k.Blob,
        ["Fingerprint"] = k.Fingerprint,
        ["UsageType"] = k.UsageType,
        ["CreatedAt"] = k.CreatedAt,
        ["ExpiresAt"] = k.ExpiresAt,
        ["LastUsedAt"] = k.LastUsedAt,
    };

    public static SshKey ToKey(TableEntity e) => new()
    {
        Id = long.Parse(e.RowKey, CultureInfo.InvariantCulture),
        Kind = Enum(e.GetString("Kind"), SshKeyKind.User),
        UserId = e.GetInt64("UserId"),
        Title = e.GetString("Title") ?? "",
        KeyType = e.GetString("KeyType") ?? "",
        Blob = e.GetString("Blob") ?? "",
        Fingerprint = e.GetString("Fingerprint") ?? "",
        UsageType = e.GetString("UsageType") ?? "auth_and_signing",
        CreatedAt = e.GetDateTimeOffset("CreatedAt") ?? default,
        ExpiresAt = e.GetDateTimeOffset("ExpiresAt"),
        LastUsedAt = e.GetDateTimeOffset("LastUsedAt"),
    };

    public static TableEntity ToEntity(GitLabNamespace n) => new(Spread.PartitionOf(Id(n.Id)), Id(n.Id))
    {
        ["Kind"] = n.Kind.ToString(),
        ["Name"] = n.Name,
        ["FullPath"] = n.FullPath,
        ["ParentId"] = n.ParentId,
        ["RootId"] = n.RootId,
        ["OwnerId"] = n.OwnerId,
        ["GitAccessProtocol"] = n.GitAccessProtocol,

        // Both are written only when set: the many rows without them stay as they were.
        ["IpRestrictions"] = n.IpRestrictions.Count == 0 ? null : string.Join(' ', n.IpRestrictions),
        ["EnforceSshCertificates"] = n.EnforceSshCertificates ? true : null,
    };

    public static GitLabNamespace ToNamespace(TableEntity e) => new()
    {
        Id = long.Parse(e.RowKey, CultureInfo.InvariantCulture),
        Kind = Enum(e.GetString("Kind"), NamespaceKind.Group),
        Name = e.GetString("Name") ?? "",
        FullPath = e.GetString("FullPath") ?? "",
        ParentId = e.GetInt64("ParentId"),
        RootId = e.GetInt64("RootId") ?? 0,
        OwnerId = e.GetInt64("OwnerId"),
        GitAccessProtocol = e.GetString("GitAccessProtocol"),
        IpRestrictions = e.GetString("IpRestrictions") is { Length: > 0 } ranges ? ranges.Split(' ', StringSplitOptions.RemoveEmptyEntries) : [],
        EnforceSshCertificates = e.GetBoolean("EnforceSshCertificates") ?? false,
    };

    public static TableEntity ToEntity(Project p) => new(Spread.PartitionOf(Id(p.Id)), Id(p.Id))
    {
        ["Name"] = p.Name,
        ["NamespaceId"] = p.NamespaceId,
        ["FullPath"] = p.FullPath,
        ["Visibility"] = p.Visibility.ToString(),
        ["RepositoryAccess"] = p.RepositoryAccess.ToString(),
        ["WikiAccess"] = p.WikiAccess.ToString(),
        ["MergeRequestsEnabled"] = p.MergeRequestsEnabled,
        ["PrintMergeRequestLink"] = p.PrintMergeRequestLink,
        ["LfsEnabled"] = p.LfsEnabled,
        ["ErrorTrackingEnabled"] = p.ErrorTrackingEnabled,
        ["Archived"] = p.Archived,
        ["RepositoryReadOnly"] = p.RepositoryReadOnly,
        ["RepositoryExists"] = p.RepositoryExists,
        ["DefaultBranch"] = p.DefaultBranch,
        ["StorageName"] = p.StorageName,
        ["CreatorId"] = p.CreatorId,
        ["CreatedAt"] = p.CreatedAt,
        ["LastActivityAt"] = p.LastActivityAt,
        ["LastRepositoryUpdatedAt"] = p.LastRepositoryUpdatedAt,
    };

    public static Project ToProject(TableEntity e) => new()
    {
        Id = long.Parse(e.RowKey, CultureInfo.InvariantCulture),
        Name = e.GetString("Name") ?? "",
        NamespaceId = e.GetInt64("NamespaceId") ?? 0,
        FullPath = e.GetString("FullPath") ?? "",
        Visibility = Enum(e.GetString("Visibility"), Visibility.Private),
        RepositoryAccess = Enum(e.GetString("RepositoryAccess"), FeatureAccess.Enabled),
        WikiAccess = Enum(e.GetString("WikiAccess"), FeatureAccess.Enabled),
        MergeRequestsEnabled = e.GetBoolean("MergeRequestsEnabled") ?? true,
        PrintMergeRequestLink = e.GetBoolean("PrintMergeRequestLink") ?? true,
        LfsEnabled = e.GetBoolean("LfsEnabled") ?? true,
        ErrorTrackingEnabled = e.GetBoolean("ErrorTrackingEnabled") ?? false,
        Archived = e.GetBoolean("Archived") ?? false,
        RepositoryReadOnly = e.GetBoolean("RepositoryReadOnly") ?? false,
        RepositoryExists = e.GetBoolean("RepositoryExists") ?? true,
        DefaultBranch = e.GetString("DefaultBranch"),
        StorageName = e.GetString("StorageName") ?? "default",
        CreatorId = e.GetInt64("CreatorId"),
        CreatedAt = e.GetDateTimeOffset("CreatedAt") ?? default,
        LastActivityAt = e.GetDateTimeOffset("LastActivityAt"),
        LastRepositoryUpdatedAt = e.GetDateTimeOffset("LastRepositoryUpdatedAt"),
    };

    public static string ProtectedRefRowKey(RefKind kind, string pattern) =>
        (kind == RefKind.Branch ? "branch:" : "tag:") + TableKey.Encode(pattern);

    public static TableEntity ToEntity(ProtectedRef r) => new(Id(r.ProjectId), ProtectedRefRowKey(r.Kind, r.Pattern))
    {
        ["Kind"] = r.Kind.ToString(),
        ["Pattern"] = r.Pattern,
        ["PushAccessLevels"] = Join(r.PushAccessLevels.Select(l => (int)l)),
        ["MergeAccessLevels"] = Join(r.MergeAccessLevels.Select(l => (int)l)),
        ["AllowForcePush"] = r.AllowForcePush,
        ["DeployKeyIds"] = Join(r.DeployKeyIds),
    };

    public static ProtectedRef ToProtectedRef(TableEntity e) => new()
    {
        ProjectId = long.Parse(e.PartitionKey, CultureInfo.InvariantCulture),
        Kind = Enum(e.GetString("Kind"), RefKind.Branch),
        Pattern = e.GetString("Pattern") ?? "",
        PushAccessLevels = SplitAccessLevels(e.GetString("PushAccessLevels")),
        MergeAccessLevels = SplitAccessLevels(e.GetString("MergeAccessLevels")),
        AllowForcePush = e.GetBoolean("AllowForcePush") ?? false,
        DeployKeyIds = SplitLongs(e.GetString("DeployKeyIds")),
    };

    public static TableEntity ToEntity(PersonalAccessToken t) => new(t.Digest, "")
    {
        ["Id"] = t.Id,
        ["UserId"] = t.UserId,
        ["Name"] = t.Name,
        ["Scopes"] = Join(t.Scopes),
        ["ExpiresAt"] = t.ExpiresAt?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
        ["Revoked"] = t.Revoked,
        ["CreatedAt"] = t.CreatedAt,
        ["LastUsedAt"] = t.LastUsedAt,
    };

    public static PersonalAccessToken ToToken(TableEntity e) => new()
    {
        Id = e.GetInt64("Id") ?? 0,
        UserId = e.GetInt64("UserId") ?? 0,
        Name = e.GetString("Name") ?? "",
        Digest = e.PartitionKey,
        Scopes = SplitStrings(e.GetString("Scopes")),
        ExpiresAt = DateOnly.TryParseExact(e.GetString("ExpiresAt"), "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var d) ? d : null,
        Revoked = e.GetBoolean("Revoked") ?? false,
        CreatedAt = e.GetDateTimeOffset("CreatedAt") ?? default,
        LastUsedAt = e.GetDateTimeOffset("LastUsedAt"),
    };
}
