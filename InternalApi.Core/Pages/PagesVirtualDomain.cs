namespace InternalApi.Core.Pages;

/// <summary>Where a lookup path's files are: a zip the daemon range-reads at <see cref="Path"/>.</summary>
public sealed record PagesSource(string Type, Uri Path, string GlobalId, string Sha256, long FileSize, int FileCount);

/// <summary>One site served under a host, at <see cref="Prefix"/> (GitLab's <c>Pages::LookupPath</c>).</summary>
public sealed record PagesLookupPath(
    long ProjectId,
    bool AccessControl,
    bool HttpsOnly,
    string Prefix,
    PagesSource Source,
    string? UniqueHost,
    string RootDirectory,
    string? PrimaryDomain,
    long RootNamespaceId);

/// <summary>What a host serves (GitLab's <c>Pages::VirtualDomain</c>): a custom domain's certificate and key, and the sites.</summary>
public sealed record PagesVirtualDomain(string? Certificate, string? Key, long RootNamespaceId, IReadOnlyList<PagesLookupPath> LookupPaths);
