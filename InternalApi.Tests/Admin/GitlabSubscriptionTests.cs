using System.Net;
using InternalApi.Core.Model;
using InternalApi.Tests.Infrastructure;

namespace InternalApi.Tests.Admin;

[Collection("admin")]
public sealed class GitlabSubscriptionTests(AdminFixture fixture)
{
    /// <summary>
    /// A group whose hierarchy holds every kind of member: the admin (owner), a developer, a guest, a minimal-access
    /// member, a blocked developer, a bot, a subgroup maintainer, a reporter of a subgroup project, and the
    /// developer again as a project guest (counted once, at its highest level).
    /// </summary>
    private async Task<GitLabNamespace> SeededGroupAsync()
    {
        var stores = fixture.Stores;
        var group = await fixture.GroupAsync();
        var sub = await fixture.SubgroupAsync(group);
        var project = new Project { Id = TestIds.Next(), Name = "p", NamespaceId = sub.Id, FullPath = sub.FullPath + "/p" };
        await stores.Projects.UpsertProjectAsync(project);
        async Task<long> Member(MemberSource source, long sourceId, AccessLevel level, UserState state = UserState.Active, UserType type = UserType.Human, long? existing = null)
        {
            var id = existing ?? TestIds.Next();
            if (existing is null)
            {
                await stores.Users.UpsertUserAsync(new User { Id = id, Username = "m" + id, Name = "M", State = state, Type = type });
            }

            await stores.Members.UpsertMembershipAsync(new Membership(source, sourceId, id, level));
            return id;
        }

        var developer = await Member(MemberSource.Group, group.Id, AccessLevel.Developer);
        await Member(MemberSource.Group, group.Id, AccessLevel.Guest);
        await Member(MemberSource.Group, group.Id, AccessLevel.MinimalAccess);
        await Member(MemberSource.Group, group.Id, AccessLevel.Developer, state: UserState.Blocked);
        await Member(MemberSource.Group, group.Id, AccessLevel.Developer, type: UserType.Internal);
        await Member(MemberSource.Group, sub.Id, AccessLevel.Maintainer);
        await Member(MemberSource.Project, project.Id, AccessLevel.Reporter);
        await Member(MemberSource.Project, project.Id, AccessLevel.Guest, existing: developer);

        // An unrelated group's member never counts.
        var other = await fixture.GroupAsync();
        await Member(MemberSource.Group, other.Id, AccessLevel.Developer);
        return group;
    }

    [Fact]
    public async Task Post_Creates_With_201_And_Counts_Billable_Members_Then_Put_Changes_Only_What_Is_Sent()
    {
        var group = await SeededGroupAsync();
        var path = $"/api/v4/namespaces/{group.Id}/gitlab_subscription";
        var created = await fixture.SendAsync(HttpMethod.Post, path, json: new { start_date = "2024-02-01", end_date = "2099-02-01", plan_code = "premium", seats = 3, auto_renew = true });
        Assert.Equal(HttpStatusCode.Created, created.Status);

        // owner, developer, guest, subgroup maintainer, project reporter: 5 on Premium (guests are billable).
        Assert.Equal(
            """{"plan":{"code":"premium","name":"Premium","trial":false,"auto_renew":true,"upgradable":true,"exclude_guests":false},"usage":{"seats_in_subscription":3,"seats_in_use":5,"max_seats_used":0,"seats_owed":2},"billing":{"subscription_start_date":"2024-02-01","subscription_end_date":"2099-02-01","trial_ends_on":null}}""",
            created.Body);

        var again = await fixture.SendAsync(HttpMethod.Post, path, json: new { start_date = "2024-02-01" });
        Assert.Equal((HttpStatusCode.BadRequest, """{"message":{"namespace_id":["has already been taken"]}}"""), (again.Status, again.Body));

        // Ultimate excludes guests: 4. Only plan_code and max_seats_used change (form body, as curl sends it).
        var updated = await fixture.SendAsync(HttpMethod.Put, path, form: "plan_code=ultimate&max_seats_used=9");
        Assert.Equal(HttpStatusCode.OK, updated.Status);
        Assert.Equal(
            """{"plan":{"code":"ultimate","name":"Ultimate","trial":false,"auto_renew":true,"upgradable":false,"exclude_guests":true},"usage":{"seats_in_subscription":3,"seats_in_use":4,"max_seats_used":9,"seats_owed":6},"billing":{"subscription_start_date":"2024-02-01","subscription_end_date":"2099-02-01","trial_ends_on":null}}""",
            updated.Body);

        // An explicit null is not an absent key: Grape passes nil on and GitLab's model refuses it; nothing changes.
        var nulled = await fixture.SendAsync(HttpMethod.Put, path, json: """{"seats":null,"plan_code":"premium"}""");
        Assert.Equal((HttpStatusCode.BadRequest, """{"message":{"seats":["can't be blank"]}}"""), (nulled.Status, nulled.Body));
        Assert.Equal(updated.Body, (await fixture.SendAsync(HttpMethod.Get, path)).Body);

        // GET by URL-encoded path gives the same; the query string works for PUT too.
        var read = await fixture.SendAsync(HttpMethod.Get, $"/api/v4/namespaces/{Uri.EscapeDataString(group.FullPath)}/gitlab_subscription");
        Assert.Equal((HttpStatusCode.OK, updated.Body), (read.Status, read.Body));
        var trial = await fixture.SendAsync(HttpMethod.Put, path + "?trial=true&start_date=2024-03-01&trial_ends_on=2024-03-31");
        var plan = AdminFixture.Json(trial.Body)["plan"]!;
        Assert.True((bool)plan["trial"]!);
        Assert.Equal(0, (int)AdminFixture.Json(trial.Body)["usage"]!["seats_owed"]!);
        Assert.Equal("2024-03-31", (string?)AdminFixture.Json(trial.Body)["billing"]!["trial_ends_on"]);
    }

