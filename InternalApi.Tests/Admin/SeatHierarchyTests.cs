using System.Net;
using InternalApi.Core.Data;
using InternalApi.Core.Model;
using InternalApi.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace InternalApi.Tests.Admin;

/// <summary>
/// Seats are counted from the tree index (one partition per top-level namespace), which the namespace and project
/// writers keep. These tests hold the count to a brute-force count of what was written, through generation, renames
/// and transfers.
/// </summary>
[Collection("admin")]
public sealed class SeatHierarchyTests(AdminFixture fixture)
{
    private sealed record Member(MemberSource Source, long SourceId, long UserId, AccessLevel Level);

    /// <summary>What the test wrote, to count against: namespaces (id → parent), projects (id → namespace), users, memberships.</summary>
    private sealed class Model
    {
        public Dictionary<long, long?> Parents { get; } = [];

        public Dictionary<long, long> ProjectNamespaces { get; } = [];

        public Dictionary<long, User> Users { get; } = [];

        public List<Member> Members { get; } = [];

        /// <summary>GitLab's billable users of <paramref name="root"/> on a plan that bills guests, counted the slow way.</summary>
        public int Billable(long root)
        {
            bool Under(long ns) => ns == root || (Parents.GetValueOrDefault(ns) is { } parent && Under(parent));
            var levels = new Dictionary<long, AccessLevel>();
            foreach (var m in Members.Where(m => m.Source == MemberSource.Group ? Under(m.SourceId) : Under(ProjectNamespaces[m.SourceId])))
            {
                levels[m.UserId] = levels.TryGetValue(m.UserId, out var best) && best > m.Level ? best : m.Level;
            }

            return levels.Count(l => l.Value >= AccessLevel.Guest && Users[l.Key] is { Type: UserType.Human, State: UserState.Active });
        }
    }

    private readonly HashSet<long> _subscribed = [];

    private StoreSet Stores => fixture.Stores;

    [Fact]
    public async Task Seats_Match_A_Brute_Force_Count_Of_A_Generated_Hierarchy()
    {
        var random = new Random(29);
        var model = new Model();
        var roots = new[] { await GroupAsync(model), await GroupAsync(model) };
        var groups = new List<GitLabNamespace>(roots);
        for (var i = 0; i < 14; i++)
        {
            groups.Add(await SubgroupAsync(model, groups[random.Next(groups.Count)]));
        }

        var projects = new List<Project>();
        for (var i = 0; i < 16; i++)
        {
            projects.Add(await ProjectAsync(model, groups[random.Next(groups.Count)]));
        }

        UserState[] states = [UserState.Active, UserState.Active, UserState.Active, UserState.Blocked, UserState.Deactivated];
        UserType[] types = [UserType.Human, UserType.Human, UserType.Human, UserType.Internal];
        AccessLevel[] levels = [AccessLevel.MinimalAccess, AccessLevel.Guest, AccessLevel.Reporter, AccessLevel.Developer, AccessLevel.Maintainer, AccessLevel.Owner];
        var users = new List<long>();
        for (var i = 0; i < 30; i++)
        {
            users.Add(await UserAsync(model, states[random.Next(states.Length)], types[random.Next(types.Length)]));
        }

        for (var i = 0; i < 80; i++)
        {
            var onGroup = random.Next(2) == 0;
            await AddMemberAsync(model, new Member(
                onGroup ? MemberSource.Group : MemberSource.Project,
                onGroup ? groups[random.Next(groups.Count)].Id : projects[random.Next(projects.Count)].Id,
                users[random.Next(users.Count)],
                levels[random.Next(levels.Length)]));
        }

        foreach (var root in roots)
        {
            Assert.Equal(model.Billable(root.Id), await SeatsInUseAsync(root));
        }
    }

