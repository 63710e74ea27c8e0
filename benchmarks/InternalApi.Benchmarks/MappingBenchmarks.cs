using Azure.Data.Tables;
using BenchmarkDotNet.Attributes;
using InternalApi.Core.Data;
using InternalApi.Core.Model;

namespace InternalApi.Benchmarks;

/// <summary>
/// <see cref="EntityMapping"/>: the rows an <c>/allowed</c> reads (user, key, project, namespace, protected
/// branch) into our records, and our records into the rows written on import and upsert. The rows read are
/// the ones the write side makes, typed as the SDK hands them over (strings, bools, longs, DateTimeOffsets);
/// the SDK's own JSON → <see cref="TableEntity"/> step is not ours and not measured.
/// </summary>
[MemoryDiagnoser]
public class MappingBenchmarks
{
    private static readonly DateTimeOffset Created = new(2024, 3, 1, 12, 0, 0, TimeSpan.Zero);

    private readonly User _user = new()
    {
        Id = 3,
        Username = "mia",
        Name = "Mia Maintainer",
        Email = "mia@example.com",
        NamespaceId = 203,
        CreatedAt = Created,
        LastActivityAt = Created.AddDays(30),
    };

    private readonly SshKey _key = new()
    {
        Id = 13,
        UserId = 3,
        Title = "mia@laptop",
        KeyType = "ssh-ed25519",
        Blob = "AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl",
        Fingerprint = "SHA256:nThbg6kXUpJWGl7E1IGOCspRomTxdCARLviKw6E5SY8",
        CreatedAt = Created,
        LastUsedAt = Created.AddDays(29),
    };

    private readonly Project _project = new()
    {
        Id = 20,
        Name = "api",
        NamespaceId = 102,
        FullPath = "acme/platform/api",
        Visibility = Visibility.Internal,
        DefaultBranch = "main",
        CreatorId = 3,
        CreatedAt = Created,
        LastActivityAt = Created.AddDays(10),
        LastRepositoryUpdatedAt = Created.AddDays(10),
    };

    private readonly GitLabNamespace _namespace = new()
    {
        Id = 102,
        Name = "platform",
        FullPath = "acme/platform",
        ParentId = 101,
        RootId = 101,
    };

    private readonly ProtectedRef _rule = new()
    {
        ProjectId = 20,
        Kind = RefKind.Branch,
        Pattern = "main",
        PushAccessLevels = [AccessLevel.Maintainer],
        MergeAccessLevels = [AccessLevel.Developer, AccessLevel.Maintainer],
    };

    private TableEntity _userRow = null!;
    private TableEntity _keyRow = null!;
    private TableEntity _projectRow = null!;
    private TableEntity _namespaceRow = null!;
    private TableEntity _ruleRow = null!;

    /// <summary>The rows to read.</summary>
    [GlobalSetup]
    public void Setup()
    {
        _userRow = EntityMapping.ToEntity(_user);
        _keyRow = EntityMapping.ToEntity(_key);
        _projectRow = EntityMapping.ToEntity(_project);
        _namespaceRow = EntityMapping.ToEntity(_namespace);
        _ruleRow = EntityMapping.ToEntity(_rule);
    }

    /// <summary>Users row → <see cref="User"/>.</summary>
    [Benchmark]
    public User ReadUser() => EntityMapping.ToUser(_userRow);

    /// <summary>SshKeys row → <see cref="SshKey"/>.</summary>
    [Benchmark]
    public SshKey ReadKey() => EntityMapping.ToKey(_keyRow);

    /// <summary>Projects row → <see cref="Project"/>.</summary>
    [Benchmark]
    public Project ReadProject() => EntityMapping.ToProject(_projectRow);

    /// <summary>Namespaces row → <see cref="GitLabNamespace"/>.</summary>
    [Benchmark]
    public GitLabNamespace ReadNamespace() => EntityMapping.ToNamespace(_namespaceRow);

    /// <summary>ProtectedRefs row → <see cref="ProtectedRef"/> (read by a push with changes).</summary>
    [Benchmark]
    public ProtectedRef ReadProtectedRef() => EntityMapping.ToProtectedRef(_ruleRow);

    /// <summary><see cref="User"/> → Users row.</summary>
    [Benchmark]
    public TableEntity WriteUser() => EntityMapping.ToEntity(_user);

    /// <summary><see cref="SshKey"/> → SshKeys row.</summary>
    [Benchmark]
    public TableEntity WriteKey() => EntityMapping.ToEntity(_key);

    /// <summary><see cref="Project"/> → Projects row.</summary>
    [Benchmark]
    public TableEntity WriteProject() => EntityMapping.ToEntity(_project);

    /// <summary><see cref="GitLabNamespace"/> → Namespaces row.</summary>
    [Benchmark]
    public TableEntity WriteNamespace() => EntityMapping.ToEntity(_namespace);
}
