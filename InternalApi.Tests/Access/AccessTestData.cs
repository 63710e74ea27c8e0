using InternalApi.Core.Data;
using InternalApi.Core.Model;
using InternalApi.Tests.Infrastructure;

namespace InternalApi.Tests.Access;

/// <summary>Seeds a group with one project and users of every role, with fresh ids.</summary>
public sealed class AccessWorld
{
    public required GitLabStore Store { get; init; }

    public required Project Project { get; init; }

    public required Dictionary<string, User> Users { get; init; }

    public required Dictionary<string, SshKey> Keys { get; init; }

    public static async Task<AccessWorld> CreateAsync(GitLabStore store, Visibility visibility, FeatureAccess repository = FeatureAccess.Enabled, Func<Project, Project>? adjust = null)
    {
        var groupId = TestIds.Next();
        var group = new GitLabNamespace { Id = groupId, Name = "g", FullPath = "grp" + groupId, RootId = groupId };
        await store.UpsertNamespaceAsync(group);
        var project = new Project
        {
            Id = TestIds.Next(),
            Name = "app",
            NamespaceId = groupId,
            FullPath = group.FullPath + "/app",
            Visibility = visibility,
            RepositoryAccess = repository,
            DefaultBranch = "main",
        };
        project = adjust?.Invoke(project) ?? project;
        await store.UpsertProjectAsync(project);

        var users = new Dictionary<string, User>();
        var keys = new Dictionary<string, SshKey>();
        foreach (var (role, level) in new (string, AccessLevel?)[]
                 {
                     ("nonmember", null), ("guest", AccessLevel.Guest), ("reporter", AccessLevel.Reporter), ("developer", AccessLevel.Developer),
                     ("maintainer", AccessLevel.Maintainer), ("admin", null), ("external", null),
                 })
        {
            var id = TestIds.Next();
            var user = new User { Id = id, Username = role + id, Name = role, Admin = role == "admin", External = role == "external" };
            await store.UpsertUserAsync(user);
            users[role] = user;
            if (level is { } l)
            {
                await store.UpsertMembershipAsync(new Membership(MemberSource.Project, project.Id, id, l));
            }

            keys[role] = await AddKeyAsync(store, id, SshKeyKind.User);
        }

        var creator = users["maintainer"].Id;
        keys["deploy-rw"] = await AddKeyAsync(store, creator, SshKeyKind.Deploy);
        await store.UpsertDeployKeyProjectAsync(new DeployKeyProject(keys["deploy-rw"].Id, project.Id, true));
        keys["deploy-ro"] = await AddKeyAsync(store, creator, SshKeyKind.Deploy);
        await store.UpsertDeployKeyProjectAsync(new DeployKeyProject(keys["deploy-ro"].Id, project.Id, false));
        keys["deploy-other"] = await AddKeyAsync(store, creator, SshKeyKind.Deploy);
        return new AccessWorld { Store = store, Project = project, Users = users, Keys = keys };
    }

    public static async Task<SshKey> AddKeyAsync(GitLabStore store, long? userId, SshKeyKind kind, DateTimeOffset? expires = null)
    {
        var id = TestIds.Next();
        var blob = Convert.ToBase64String(System.Text.Encoding.ASCII.GetBytes("key-" + id));
        var key = new SshKey { Id = id, Kind = kind, UserId = userId, Title = "k" + id, KeyType = "ssh-ed25519", Blob = blob, Fingerprint = SshKey.FingerprintOf(blob)!, ExpiresAt = expires };
        await store.UpsertKeyAsync(key);
        return key;
    }
}
