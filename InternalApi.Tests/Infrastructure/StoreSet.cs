using InternalApi.Core.Data;
using Microsoft.Extensions.DependencyInjection;

namespace InternalApi.Tests.Infrastructure;

/// <summary>
/// Every store of GitLab's entities, for tests that seed or inspect data through the classes the app uses
/// (a test needs many of them; the app's services each take only the ones they read).
/// </summary>
public sealed record StoreSet(
    GitLabTables Tables,
    UserStore Users,
    SshKeyStore Keys,
    FingerprintStore Fingerprints,
    NamespaceStore Namespaces,
    ProjectStore Projects,
    MembershipStore Members,
    EffectiveAccess EffectiveAccess,
    ProtectedRefStore ProtectedRefs,
    PersonalAccessTokenStore AccessTokens,
    ErrorTrackingKeyStore ErrorTrackingKeys,
    SequenceStore Sequences,
    MessageStore Messages,
    BroadcastMessageStore Broadcasts)
{
    /// <summary>The stores an app resolves (its tables, its clock).</summary>
    public static StoreSet Of(IServiceProvider services) => new(
        services.GetRequiredService<GitLabTables>(),
        services.GetRequiredService<UserStore>(),
        services.GetRequiredService<SshKeyStore>(),
        services.GetRequiredService<FingerprintStore>(),
        services.GetRequiredService<NamespaceStore>(),
        services.GetRequiredService<ProjectStore>(),
        services.GetRequiredService<MembershipStore>(),
        services.GetRequiredService<EffectiveAccess>(),
        services.GetRequiredService<ProtectedRefStore>(),
        services.GetRequiredService<PersonalAccessTokenStore>(),
        services.GetRequiredService<ErrorTrackingKeyStore>(),
        services.GetRequiredService<SequenceStore>(),
        services.GetRequiredService<MessageStore>(),
        services.GetRequiredService<BroadcastMessageStore>());

    /// <summary>Stores over tables of their own (another table prefix), wired as the app wires them.</summary>
    public static StoreSet Over(GitLabTables tables, TimeProvider time)
    {
        var fingerprints = new FingerprintStore(tables);
        var keys = new SshKeyStore(tables, fingerprints, time);
        var tree = new NamespaceTree(tables);
        var namespaces = new NamespaceStore(tables, tree);
        var projects = new ProjectStore(tables, namespaces, tree);
        var members = new MembershipStore(tables, namespaces, projects, tree);
        return new(
            tables,
            new UserStore(tables, fingerprints, time),
            keys,
            fingerprints,
            namespaces,
            projects,
            members,
            new EffectiveAccess(namespaces, members, keys),
            new ProtectedRefStore(tables),
            new PersonalAccessTokenStore(tables),
            new ErrorTrackingKeyStore(tables),
            new SequenceStore(tables),
            new MessageStore(tables, time),
            new BroadcastMessageStore(tables));
    }
}
