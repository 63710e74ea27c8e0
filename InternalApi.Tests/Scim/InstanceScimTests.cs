using System.Net;
using System.Text;
using System.Text.Json;
using InternalApi.Core.Model;
using InternalApi.Core.Scim;
using InternalApi.Tests.Infrastructure;

namespace InternalApi.Tests.Scim;

/// <summary>Instance SCIM over HTTP (spec §6.8–6.13), and what deprovisioning means for Git access.</summary>
[Collection("scim")]
public sealed class InstanceScimTests(ScimFixture fixture)
{
    private const string Users = ScimFixture.InstanceUsers;
    private const string Token = ScimFixture.InstanceToken;

    [Fact]
    public async Task Every_Operation_Works_On_Instance_Identities_Only()
    {
        var username = TestIds.Name("inst");
        var uid = "inst-" + username;
        var group = await fixture.GroupAsync();
        var groupUser = await fixture.UserAsync();
        await fixture.Scim.UpsertIdentityAsync(ScimTables.GroupScope(group.Group.Id), new ScimIdentity("group-only-" + username, groupUser.Id, true));

        var created = await fixture.SendAsync(HttpMethod.Post, Users, Token, ScimFixture.CreateBody(uid, username, username + "@example.com", "Grace Hopper"));
        var got = await fixture.SendAsync(HttpMethod.Get, Users + "/" + uid, Token);
        var filtered = await fixture.SendAsync(HttpMethod.Get, Users + "?filter=" + Uri.EscapeDataString($"userName eq \"{username}\""), Token);
        var groupIdentity = await fixture.SendAsync(HttpMethod.Get, Users + "/group-only-" + username, Token);
        var groupToken = await fixture.SendAsync(HttpMethod.Get, Users, group.Token);

        Assert.Equal((HttpStatusCode.Created, "application/scim+json"), (created.Status, created.MediaType));
        Assert.Equal(created.Text, got.Text);
        Assert.Equal($$"""{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"id":"{{uid}}","active":true,"name.formatted":"Grace Hopper","userName":"{{username}}","meta":{"resourceType":"User"},"emails":[{"type":"work","value":"{{username}}@example.com","primary":true}]}""", got.Text);
        Assert.Equal((1, uid), ((int)filtered.Json!["totalResults"]!, (string?)filtered.Json["Resources"]![0]!["id"]));
        Assert.Equal(HttpStatusCode.NotFound, groupIdentity.Status);
        Assert.Equal((HttpStatusCode.Unauthorized, """{"message":"401 Unauthorized"}"""), (groupToken.Status, groupToken.Text));

        // An instance create never adds group memberships.
        var user = (await fixture.Stores.Users.FindUserByUsernameAsync(username))!;
        Assert.Null(await fixture.Stores.Members.GetMembershipAsync(MemberSource.Group, group.Group.Id, user.Id));
        Assert.Equal(HttpStatusCode.Created, (await fixture.SendAsync(HttpMethod.Post, Users, Token, ScimFixture.CreateBody(uid, "other", "other@example.com"))).Status);
    }

    [Fact]
    public async Task Patch_Active_False_Blocks_The_User_For_Git_And_True_Unblocks()
    {
        var (user, project) = await GitUserAsync();
        await fixture.SendAsync(HttpMethod.Post, Users, Token, ScimFixture.CreateBody("git-" + user.Username, user.Username, user.Email!));
        Assert.Equal(HttpStatusCode.OK, (await AllowedAsync(user, project)).Status);

        var off = await fixture.SendAsync(HttpMethod.Patch, Users + "/git-" + user.Username, Token, """{"Operations":[{"op":"replace","path":"active","value":"false"}]}""");

        Assert.Equal(HttpStatusCode.NoContent, off.Status);
        Assert.Equal(UserState.LdapBlocked, (await fixture.Stores.Users.GetUserAsync(user.Id))!.State);
        Assert.False((await fixture.Scim.GetIdentityAsync(ScimTables.InstanceScope, "git-" + user.Username))!.Active);
        Assert.Equal((HttpStatusCode.Unauthorized, """{"status":false,"message":"Your account has been blocked."}"""), await AllowedAsync(user, project));

        var on = await fixture.SendAsync(HttpMethod.Patch, Users + "/git-" + user.Username, Token, """{"Operations":[{"op":"Replace","value":{"active":"True"}}]}""");

        Assert.Equal(HttpStatusCode.NoContent, on.Status);
        Assert.Equal(UserState.Active, (await fixture.Stores.Users.GetUserAsync(user.Id))!.State);
        Assert.Equal(HttpStatusCode.OK, (await AllowedAsync(user, project)).Status);
    }

    [Fact]
    public async Task Delete_Makes_The_User_Ldap_Blocked_And_Allowed_Refuses_Them()
    {
        var (user, project) = await GitUserAsync();
        await fixture.SendAsync(HttpMethod.Post, Users, Token, ScimFixture.CreateBody("del-" + user.Username, user.Username, user.Email!));

        var deleted = await fixture.SendAsync(HttpMethod.Delete, Users + "/del-" + user.Username, Token);

        Assert.Equal((HttpStatusCode.NoContent, ""), (deleted.Status, deleted.Text));
        Assert.Equal(UserState.LdapBlocked, (await fixture.Stores.Users.GetUserAsync(user.Id))!.State);
        Assert.Equal(new ScimIdentity("del-" + user.Username, user.Id, false), await fixture.Scim.GetIdentityAsync(ScimTables.InstanceScope, "del-" + user.Username));
        Assert.Equal((HttpStatusCode.Unauthorized, """{"status":false,"message":"Your account has been blocked."}"""), await AllowedAsync(user, project));
        Assert.Equal(HttpStatusCode.NotFound, (await fixture.SendAsync(HttpMethod.Delete, Users + "/never-provisioned", Token)).Status);
    }

    /// <summary>A user who may pull a public project of their own group.</summary>
    private async Task<(User User, Project Project)> GitUserAsync()
    {
        var user = await fixture.UserAsync();
        var id = TestIds.Next();
        var ns = new GitLabNamespace { Id = id, Name = "g" + id, FullPath = TestIds.Name("scimgit"), RootId = id };
        await fixture.Stores.Namespaces.UpsertNamespaceAsync(ns);
        var project = new Project { Id = id, Name = "p", NamespaceId = id, FullPath = ns.FullPath + "/p", DefaultBranch = "main", Visibility = Visibility.Public };
        await fixture.Stores.Projects.UpsertProjectAsync(project);
        await fixture.Stores.Members.UpsertMembershipAsync(new Membership(MemberSource.Project, project.Id, user.Id, AccessLevel.Developer));
        return (user, project);
    }

    private async Task<(HttpStatusCode Status, string Body)> AllowedAsync(User user, Project project)
    {
        var body = JsonSerializer.Serialize(new Dictionary<string, object> { ["action"] = "git-upload-pack", ["project"] = project.FullPath, ["protocol"] = "http", ["user_id"] = user.Id, ["changes"] = "_any" });
        using var request = fixture.App.ShellRequest(HttpMethod.Post, "/api/v4/internal/allowed", new StringContent(body, Encoding.UTF8, "application/json"));
        using var response = await fixture.App.Client.SendAsync(request);
        return (response.StatusCode, await response.Content.ReadAsStringAsync());
    }
}
