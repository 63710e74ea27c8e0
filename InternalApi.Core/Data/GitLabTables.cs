using InternalApi.Core.Storage;
using Microsoft.Extensions.Options;

namespace InternalApi.Core.Data;

/// <summary>
/// The tables the app keeps, with the configured prefix. Layout favours point reads on the hot paths
/// (<c>/allowed</c>, <c>/authorized_keys</c>): every lookup by id, path, username or fingerprint is one
/// PartitionKey+RowKey read.
/// </summary>
public sealed class GitLabTables(IOptions<StorageOptions> options) : ITableSet
{
    private readonly string _prefix = options.Value.TablePrefix;

    /// <summary>PK user id.</summary>
    public string Users => _prefix + "Users";

    /// <summary>PK lower-cased username → user id.</summary>
    public string UsernameIndex => _prefix + "UsernameIndex";

    /// <summary>PK key id.</summary>
    public string SshKeys => _prefix + "SshKeys";

    /// <summary>PK SHA-256 fingerprint (encoded) → key id.</summary>
    public string SshKeyFingerprints => _prefix + "SshKeyFingerprints";

    /// <summary>PK deploy key id, RK project id.</summary>
    public string DeployKeyProjects => _prefix + "DeployKeyProjects";

    /// <summary>PK namespace id.</summary>
    public string Namespaces => _prefix + "Namespaces";

    /// <summary>PK lower-cased full path (encoded) → namespace id.</summary>
    public string NamespacePaths => _prefix + "NamespacePaths";

    /// <summary>PK project id.</summary>
    public string Projects => _prefix + "Projects";

    /// <summary>PK lower-cased full path (encoded) → project id, current or redirect.</summary>
    public string ProjectRoutes => _prefix + "ProjectRoutes";

    /// <summary>PK <c>project-N</c>/<c>group-N</c>, RK user id → access level.</summary>
    public string Members => _prefix + "Members";

    /// <summary>PK project id, RK <c>branch:</c>/<c>tag:</c> + pattern.</summary>
    public string ProtectedRefs => _prefix + "ProtectedRefs";

    /// <summary>PK token digest.</summary>
    public string PersonalAccessTokens => _prefix + "PersonalAccessTokens";

    /// <summary>PK project id, RK public key.</summary>
    public string ErrorTrackingKeys => _prefix + "ErrorTrackingKeys";

    /// <summary>PK gl_repository → in-flight push count.</summary>
    public string ReferenceCounters => _prefix + "ReferenceCounters";

    /// <summary>PK message key → text with expiry (moved / project created).</summary>
    public string StoredMessages => _prefix + "StoredMessages";

    /// <summary>PK <c>sequence</c>, RK name → next id.</summary>
    public string Sequences => _prefix + "Sequences";

    /// <summary>PK <c>broadcast</c>, RK id → command-line broadcast messages.</summary>
    public string BroadcastMessages => _prefix + "BroadcastMessages";

    /// <summary>Every table the store uses (created at start).</summary>
    public IReadOnlyList<string> All =>
    [
        Users, UsernameIndex, SshKeys, SshKeyFingerprints, DeployKeyProjects, Namespaces, NamespacePaths, Projects,
        ProjectRoutes, Members, ProtectedRefs, PersonalAccessTokens, ErrorTrackingKeys, ReferenceCounters, StoredMessages, Sequences,
        BroadcastMessages,
    ];
}
