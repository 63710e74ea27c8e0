using System.Net;
using System.Text.Json.Nodes;
using InternalApi.Core.Model;
using InternalApi.Core.Scim;
using InternalApi.Tests.Infrastructure;

namespace InternalApi.Tests.Scim;

/// <summary>Group SCIM over HTTP (spec §6.2–6.7): every operation, the order of the checks, conflicts and deprovisioning.</summary>
[Collection("scim")]
public sealed class GroupScimTests(ScimFixture fixture)
{
    private const string Unauthorized = """{"message":"401 Unauthorized"}""";

    [Fact]
    public async Task Create_Provisions_A_New_User_As_Member_At_The_Default_Role_And_Get_And_List_Find_It()
    {
        var group = await fixture.GroupAsync(AccessLevel.Reporter);
        var username = TestIds.Name("newscim");

        var created = await fixture.SendAsync(HttpMethod.Post, group.Users, group.Token, ScimFixture.CreateBody("uid-" + username, username, username + "@example.com", "Ada Lovelace"));

        Assert.Equal((HttpStatusCode.Created, "application/scim+json"), (created.Status, created.MediaType));
        var expected = $$"""{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"id":"uid-{{username}}","active":true,"name.formatted":"Ada Lovelace","userName":"{{username}}","meta":{"resourceType":"User"},"emails":[{"type":"work","value":"{{username}}@example.com","primary":true}]}""";
        Assert.Equal(expected, created.Text);
        var user = (await fixture.Stores.Users.FindUserByUsernameAsync(username))!;
        Assert.Equal(("Ada Lovelace", username + "@example.com", UserState.Active), (user.Name, user.Email, user.State));
        Assert.Equal(AccessLevel.Reporter, await fixture.Stores.Members.GetMembershipAsync(MemberSource.Group, group.Group.Id, user.Id));
        Assert.NotNull(await fixture.Stores.Namespaces.FindNamespaceByPathAsync(username));

        var got = await fixture.SendAsync(HttpMethod.Get, group.Users + "/uid-" + username, group.Token);
        Assert.Equal((HttpStatusCode.OK, "application/scim+json", expected), (got.Status, got.MediaType, got.Text));

        var list = await fixture.SendAsync(HttpMethod.Get, group.Users, group.Token);
        Assert.Equal(HttpStatusCode.OK, list.Status);
        Assert.Equal($$"""{"schemas":["urn:ietf:params:scim:api:messages:2.0:ListResponse"],"totalResults":1,"itemsPerPage":20,"startIndex":1,"Resources":[{{expected}}]}""", list.Text);

        // IdPs retry creates: the same request answers the same resource and changes nothing.
        var again = await fixture.SendAsync(HttpMethod.Post, group.Users, group.Token, ScimFixture.CreateBody("uid-" + username, username, username + "@example.com", "Ada Lovelace"));
        Assert.Equal((HttpStatusCode.Created, expected), (again.Status, again.Text));
    }

    [Fact]
    public async Task Create_Links_An_Existing_User_By_Email_And_Keeps_An_Existing_Membership()
    {
        var group = await fixture.GroupAsync(AccessLevel.Developer);
        var outsider = await fixture.UserAsync();
        var maintainer = await fixture.UserAsync();
        await fixture.Stores.Members.UpsertMembershipAsync(new Membership(MemberSource.Group, group.Group.Id, maintainer.Id, AccessLevel.Maintainer));

        // The e-mail decides (any case); the IdP's userName does not rename anybody.
        var linked = await fixture.SendAsync(HttpMethod.Post, group.Users, group.Token, ScimFixture.CreateBody("idp-1", "whatever", outsider.Email!.ToUpperInvariant()), "application/json");
        var kept = await fixture.SendAsync(HttpMethod.Post, group.Users, group.Token, ScimFixture.CreateBody("idp-2", maintainer.Username, maintainer.Email!));

        Assert.Equal((HttpStatusCode.Created, outsider.Username), (linked.Status, (string?)linked.Json!["userName"]));
        Assert.Equal((HttpStatusCode.Created, maintainer.Username), (kept.Status, (string?)kept.Json!["userName"]));
        Assert.Equal(AccessLevel.Developer, await fixture.Stores.Members.GetMembershipAsync(MemberSource.Group, group.Group.Id, outsider.Id));
        Assert.Equal(AccessLevel.Maintainer, await fixture.Stores.Members.GetMembershipAsync(MemberSource.Group, group.Group.Id, maintainer.Id));
        Assert.Equal(new ScimIdentity("idp-1", outsider.Id, true), await fixture.Scim.GetIdentityAsync(ScimTables.GroupScope(group.Group.Id), "idp-1"));
    }