    [Fact]
    public async Task Renames_Leave_Seats_And_Transfers_Move_A_Subtree_With_Its_Projects_And_Members()
    {
        var model = new Model();
        var from = await GroupAsync(model);
        var to = await GroupAsync(model);
        var moving = await SubgroupAsync(model, from);
        var below = await SubgroupAsync(model, moving);
        var project = await ProjectAsync(model, below);
        var loneProject = await ProjectAsync(model, from);
        await AddMemberAsync(model, new Member(MemberSource.Group, moving.Id, await UserAsync(model), AccessLevel.Developer));
        await AddMemberAsync(model, new Member(MemberSource.Group, below.Id, await UserAsync(model), AccessLevel.Maintainer));
        await AddMemberAsync(model, new Member(MemberSource.Project, project.Id, await UserAsync(model), AccessLevel.Reporter));
        await AddMemberAsync(model, new Member(MemberSource.Project, loneProject.Id, await UserAsync(model), AccessLevel.Guest));
        Assert.Equal((5, 1), (await SeatsInUseAsync(from), await SeatsInUseAsync(to)));

        // A rename changes paths only.
        await Stores.Namespaces.UpsertNamespaceAsync(moving with { FullPath = from.FullPath + "/renamed", Name = "renamed" });
        Assert.Equal((5, 1), (await SeatsInUseAsync(from), await SeatsInUseAsync(to)));

        // The subgroup moves under the other root: its subgroup, its project and their members go with it, and the
        // namespace rows below it name their new root (which access checks read).
        await Stores.Namespaces.UpsertNamespaceAsync(moving with { FullPath = to.FullPath + "/renamed", ParentId = to.Id, RootId = to.Id });
        model.Parents[moving.Id] = to.Id;
        Assert.Equal((model.Billable(from.Id), model.Billable(to.Id)), (await SeatsInUseAsync(from), await SeatsInUseAsync(to)));
        Assert.Equal((2, 4), (model.Billable(from.Id), model.Billable(to.Id)));
        Assert.Equal(to.Id, (await Stores.Namespaces.GetNamespaceAsync(below.Id))!.RootId);

        // A project moves on its own.
        await Stores.Projects.UpsertProjectAsync(loneProject with { NamespaceId = below.Id, FullPath = below.FullPath + "/lone" });
        model.ProjectNamespaces[loneProject.Id] = below.Id;
        Assert.Equal((1, 5), (await SeatsInUseAsync(from), await SeatsInUseAsync(to)));
        Assert.Equal((model.Billable(from.Id), model.Billable(to.Id)), (1, 5));

        // Writing the same again (a retried write, a re-import) changes nothing.
        await Stores.Namespaces.UpsertNamespaceAsync(moving with { FullPath = to.FullPath + "/renamed", ParentId = to.Id, RootId = to.Id });
        await Stores.Projects.UpsertProjectAsync(loneProject with { NamespaceId = below.Id, FullPath = below.FullPath + "/lone" });
        Assert.Equal((1, 5), (await SeatsInUseAsync(from), await SeatsInUseAsync(to)));
        var tree = await fixture.App.Services.GetRequiredService<NamespaceTree>().ReadAsync(from.Id);
        Assert.Equal([from.Id], tree.Namespaces.Select(n => n.Id));
        Assert.Empty(tree.Projects);
    }

    private async Task<long> SeatsInUseAsync(GitLabNamespace root)
    {
        var path = $"/api/v4/namespaces/{root.Id}/gitlab_subscription";
        var answer = _subscribed.Add(root.Id)
            ? await fixture.SendAsync(HttpMethod.Post, path, json: new { start_date = "2024-02-01", plan_code = "premium", seats = 1 })
            : await fixture.SendAsync(HttpMethod.Get, path);

        Assert.True(answer.Status is HttpStatusCode.OK or HttpStatusCode.Created, answer.Body);
        return AdminFixture.Json(answer.Body)["usage"]!["seats_in_use"]!.GetValue<long>();
    }

    private async Task<GitLabNamespace> GroupAsync(Model model)
    {
        var group = await fixture.GroupAsync();
        model.Parents[group.Id] = null;
        model.Users.TryAdd(fixture.AdminId, (await Stores.Users.GetUserAsync(fixture.AdminId))!);
        model.Members.Add(new Member(MemberSource.Group, group.Id, fixture.AdminId, AccessLevel.Owner));
        return group;
    }

    private async Task<GitLabNamespace> SubgroupAsync(Model model, GitLabNamespace parent)
    {
        var id = TestIds.Next();
        var sub = new GitLabNamespace { Id = id, Name = "s" + id, FullPath = parent.FullPath + "/s" + id, ParentId = parent.Id, RootId = parent.RootId };
        await Stores.Namespaces.UpsertNamespaceAsync(sub);
        model.Parents[id] = parent.Id;
        return sub;
    }

    private async Task<Project> ProjectAsync(Model model, GitLabNamespace ns)
    {
        var id = TestIds.Next();
        var project = new Project { Id = id, Name = "p" + id, NamespaceId = ns.Id, FullPath = ns.FullPath + "/p" + id };
        await Stores.Projects.UpsertProjectAsync(project);
        model.ProjectNamespaces[id] = ns.Id;
        return project;
    }

    private async Task<long> UserAsync(Model model, UserState state = UserState.Active, UserType type = UserType.Human)
    {
        var user = new User { Id = TestIds.Next(), Username = TestIds.Name("seat"), Name = "Seat", State = state, Type = type };
        await Stores.Users.UpsertUserAsync(user);
        model.Users[user.Id] = user;
        return user.Id;
    }

    private async Task AddMemberAsync(Model model, Member member)
    {
        await Stores.Members.UpsertMembershipAsync(new Membership(member.Source, member.SourceId, member.UserId, member.Level));
        // One membership per source and user: the last write wins, as in the store.
        model.Members.RemoveAll(m => m.Source == member.Source && m.SourceId == member.SourceId && m.UserId == member.UserId);
        model.Members.Add(member);
    }
}
