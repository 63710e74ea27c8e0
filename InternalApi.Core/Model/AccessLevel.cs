namespace InternalApi.Core.Model;

/// <summary>GitLab membership access levels (the integers GitLab stores).</summary>
public enum AccessLevel
{
    /// <summary>No access / "No one" in protected-ref rules.</summary>
    NoAccess = 0,

    /// <summary>Minimal access.</summary>
    MinimalAccess = 5,

    /// <summary>Guest.</summary>
    Guest = 10,

    /// <summary>Planner.</summary>
    Planner = 15,

    /// <summary>Reporter.</summary>
    Reporter = 20,

    /// <summary>Developer.</summary>
    Developer = 30,

    /// <summary>Maintainer.</summary>
    Maintainer = 40,

    /// <summary>Owner.</summary>
    Owner = 50,

    /// <summary>Instance administrator (used in protected-ref rules).</summary>
    Admin = 60,
}
