namespace InternalApi.Core.Model;

/// <summary>User account state.</summary>
public enum UserState
{
    /// <summary>May use Git.</summary>
    Active,

    /// <summary>Blocked by an administrator (or LDAP).</summary>
    Blocked,

    /// <summary>Deactivated for inactivity; reactivates on web login.</summary>
    Deactivated,

    /// <summary>Awaiting administrator approval.</summary>
    BlockedPendingApproval,

    /// <summary>Blocked by the directory: LDAP sync, or instance SCIM deprovisioning (spec §6.12); GitLab treats it as blocked.</summary>
    LdapBlocked,
}

/// <summary>Kind of account.</summary>
public enum UserType
{
    /// <summary>A person.</summary>
    Human,

    /// <summary>Internal/bot user (ghost, support bot, ...): never uses Git.</summary>
    Internal,
}

/// <summary>A GitLab user.</summary>
public sealed record User
{
    /// <summary>Id.</summary>
    public required long Id { get; init; }

    /// <summary>Username (unique, case-insensitive).</summary>
    public required string Username { get; init; }

    /// <summary>Display name.</summary>
    public required string Name { get; init; }

    /// <summary>Primary e-mail.</summary>
    public string? Email { get; init; }

    /// <summary>State.</summary>
    public UserState State { get; init; } = UserState.Active;

    /// <summary>Kind of account.</summary>
    public UserType Type { get; init; } = UserType.Human;

    /// <summary>Instance administrator.</summary>
    public bool Admin { get; init; }

    /// <summary>External users see internal projects only as members.</summary>
    public bool External { get; init; }

    /// <summary>Primary e-mail confirmed.</summary>
    public bool EmailConfirmed { get; init; } = true;

    /// <summary>Password expired (must change it in the browser).</summary>
    public bool PasswordExpired { get; init; }

    /// <summary>Two-factor authentication enabled.</summary>
    public bool TwoFactorEnabled { get; init; }

    /// <summary>May create projects (in its namespace, or groups where it is Developer+ / Maintainer+).</summary>
    public bool CanCreateProject { get; init; } = true;

    /// <summary>May create personal access tokens.</summary>
    public bool CanCreatePersonalAccessToken { get; init; } = true;

    /// <summary>SHA-256 hex digests of the current OTP recovery codes.</summary>
    public IReadOnlyList<string> RecoveryCodeDigests { get; init; } = [];

    /// <summary>The user's personal namespace id, when known.</summary>
    public long? NamespaceId { get; init; }

    /// <summary>When the account was created.</summary>
    public DateTimeOffset CreatedAt { get; init; }

    /// <summary>Last Git/web activity.</summary>
    public DateTimeOffset? LastActivityAt { get; init; }
}