    [Fact]
    public async Task Create_Makes_A_Taken_Username_Unique()
    {
        var group = await fixture.GroupAsync();
        var taken = await fixture.UserAsync();

        var created = await fixture.SendAsync(HttpMethod.Post, group.Users, group.Token, ScimFixture.CreateBody(TestIds.Name("uid"), taken.Username, TestIds.Name("fresh") + "@example.com"));

        Assert.Equal((HttpStatusCode.Created, taken.Username + "1"), (created.Status, (string?)created.Json!["userName"]));
    }

    [Fact]
    public async Task Create_Answers_Conflicts_With_409_And_Missing_Params_With_412()
    {
        var group = await fixture.GroupAsync();
        var user = await fixture.UserAsync();
        var other = await fixture.UserAsync();
        Assert.Equal(HttpStatusCode.Created, (await fixture.SendAsync(HttpMethod.Post, group.Users, group.Token, ScimFixture.CreateBody("first-uid", user.Username, user.Email!))).Status);

        // The same user under another external UID, and a UID whose user left the group.
        var sameUser = await fixture.SendAsync(HttpMethod.Post, group.Users, group.Token, ScimFixture.CreateBody("second-uid", user.Username, user.Email!, "N"));
        await fixture.Stores.Members.DeleteMembershipAsync(MemberSource.Group, group.Group.Id, user.Id);
        var takenUid = await fixture.SendAsync(HttpMethod.Post, group.Users, group.Token, ScimFixture.CreateBody("first-uid", other.Username, other.Email!, "N"));
        var missing = await fixture.SendAsync(HttpMethod.Post, group.Users, group.Token, """{"userName":"someone","emails":[{"type":"home","value":"x@example.com"}]}""");

        Assert.Equal((HttpStatusCode.Conflict, ScimFixture.Error(409, $$"""Error saving user with {:extern_uid=>"second-uid", :email=>"{{user.Email}}", :name=>"N", :username=>"{{user.Username}}"}: User has already been taken""")), (sameUser.Status, sameUser.Text));
        Assert.Equal((HttpStatusCode.Conflict, "application/scim+json"), (takenUid.Status, takenUid.MediaType));
        Assert.EndsWith(": Extern uid has already been taken", (string?)takenUid.Json!["detail"], StringComparison.Ordinal);
        Assert.Equal((HttpStatusCode.PreconditionFailed, ScimFixture.Error(412, """Error saving user with {:username=>"someone"}: Missing params: [:extern_uid, :email]""")), (missing.Status, missing.Text));
    }

