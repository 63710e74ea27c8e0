using BenchmarkDotNet.Attributes;
using InternalApi.Core.Access;
using InternalApi.Core.Data;
using InternalApi.Core.Git;
using InternalApi.Core.Identity;
using InternalApi.Core.Model;

namespace InternalApi.Benchmarks;

/// <summary>
/// The <c>/allowed</c> decision over facts already read. <see cref="GitAccessService"/> interleaves its reads
/// with its checks (through the stores of <c>InternalApi.Core.Data</c>, which are storage), so what runs here is its pure part,
/// the code it calls once the actor, the project, the access facts and the protected refs are in memory:
/// <see cref="ActorAccess.From"/> and its abilities (steps 9–11), and for a push with changes
/// <see cref="RefChange.Parse"/> and <see cref="RefChangeChecks"/> (step 12). The data is the demo's:
/// root (admin, key 11) pulling public <c>gnuwget/wget2</c>; mia (key 13, maintainer of <c>acme</c> by
/// inheritance) pushing to <c>acme/platform/api</c>'s protected <c>main</c>.
/// </summary>
[MemoryDiagnoser]
public class AccessBenchmarks
{
    private const string PushChanges = "1111111111111111111111111111111111111111 2222222222222222222222222222222222222222 refs/heads/main\n";

    private static readonly User Root = new() { Id = 1, Username = "root", Name = "Administrator", Admin = true };
    private static readonly User Mia = new() { Id = 3, Username = "mia", Name = "Mia Maintainer" };

    private static readonly Actor RootActor = new(ActorKind.User, Root, new SshKey { Id = 11, UserId = 1, Title = "root", KeyType = "ssh-ed25519", Blob = "AAAA", Fingerprint = "SHA256:a" });
    private static readonly Actor MiaActor = new(ActorKind.User, Mia, new SshKey { Id = 13, UserId = 3, Title = "mia", KeyType = "ssh-ed25519", Blob = "AAAA", Fingerprint = "SHA256:b" });

    private static readonly Project Wget2 = new() { Id = 3, Name = "wget2", NamespaceId = 100, FullPath = "gnuwget/wget2", Visibility = Visibility.Public, DefaultBranch = "master" };
    private static readonly Project Api = new() { Id = 20, Name = "api", NamespaceId = 102, FullPath = "acme/platform/api", Visibility = Visibility.Internal, DefaultBranch = "main" };

    private static readonly ProjectAccessFacts PullFacts = new(
        [new GitLabNamespace { Id = 100, Name = "gnuwget", FullPath = "gnuwget", RootId = 100 }], AccessLevel.NoAccess, null);

    private static readonly ProjectAccessFacts PushFacts = new(
        [
            new GitLabNamespace { Id = 102, Name = "platform", FullPath = "acme/platform", ParentId = 101, RootId = 101 },
            new GitLabNamespace { Id = 101, Name = "acme", FullPath = "acme", RootId = 101 },
        ],
        AccessLevel.Maintainer,
        null);

    private static readonly IReadOnlyList<ProtectedRef> ApiRules =
    [
        new ProtectedRef { ProjectId = 20, Kind = RefKind.Branch, Pattern = "main", PushAccessLevels = [AccessLevel.Maintainer], MergeAccessLevels = [AccessLevel.Maintainer] },
        new ProtectedRef { ProjectId = 20, Kind = RefKind.Branch, Pattern = "release/*", PushAccessLevels = [AccessLevel.Maintainer], MergeAccessLevels = [AccessLevel.Developer] },
        new ProtectedRef { ProjectId = 20, Kind = RefKind.Tag, Pattern = "v*", PushAccessLevels = [AccessLevel.Maintainer] },
    ];

    /// <summary>Steps 9–11 of a pull: may read, may download.</summary>
    [Benchmark]
    public bool Pull()
    {
        var access = ActorAccess.From(RootActor, Wget2, PullFacts);
        return access.CanRead && access.CanDownloadCode;
    }

    /// <summary>gitlab-shell's push (<c>_any</c>): may read, may push code.</summary>
    [Benchmark]
    public bool PushAny()
    {
        var access = ActorAccess.From(MiaActor, Api, PushFacts);
        return access.CanRead && access.CanPushCode;
    }

    /// <summary>Gitaly's push check with one change to a protected branch: steps 9–12 and the per-change checks.</summary>
    [Benchmark]
    public string? PushProtectedBranch()
    {
        var access = ActorAccess.From(MiaActor, Api, PushFacts);
        if (!access.CanRead || !access.CanPushCode)
        {
            return AccessMessages.PushCode;
        }

        var checks = new RefChangeChecks(access, ApiRules, "ssh", "http://gitlab.example.com");
        foreach (var change in RefChange.Parse(PushChanges).Changes)
        {
            if (checks.Check(change) is { } denial)
            {
                return denial;
            }
        }

        return null;
    }
}
