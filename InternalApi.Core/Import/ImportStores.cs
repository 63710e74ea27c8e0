using InternalApi.Core.Data;

namespace InternalApi.Core.Import;

/// <summary>The stores an import checks references against and writes its records to.</summary>
public sealed record ImportStores(
    UserStore Users,
    SshKeyStore Keys,
    NamespaceStore Namespaces,
    ProjectStore Projects,
    MembershipStore Members,
    ProtectedRefStore ProtectedRefs,
    PersonalAccessTokenStore AccessTokens,
    ErrorTrackingKeyStore ErrorTrackingKeys,
    SequenceStore Sequences,
    BroadcastMessageStore Broadcasts);
