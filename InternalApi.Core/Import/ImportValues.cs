using InternalApi.Core.Model;

namespace InternalApi.Core.Import;

/// <summary>The snake_case names an import file uses for enumerations, and GitLab's path rule.</summary>
public static class ImportValues
{
    /// <summary>User states.</summary>
    public static readonly IReadOnlyDictionary<string, UserState> UserStates = new Dictionary<string, UserState>(StringComparer.Ordinal)
    {
        ["active"] = UserState.Active,
        ["blocked"] = UserState.Blocked,
        ["deactivated"] = UserState.Deactivated,
        ["blocked_pending_approval"] = UserState.BlockedPendingApproval,
        ["ldap_blocked"] = UserState.LdapBlocked,
    };

    /// <summary>User types.</summary>
    public static readonly IReadOnlyDictionary<string, UserType> UserTypes = new Dictionary<string, UserType>(StringComparer.Ordinal)
    {
        ["human"] = UserType.Human,
        ["internal"] = UserType.Internal,
    };

    /// <summary>Project visibility levels.</summary>
    public static readonly IReadOnlyDictionary<string, Visibility> Visibilities = new Dictionary<string, Visibility>(StringComparer.Ordinal)
    {
        ["private"] = Visibility.Private,
        ["internal"] = Visibility.Internal,
        ["public"] = Visibility.Public,
    };

    /// <summary>Feature access levels (repository, wiki).</summary>
    public static readonly IReadOnlyDictionary<string, FeatureAccess> FeatureAccessLevels = new Dictionary<string, FeatureAccess>(StringComparer.Ordinal)
    {
        ["disabled"] = FeatureAccess.Disabled,
        ["private"] = FeatureAccess.Private,
        ["enabled"] = FeatureAccess.Enabled,
    };

    /// <summary>Membership roles.</summary>
    public static readonly IReadOnlyDictionary<string, AccessLevel> Roles = new Dictionary<string, AccessLevel>(StringComparer.Ordinal)
    {
        ["guest"] = AccessLevel.Guest,
        ["planner"] = AccessLevel.Planner,
        ["reporter"] = AccessLevel.Reporter,
        ["developer"] = AccessLevel.Developer,
        ["maintainer"] = AccessLevel.Maintainer,
        ["owner"] = AccessLevel.Owner,
    };

    /// <summary>Levels a protected branch or tag rule may allow (GitLab's 0, 30, 40, 60).</summary>
    public static readonly IReadOnlyDictionary<string, AccessLevel> ProtectedRefLevels = new Dictionary<string, AccessLevel>(StringComparer.Ordinal)
    {
        ["no_one"] = AccessLevel.NoAccess,
        ["developer"] = AccessLevel.Developer,
        ["maintainer"] = AccessLevel.Maintainer,
        ["admin"] = AccessLevel.Admin,
    };

    /// <summary>SSH key usage types.</summary>
    public static readonly IReadOnlyDictionary<string, string> KeyUsageTypes = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["auth"] = "auth",
        ["signing"] = "signing",
        ["auth_and_signing"] = "auth_and_signing",
    };

    /// <summary>A group's enabled Git access protocol (<c>all</c> is stored as null, GitLab's empty setting).</summary>
    public static readonly IReadOnlyDictionary<string, string?> GitAccessProtocols = new Dictionary<string, string?>(StringComparer.Ordinal)
    {
        ["all"] = null,
        ["ssh"] = "ssh",
        ["http"] = "http",
    };

    /// <summary>The problem GitLab reports for a bad path segment.</summary>
    public const string PathRule = "can contain only letters, digits, '_', '-' and '.'; cannot start with '-' or end in '.', '.git' or '.atom'";

    /// <summary>
    /// GitLab's rule for one segment of a username, group or project path: letters, digits, <c>_</c>,
    /// <c>-</c>, <c>.</c>; it starts with a letter, digit or <c>_</c> and does not end in <c>.</c>, <c>.git</c> or <c>.atom</c>.
    /// </summary>
    public static bool IsPathSegment(string segment) =>
        segment.Length > 0 &&
        (char.IsAsciiLetterOrDigit(segment[0]) || segment[0] == '_') &&
        segment.All(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '-' or '.') &&
        !segment.EndsWith('.') &&
        !segment.EndsWith(".git", StringComparison.OrdinalIgnoreCase) &&
        !segment.EndsWith(".atom", StringComparison.OrdinalIgnoreCase);

    /// <summary>Whether every <c>/</c>-separated segment of a full path follows <see cref="IsPathSegment"/>.</summary>
    public static bool IsFullPath(string path) => path.Split('/').All(IsPathSegment);
}
