using InternalApi.Core.Model;

namespace InternalApi.Core.Scim;

/// <summary>
/// Where SCIM identities live: one group (group SCIM) or the instance (identities linked to no group).
/// A group scope carries what provisioning needs of the group and its SAML provider.
/// </summary>
public sealed record ScimScope
{
    /// <summary>The instance scope.</summary>
    public static ScimScope Instance { get; } = new();

    /// <summary>The group, null for the instance.</summary>
    public GitLabNamespace? Group { get; init; }

    /// <summary>The group's SAML provider, null for the instance.</summary>
    public SamlProvider? Provider { get; init; }

    /// <summary>Whether this is a group scope.</summary>
    public bool IsGroup => Group is not null;

    /// <summary>The storage partition of the scope's identities: <c>group-&lt;id&gt;</c> or <c>instance</c>.</summary>
    public string Key => Group is { } g ? ScimTables.GroupScope(g.Id) : ScimTables.InstanceScope;

    /// <summary>A group's scope.</summary>
    public static ScimScope ForGroup(GitLabNamespace group, SamlProvider provider) => new() { Group = group, Provider = provider };
}

/// <summary>A group's SAML SSO configuration: whether it is on, and the role SCIM-provisioned members get.</summary>
public sealed record SamlProvider(long GroupId, bool Enabled, AccessLevel DefaultMembershipRole);

/// <summary>A SCIM identity: the IdP's external UID linked to a user, in one scope.</summary>
public sealed record ScimIdentity(string ExternUid, long UserId, bool Active);

/// <summary>The SCIM User resource (spec §6.1) before serialization.</summary>
public sealed record ScimUser(string Id, bool Active, string Name, string UserName, string? Email);

/// <summary>One page of a list (spec §6.1 list response).</summary>
public sealed record ScimUserPage(int TotalResults, int ItemsPerPage, int StartIndex, IReadOnlyList<ScimUser> Resources);

/// <summary>GitLab's kinds of SCIM failure (spec §6.1); the edge answers each with its status in the SCIM error object.</summary>
public enum ScimErrorKind
{
    /// <summary>No such resource in the scope.</summary>
    NotFound,

    /// <summary>The user the request would create exists already (e-mail or username taken).</summary>
    Conflict,

    /// <summary>Everything else GitLab reports with the SCIM error object (a filter it does not support, a failed save).</summary>
    Refused,
}

/// <summary>A SCIM-level failure: its kind and the error object's <c>detail</c>, GitLab's text.</summary>
public sealed class ScimException(ScimErrorKind kind, string detail) : Exception(detail)
{
    /// <summary>The kind of failure.</summary>
    public ScimErrorKind Kind { get; } = kind;

    /// <summary>The error object's <c>detail</c>.</summary>
    public string Detail { get; } = detail;

    /// <summary>Not found: <c>Resource &lt;id&gt; not found</c>.</summary>
    public static ScimException ResourceNotFound(string id) => new(ScimErrorKind.NotFound, $"Resource {id} not found");

    /// <summary>GitLab's catch-all SCIM error.</summary>
    public static ScimException Refused(string detail) => new(ScimErrorKind.Refused, detail);
}
