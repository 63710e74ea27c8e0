namespace InternalApi.Core.Pages;

/// <summary>A project's Pages access level (GitLab's <c>pages_access_level</c>).</summary>
public enum PagesAccessLevel
{
    /// <summary>Pages off: the site is not served.</summary>
    Disabled = 0,

    /// <summary>Only project members (private Pages).</summary>
    Private = 10,

    /// <summary>Everyone with access to the project.</summary>
    Enabled = 20,

    /// <summary>Everyone, whatever the project's visibility.</summary>
    Public = 30,
}

/// <summary>The deployment a site serves: a zip in blob storage and what was computed when it was published.</summary>
public sealed record PagesDeployment
{
    /// <summary>Id (<c>gid://gitlab/PagesDeployment/&lt;id&gt;</c> on the wire).</summary>
    public required long Id { get; init; }

    /// <summary>Blob name inside the deployments' container.</summary>
    public required string BlobName { get; init; }

    /// <summary>SHA-256 of the zip, lower-case hex.</summary>
    public required string Sha256 { get; init; }

    /// <summary>Size of the zip in bytes.</summary>
    public required long FileSize { get; init; }

    /// <summary>Number of entries in the zip.</summary>
    public required int FileCount { get; init; }

    /// <summary>The folder of the zip the site is served from (GitLab: <c>public</c> unless the job says otherwise).</summary>
    public string RootDirectory { get; init; } = "public";

    /// <summary>When it was published.</summary>
    public DateTimeOffset CreatedAt { get; init; }
}

/// <summary>A project's Pages site: its settings, where it lives and the deployment it serves.</summary>
public sealed record PagesSite
{
    /// <summary>Project id.</summary>
    public required long ProjectId { get; init; }

    /// <summary>The project's full path, e.g. <c>gnuwget/wget2</c> (the prefix under the namespace host comes from it).</summary>
    public required string FullPath { get; init; }

    /// <summary>The project's top-level namespace id (the site's partition).</summary>
    public required long RootNamespaceId { get; init; }

    /// <summary>The top-level namespace's path, e.g. <c>gnuwget</c>.</summary>
    public required string RootNamespacePath { get; init; }

    /// <summary>Whether the project sits directly in its top-level namespace (a group root site can only be there).</summary>
    public bool InRootNamespace { get; init; }

    /// <summary>The project's visibility, copied when the site is written (access control needs it).</summary>
    public Model.Visibility Visibility { get; init; } = Model.Visibility.Private;

    /// <summary>Pages access level.</summary>
    public PagesAccessLevel AccessLevel { get; init; } = PagesAccessLevel.Enabled;

    /// <summary>Redirect HTTP to HTTPS (GitLab's <c>pages_https_only</c>, on by default).</summary>
    public bool HttpsOnly { get; init; } = true;

    /// <summary>The unique domain's name (the label before the Pages host), or null.</summary>
    public string? UniqueDomain { get; init; }

    /// <summary>Whether the site is served at its unique domain.</summary>
    public bool UniqueDomainEnabled { get; init; }

    /// <summary>The domain other domains of the site redirect to, or null.</summary>
    public string? PrimaryDomain { get; init; }

    /// <summary>The active deployment, or null before the first publish.</summary>
    public PagesDeployment? Deployment { get; init; }

    /// <summary>Whether the site is served at all: Pages not disabled and a deployment published.</summary>
    public bool IsDeployed => AccessLevel != PagesAccessLevel.Disabled && Deployment is not null;
}

/// <summary>A custom domain of a Pages site. The key is held encrypted (<see cref="PagesDomainKeyProtector"/>), never in clear.</summary>
public sealed record PagesDomain
{
    /// <summary>The domain, lower-cased.</summary>
    public required string Domain { get; init; }

    /// <summary>The project it serves.</summary>
    public required long ProjectId { get; init; }

    /// <summary>The project's top-level namespace id.</summary>
    public required long RootNamespaceId { get; init; }

    /// <summary>GitLab's <c>enabled?</c> (<c>enabled_until</c> set): the domain is served.</summary>
    public bool Enabled { get; init; } = true;

    /// <summary>Whether its ownership was verified.</summary>
    public bool Verified { get; init; }

    /// <summary>The certificate chain (PEM), or null.</summary>
    public string? Certificate { get; init; }

    /// <summary>The private key, encrypted, or null.</summary>
    public TwoFactor.ProtectedOtpSecret? ProtectedKey { get; init; }
}