    [Fact]
    public async Task Validation_Not_Found_And_Missing_Subscription_Answers()
    {
        var group = await fixture.GroupAsync();
        var path = $"/api/v4/namespaces/{group.Id}/gitlab_subscription";
        Assert.Equal("""{"error":"start_date is missing"}""", (await fixture.SendAsync(HttpMethod.Post, path, json: new { seats = 1 })).Body);
        Assert.Equal("""{"error":"start_date is invalid, seats is invalid, auto_renew is invalid"}""",
            (await fixture.SendAsync(HttpMethod.Post, path, json: new { start_date = "someday", seats = "ten", auto_renew = "maybe" })).Body);

        // Parameters are validated before the admin check (GitLab's handler order).
        var user = await fixture.SendAsync(HttpMethod.Post, path, AdminFixture.UserToken, new { seats = 1 });
        Assert.Equal((HttpStatusCode.BadRequest, """{"error":"start_date is missing"}"""), (user.Status, user.Body));

        Assert.Equal((HttpStatusCode.NotFound, """{"message":"404 Namespace Not Found"}"""), Pair(await fixture.SendAsync(HttpMethod.Post, "/api/v4/namespaces/999999999999/gitlab_subscription", json: new { start_date = "2024-01-01" })));
        Assert.Equal((HttpStatusCode.NotFound, """{"message":"404 GitlabSubscription Not Found"}"""), Pair(await fixture.SendAsync(HttpMethod.Put, path, json: new { seats = 1 })));

        var empty = await fixture.SendAsync(HttpMethod.Get, path);
        Assert.Equal(
            """{"plan":{"code":null,"name":null,"trial":null,"auto_renew":null,"upgradable":null,"exclude_guests":null},"usage":{"seats_in_subscription":null,"seats_in_use":null,"max_seats_used":null,"seats_owed":null},"billing":{"subscription_start_date":null,"subscription_end_date":null,"trial_ends_on":null}}""",
            empty.Body);

        // A trial needs a start: none given and none stored.
        Assert.Equal(HttpStatusCode.Created, (await fixture.SendAsync(HttpMethod.Post, path, json: new { start_date = "13 Jun 2021", plan_code = "premium" })).Status);
        var trial = await fixture.SendAsync(HttpMethod.Put, path, json: new { trial = true });
        Assert.Equal((HttpStatusCode.BadRequest, """{"message":{"trial_starts_on":["can't be blank"]}}"""), Pair(trial));
        Assert.Equal("2021-06-13", (string?)AdminFixture.Json((await fixture.SendAsync(HttpMethod.Get, path)).Body)["billing"]!["subscription_start_date"]);
    }

    [Fact]
    public async Task Get_Is_For_Admins_And_Owners_Only()
    {
        var group = await fixture.GroupAsync();
        var path = $"/api/v4/namespaces/{group.Id}/gitlab_subscription";
        Assert.Equal((HttpStatusCode.Forbidden, """{"message":"403 Forbidden"}"""), Pair(await fixture.SendAsync(HttpMethod.Get, path, AdminFixture.UserToken)));
        await fixture.Stores.Members.UpsertMembershipAsync(new Membership(MemberSource.Group, group.Id, fixture.UserId, AccessLevel.Maintainer));
        Assert.Equal(HttpStatusCode.Forbidden, (await fixture.SendAsync(HttpMethod.Get, path, AdminFixture.UserToken)).Status);
        await fixture.Stores.Members.UpsertMembershipAsync(new Membership(MemberSource.Group, group.Id, fixture.UserId, AccessLevel.Owner));
        Assert.Equal(HttpStatusCode.OK, (await fixture.SendAsync(HttpMethod.Get, path, AdminFixture.UserToken)).Status);
    }

    private static (HttpStatusCode, string) Pair((HttpStatusCode Status, string Body, HttpResponseMessage _) r) => (r.Status, r.Body);
}