    [Fact]
    public async Task A_Missing_Group_Is_404_Before_The_Token_Is_Checked_And_Other_Tokens_Are_401()
    {
        var group = await fixture.GroupAsync();
        var other = await fixture.GroupAsync();
        var withoutSaml = await fixture.GroupAsync(samlProvider: false);
        var missingPath = TestIds.Name("nosuchgroup");

        var missing = await fixture.SendAsync(HttpMethod.Get, $"/api/scim/v2/groups/{missingPath}/Users", token: null);
        var noSaml = await fixture.SendAsync(HttpMethod.Delete, withoutSaml.Users + "/x", group.Token);
        var noToken = await fixture.SendAsync(HttpMethod.Get, group.Users, token: null);
        var otherGroups = await fixture.SendAsync(HttpMethod.Post, group.Users, other.Token, ScimFixture.CreateBody("u", "u", "u@example.com"));
        var instance = await fixture.SendAsync(HttpMethod.Get, group.Users + "/x", ScimFixture.InstanceToken);
        var garbage = await fixture.SendAsync(HttpMethod.Patch, group.Users + "/x", "not-a-token", ScimFixture.Operation("replace", "active", false));

        Assert.Equal((HttpStatusCode.NotFound, "application/scim+json", ScimFixture.Error(404, $"Group {missingPath} not found")), (missing.Status, missing.MediaType, missing.Text));
        Assert.Equal((HttpStatusCode.NotFound, ScimFixture.Error(404, $"Group {withoutSaml.Group.FullPath} does not have SAML SSO configured")), (noSaml.Status, noSaml.Text));
        Assert.All(new[] { noToken, otherGroups, instance, garbage }, a => Assert.Equal((HttpStatusCode.Unauthorized, "application/scim+json", Unauthorized), (a.Status, a.MediaType, a.Text)));
        Assert.Null(await fixture.Stores.Users.FindUserByUsernameAsync("u"));
    }

    [Fact]
    public async Task A_Subgroup_Is_Addressed_With_An_Encoded_Slash_And_Ids_May_Hold_Dots_At_Signs_And_Slashes()
    {
        var top = await fixture.GroupAsync();
        var sub = await fixture.GroupAsync(parent: top.Group);
        var user = await fixture.UserAsync();
        const string uid = "first.last@idp.example/42";

        Assert.Contains("%2F", sub.Users, StringComparison.Ordinal);
        var created = await fixture.SendAsync(HttpMethod.Post, sub.Users, sub.Token, ScimFixture.CreateBody(uid, user.Username, user.Email!));
        var byRawSlash = await fixture.SendAsync(HttpMethod.Get, sub.Users + "/first.last@idp.example/42", sub.Token);
        var byEncodedSlash = await fixture.SendAsync(HttpMethod.Get, sub.Users + "/first.last%40idp.example%2F42", sub.Token);
        var otherCase = await fixture.SendAsync(HttpMethod.Get, sub.Users + "/FIRST.last@idp.example/42", sub.Token);

        Assert.Equal(HttpStatusCode.Created, created.Status);
        Assert.All(new[] { byRawSlash, byEncodedSlash, otherCase }, a => Assert.Equal((HttpStatusCode.OK, uid), (a.Status, (string?)a.Json!["id"])));
        Assert.Equal(AccessLevel.Developer, await fixture.Stores.Members.GetMembershipAsync(MemberSource.Group, sub.Group.Id, user.Id));
    }

    [Fact]
    public async Task Get_Of_An_Unknown_Or_Other_Groups_Identity_Is_404()
    {
        var group = await fixture.GroupAsync();
        var other = await fixture.GroupAsync();
        var user = await fixture.UserAsync();
        await fixture.Scim.UpsertIdentityAsync(ScimTables.GroupScope(other.Group.Id), new ScimIdentity("elsewhere", user.Id, true));

        var unknown = await fixture.SendAsync(HttpMethod.Get, group.Users + "/elsewhere", group.Token);
        var patch = await fixture.SendAsync(HttpMethod.Patch, group.Users + "/elsewhere", group.Token, ScimFixture.Operation("replace", "active", false));

        Assert.Equal((HttpStatusCode.NotFound, ScimFixture.Error(404, "Resource elsewhere not found")), (unknown.Status, unknown.Text));
        Assert.Equal((HttpStatusCode.NotFound, ScimFixture.Error(404, "Resource elsewhere not found")), (patch.Status, patch.Text));
    }

