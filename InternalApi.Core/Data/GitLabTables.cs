using Azure.Data.Tables;
using InternalApi.Core.Storage;
using Microsoft.Extensions.Options;

namespace InternalApi.Core.Data;

/// <summary>
/// The tables the app keeps, with the configured prefix. Layout favours point reads on the hot paths
/// (<c>/allowed</c>, <c>/authorized_keys</c>): every lookup by id, path, username or fingerprint is one
/// PartitionKey+RowKey read.
/// </summary>
public sealed class GitLabTables : ITableSet
{
    /// <summary>Creates a client per table (clients are cheap and share the service's pipeline).</summary>
    public GitLabTables(TableServiceClient service, IOptions<StorageOptions> options)
    {
        ArgumentNullException.ThrowIfNull(service);
        ArgumentNullException.ThrowIfNull(options);
        var prefix = options.Value.TablePrefix;
        TableClient Table(string name) => service.GetTableClient(prefix + name);
        Users = Table("Users");
        UsernameIndex = Table("UsernameIndex");
        SshKeys = Table("SshKeys");
        SshKeyFingerprints = Table("SshKeyFingerprints");
        UserSshKeys = Table("UserSshKeys");
        DeployKeyProjects = Table("DeployKeyProjects");
        Namespaces = Table("Namespaces");
        NamespacePaths = Table("NamespacePaths");
        Projects = Table("Projects");
        ProjectRoutes = Table("ProjectRoutes");
        Members = Table("Members");
        ProtectedRefs = Table("ProtectedRefs");
        PersonalAccessTokens = Table("PersonalAccessTokens");
        ErrorTrackingKeys = Table("ErrorTrackingKeys");
        ReferenceCounters = Table("ReferenceCounters");
        StoredMessages = Table("StoredMessages");
        Sequences = Table("Sequences");
        BroadcastMessages = Table("BroadcastMessages");
        UserEmails = Table("UserEmails");
        NamespaceTree = Table("NamespaceTree");
    }

    /// <summary>PK user id.</summary>
    public TableClient Users { get; }

    /// <summary>PK lower-cased username → user id.</summary>
    public TableClient UsernameIndex { get; }

    /// <summary>PK key id.</summary>
    public TableClient SshKeys { get; }

    /// <summary>
    /// PK SHA-256 fingerprint (encoded) → key id, plus the key and its owner's name as <c>/authorized_keys</c>
    /// answers them (one read per SSH login; kept current by every key and user write).
    /// </summary>
    public TableClient SshKeyFingerprints { get; }

    /// <summary>PK user id, RK key id: the keys a user owns or created, to refresh their fingerprint rows when the user changes.</summary>
    public TableClient UserSshKeys { get; }

    /// <summary>PK deploy key id, RK project id.</summary>
    public TableClient DeployKeyProjects { get; }

    /// <summary>PK namespace id.</summary>
    public TableClient Namespaces { get; }

    /// <summary>PK lower-cased full path (encoded) → namespace id.</summary>
    public TableClient NamespacePaths { get; }

    /// <summary>PK project id.</summary>
    public TableClient Projects { get; }

    /// <summary>PK lower-cased full path (encoded) → project id, current or redirect.</summary>
    public TableClient ProjectRoutes { get; }

    /// <summary>PK <c>project-N</c>/<c>group-N</c>, RK user id → access level.</summary>
    public TableClient Members { get; }

    /// <summary>PK project id, RK <c>branch:</c>/<c>tag:</c> + pattern.</summary>
    public TableClient ProtectedRefs { get; }

    /// <summary>PK token digest.</summary>
    public TableClient PersonalAccessTokens { get; }

    /// <summary>PK project id, RK public key.</summary>
    public TableClient ErrorTrackingKeys { get; }

    /// <summary>PK gl_repository → in-flight push count.</summary>
    public TableClient ReferenceCounters { get; }

    /// <summary>PK message key → text with expiry (moved / project created).</summary>
    public TableClient StoredMessages { get; }

    /// <summary>PK <c>sequence</c>, RK name → next id.</summary>
    public TableClient Sequences { get; }

    /// <summary>PK <c>broadcast</c>, RK id → command-line broadcast messages.</summary>
    public TableClient BroadcastMessages { get; }

    /// <summary>PK lower-cased primary e-mail (encoded) → user id (SCIM finds users by e-mail).</summary>
    public TableClient UserEmails { get; }

    /// <summary>PK top-level namespace id; RK <c>n-{id}</c> per namespace below it, <c>p-{id}</c> per project in them (<see cref="Data.NamespaceTree"/>).</summary>
    public TableClient NamespaceTree { get; }

    /// <summary>Every table the store uses (created at start).</summary>
    public IReadOnlyList<TableClient> All =>
    [
        Users, UsernameIndex, SshKeys, SshKeyFingerprints, UserSshKeys, DeployKeyProjects, Namespaces, NamespacePaths, Projects,
        ProjectRoutes, Members, ProtectedRefs, PersonalAccessTokens, ErrorTrackingKeys, ReferenceCounters, StoredMessages, Sequences,
        BroadcastMessages, UserEmails, NamespaceTree,
    ];
}
