namespace InternalApi.Core.Model;

/// <summary>User namespace or group.</summary>
public enum NamespaceKind
{
    /// <summary>A user's personal namespace.</summary>
    User,

    /// <summary>A group (possibly a subgroup).</summary>
    Group,
}

/// <summary>A namespace: a user's personal one or a (sub)group.</summary>
public sealed record GitLabNamespace
{
    /// <summary>Id.</summary>
    public required long Id { get; init; }

    /// <summary>Kind.</summary>
    public NamespaceKind Kind { get; init; } = NamespaceKind.Group;

    /// <summary>Display name.</summary>
    public required string Name { get; init; }

    /// <summary>Full path, e.g. <c>gnuwget</c> or <c>acme/platform</c>.</summary>
    public required string FullPath { get; init; }

    /// <summary>Parent group, null at the top.</summary>
    public long? ParentId { get; init; }

    /// <summary>Top-level namespace id (itself at the top).</summary>
    public long RootId { get; init; }

    /// <summary>Owner of a user namespace.</summary>
    public long? OwnerId { get; init; }

    /// <summary>Group setting "enabled Git access protocol" (<c>all</c>/empty, <c>ssh</c>, <c>http</c>).</summary>
    public string? GitAccessProtocol { get; init; }

    /// <summary>
    /// Top-level groups: the IP allow-list (EE <c>ip_restrictions</c>), CIDR ranges in <see cref="IpRange"/>'s
    /// <c>network/prefix</c> form. Empty allows every address. Kept on the namespace row, which every access
    /// check already reads, so enforcing it costs no storage call.
    /// </summary>
    public IReadOnlyList<string> IpRestrictions { get; init; } = [];

    /// <summary>
    /// Top-level groups: human users may use Git over SSH only with an SSH certificate of the group's CA, not
    /// with a plain key (EE <c>enforce_ssh_certificates</c>).
    /// </summary>
    public bool EnforceSshCertificates { get; init; }
}