    [Fact]
    public async Task Patch_Deactivates_Reactivates_Renames_The_Uid_And_Ignores_The_Rest()
    {
        var group = await fixture.GroupAsync(AccessLevel.Developer);
        var user = await fixture.UserAsync();
        var scope = ScimTables.GroupScope(group.Group.Id);
        Assert.Equal(HttpStatusCode.Created, (await fixture.SendAsync(HttpMethod.Post, group.Users, group.Token, ScimFixture.CreateBody("p-uid", user.Username, user.Email!))).Status);

        // Ignored: an unknown op (the doc's "Update"), removed attributes, unknown paths.
        foreach (var body in new[]
        {
            ScimFixture.Operation("Update", "active", false),
            ScimFixture.Operation("remove", "active", null),
            ScimFixture.Operation("replace", "name.formatted", "New Name"),
            ScimFixture.Operation("Replace", "emails[type eq \"work\"].value", "new@example.com"),
            ScimFixture.Operation("add", "nickName", "x"),
            """{"Operations":[]}""",
        })
        {
            Assert.Equal(HttpStatusCode.NoContent, (await fixture.SendAsync(HttpMethod.Patch, group.Users + "/p-uid", group.Token, body)).Status);
        }

        Assert.Equal((user.Name, user.Email), ((await fixture.Stores.Users.GetUserAsync(user.Id))!.Name, (await fixture.Stores.Users.GetUserAsync(user.Id))!.Email));
        Assert.Equal(new ScimIdentity("p-uid", user.Id, true), await fixture.Scim.GetIdentityAsync(scope, "p-uid"));

        // Azure sends "False" as a string: deprovision (identity kept, inactive; membership gone).
        var off = await fixture.SendAsync(HttpMethod.Patch, group.Users + "/p-uid", group.Token, ScimFixture.Operation("Replace", "active", "False"));
        Assert.Equal((HttpStatusCode.NoContent, ""), (off.Status, off.Text));
        Assert.Equal(new ScimIdentity("p-uid", user.Id, false), await fixture.Scim.GetIdentityAsync(scope, "p-uid"));
        Assert.Null(await fixture.Stores.Members.GetMembershipAsync(MemberSource.Group, group.Group.Id, user.Id));
        Assert.False((bool)(await fixture.SendAsync(HttpMethod.Get, group.Users + "/p-uid", group.Token)).Json!["active"]!);

        // Okta style (no path, an object value): reprovision at the default role.
        var on = await fixture.SendAsync(HttpMethod.Patch, group.Users + "/p-uid", group.Token, ScimFixture.Operation("ADD", null, new JsonObject { ["active"] = true }));
        Assert.Equal(HttpStatusCode.NoContent, on.Status);
        Assert.Equal(new ScimIdentity("p-uid", user.Id, true), await fixture.Scim.GetIdentityAsync(scope, "p-uid"));
        Assert.Equal(AccessLevel.Developer, await fixture.Stores.Members.GetMembershipAsync(MemberSource.Group, group.Group.Id, user.Id));

        var moved = await fixture.SendAsync(HttpMethod.Patch, group.Users + "/p-uid", group.Token, ScimFixture.Operation("replace", "externalId", "\"p-uid-2\""));
        Assert.Equal(HttpStatusCode.NoContent, moved.Status);
        Assert.Null(await fixture.Scim.GetIdentityAsync(scope, "p-uid"));
        Assert.Equal(new ScimIdentity("p-uid-2", user.Id, true), await fixture.Scim.GetIdentityAsync(scope, "p-uid-2"));
        Assert.Equal("p-uid-2", (await fixture.Scim.FindIdentityOfUserAsync(scope, user.Id))!.ExternUid);

        var missing = await fixture.SendAsync(HttpMethod.Patch, group.Users + "/p-uid-2", group.Token, """{"operations":[]}""");
        Assert.Equal((HttpStatusCode.BadRequest, """{"error":"Operations is missing"}"""), (missing.Status, missing.Text));
    }

    [Fact]
    public async Task Patch_To_A_Taken_Uid_Is_The_412_Update_Error()
    {
        var group = await fixture.GroupAsync();
        var a = await fixture.UserAsync();
        var b = await fixture.UserAsync();
        await fixture.SendAsync(HttpMethod.Post, group.Users, group.Token, ScimFixture.CreateBody("a-uid", a.Username, a.Email!));
        await fixture.SendAsync(HttpMethod.Post, group.Users, group.Token, ScimFixture.CreateBody("b-uid", b.Username, b.Email!));

        var taken = await fixture.SendAsync(HttpMethod.Patch, group.Users + "/a-uid", group.Token, ScimFixture.Operation("replace", "id", "b-uid"));

        Assert.Equal((HttpStatusCode.PreconditionFailed, ScimFixture.Error(412, $$"""Error updating {{a.Name}} with {:extern_uid=>"b-uid"}""")), (taken.Status, taken.Text));
    }

    [Fact]
    public async Task Delete_Removes_The_Membership_Keeps_The_Inactive_Identity_And_Refuses_The_Last_Owner()
    {
        var group = await fixture.GroupAsync();
        var member = await fixture.UserAsync();
        var owner = await fixture.UserAsync();
        await fixture.SendAsync(HttpMethod.Post, group.Users, group.Token, ScimFixture.CreateBody("d-member", member.Username, member.Email!));
        await fixture.Stores.Members.UpsertMembershipAsync(new Membership(MemberSource.Group, group.Group.Id, owner.Id, AccessLevel.Owner));
        await fixture.SendAsync(HttpMethod.Post, group.Users, group.Token, ScimFixture.CreateBody("d-owner", owner.Username, owner.Email!));

        var deleted = await fixture.SendAsync(HttpMethod.Delete, group.Users + "/d-member", group.Token);
        var again = await fixture.SendAsync(HttpMethod.Delete, group.Users + "/d-member", group.Token);
        var lastOwner = await fixture.SendAsync(HttpMethod.Delete, group.Users + "/d-owner", group.Token);
        var unknown = await fixture.SendAsync(HttpMethod.Delete, group.Users + "/nobody", group.Token);

        Assert.Equal((HttpStatusCode.NoContent, ""), (deleted.Status, deleted.Text));
        Assert.Equal(HttpStatusCode.NoContent, again.Status);
        Assert.Null(await fixture.Stores.Members.GetMembershipAsync(MemberSource.Group, group.Group.Id, member.Id));
        Assert.Equal(new ScimIdentity("d-member", member.Id, false), await fixture.Scim.GetIdentityAsync(ScimTables.GroupScope(group.Group.Id), "d-member"));
        Assert.Equal(UserState.Active, (await fixture.Stores.Users.GetUserAsync(member.Id))!.State);
        Assert.Equal((HttpStatusCode.PreconditionFailed, ScimFixture.Error(412, $"Could not remove {owner.Name} from {group.Group.Name}. Cannot remove last group owner.")), (lastOwner.Status, lastOwner.Text));
        Assert.Equal(AccessLevel.Owner, await fixture.Stores.Members.GetMembershipAsync(MemberSource.Group, group.Group.Id, owner.Id));
        Assert.Equal((HttpStatusCode.NotFound, ScimFixture.Error(404, "Resource nobody not found")), (unknown.Status, unknown.Text));
    }

    [Fact]
    public async Task A_Group_With_Saml_Switched_Off_Lists_Nothing()
    {
        var group = await fixture.GroupAsync(enabled: false);
        var user = await fixture.UserAsync();
        await fixture.Scim.UpsertIdentityAsync(ScimTables.GroupScope(group.Group.Id), new ScimIdentity("off-uid", user.Id, true));

        var list = await fixture.SendAsync(HttpMethod.Get, group.Users, group.Token);

        Assert.Equal((HttpStatusCode.OK, 0, 0), (list.Status, (int)list.Json!["totalResults"]!, list.Json["Resources"]!.AsArray().Count));
    }
}
