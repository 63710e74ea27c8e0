using System.Globalization;
using System.Text.Json.Nodes;
using InternalApi.Core.Model;
using InternalApi.Tests.Infrastructure;

namespace InternalApi.Tests.Kubernetes;

/// <summary><c>authorize_proxy_user</c> with personal access tokens; the session-cookie kind is refused.</summary>
[Collection(KasCollection.Name)]
public sealed class AuthorizeProxyUserTests(KasFixture fixture)
{
    private const string Route = "/api/v4/internal/kubernetes/authorize_proxy_user";

    private static string Body(long agentId, string token, string type = "personal_access_token") =>
        new JsonObject { ["agent_id"] = agentId, ["access_type"] = type, ["access_key"] = token }.ToJsonString();

    /// <summary>An agent whose configuration grants <c>user_access</c> to a deployment project and a subgroup.</summary>
    private async Task<(SeededAgent Agent, Project Deployment, GitLabNamespace DeploymentGroup)> AgentWithUserAccessAsync(string accessAs = """{"agent":{}}""")
    {
        var root = await fixture.GroupAsync();
        var agent = await fixture.AgentAsync(await fixture.ProjectInAsync(root));
        var deployment = await fixture.ProjectInAsync(root);
        var group = await fixture.GroupAsync(root);
        var config = new JsonObject
        {
            ["user_access"] = new JsonObject
            {
                ["access_as"] = JsonNode.Parse(accessAs),
                ["projects"] = new JsonArray(new JsonObject { ["id"] = deployment.FullPath }),
                ["groups"] = new JsonArray(new JsonObject { ["id"] = group.FullPath }),
            },
        };
        var (status, _) = await fixture.KasPostAsync("/api/v4/internal/kubernetes/agent_configuration", new JsonObject { ["agent_id"] = agent.Agent.Id, ["agent_config"] = config }.ToJsonString());
        Assert.Equal(204, status);
        return (agent, deployment, group);
    }

    private async Task<(User User, string Token)> UserAsync(string scope = "k8s_proxy", UserState state = UserState.Active)
    {
        var user = await fixture.UserAsync(state);
        return (user, await fixture.PersonalAccessTokenAsync(user, [scope]));
    }

    [Fact]
    public async Task A_Developer_Of_An_Authorized_Project_Is_Authorized_With_201_And_GitLabs_Body()
    {
        var (agent, deployment, _) = await AgentWithUserAccessAsync();
        var (user, token) = await UserAsync();
        await fixture.Stores.Members.UpsertMembershipAsync(new Membership(MemberSource.Project, deployment.Id, user.Id, AccessLevel.Developer));

        var expected = new JsonObject
        {
            ["agent"] = new JsonObject { ["id"] = agent.Agent.Id, ["config_project"] = new JsonObject { ["id"] = agent.Project.Id } },
            ["user"] = new JsonObject { ["id"] = user.Id, ["username"] = user.Username },
            ["access_as"] = new JsonObject { ["agent"] = new JsonObject() },
        }.ToJsonString();
        Assert.Equal((201, expected), await fixture.KasPostAsync(Route, Body(agent.Agent.Id, token)));
    }

    [Fact]
    public async Task A_Developer_Of_An_Authorized_Group_Or_Of_Its_Parent_Is_Authorized()
    {
        var (agent, _, group) = await AgentWithUserAccessAsync();
        var (user, token) = await UserAsync();
        await fixture.Stores.Members.UpsertMembershipAsync(new Membership(MemberSource.Group, group.ParentId!.Value, user.Id, AccessLevel.Maintainer));
        Assert.Equal(201, (await fixture.KasPostAsync(Route, Body(agent.Agent.Id, token))).Status);
    }

    [Fact]
    public async Task A_Reporter_Or_A_Stranger_Is_403()
    {
        var (agent, deployment, _) = await AgentWithUserAccessAsync();
        var (user, token) = await UserAsync();
        const string notMember = """{"message":"You must be a member of `projects` or `groups` under the `user_access` keyword."}""";
        Assert.Equal((403, notMember), await fixture.KasPostAsync(Route, Body(agent.Agent.Id, token)));
        await fixture.Stores.Members.UpsertMembershipAsync(new Membership(MemberSource.Project, deployment.Id, user.Id, AccessLevel.Reporter));
        Assert.Equal((403, notMember), await fixture.KasPostAsync(Route, Body(agent.Agent.Id, token)));
    }

    [Fact]
    public async Task An_Agent_Without_User_Access_Is_403()
    {
        var other = await fixture.AgentAsync();
        var (_, token) = await UserAsync();
        Assert.Equal((403, """{"message":"`user_access` keyword is not found in agent config file."}"""), await fixture.KasPostAsync(Route, Body(other.Agent.Id, token)));
    }

    [Theory]
    [InlineData("{}", "`access_as` is not found under the `user_access` keyword.")]
    [InlineData("""{"agent":{},"user":{}}""", "`access_as` must exist only once under the `user_access` keyword.")]
    [InlineData("""{"user":{}}""", "`access_as` must be `agent`: impersonating the user (`access_as: user`) is not supported.")]
    public async Task An_Access_As_Other_Than_Agent_Alone_Is_403(string accessAs, string message)
    {
        var (agent, deployment, _) = await AgentWithUserAccessAsync(accessAs);
        var (user, token) = await UserAsync();
        await fixture.Stores.Members.UpsertMembershipAsync(new Membership(MemberSource.Project, deployment.Id, user.Id, AccessLevel.Developer));
        Assert.Equal((403, "{\"message\":\"" + message + "\"}"), await fixture.KasPostAsync(Route, Body(agent.Agent.Id, token)));
    }

    [Fact]
    public async Task Token_Failures_Come_First_In_GitLabs_Words()
    {
        var (agent, deployment, _) = await AgentWithUserAccessAsync();
        var user = await fixture.UserAsync();
        await fixture.Stores.Members.UpsertMembershipAsync(new Membership(MemberSource.Project, deployment.Id, user.Id, AccessLevel.Developer));
        var readApi = await fixture.PersonalAccessTokenAsync(user, ["read_api"]);
        var expired = await fixture.PersonalAccessTokenAsync(user, ["k8s_proxy"], expiresAt: new DateOnly(2020, 1, 1));
        var revoked = await fixture.PersonalAccessTokenAsync(user, ["k8s_proxy"], revoked: true);

        Assert.Equal((403, """{"error":"insufficient_scope","error_description":"The request requires higher privileges than provided by the access token.","scope":"k8s_proxy"}"""),
            await fixture.KasPostAsync(Route, Body(agent.Agent.Id, readApi)));
        Assert.Equal((401, """{"error":"invalid_token","error_description":"Token has expired."}"""), await fixture.KasPostAsync(Route, Body(agent.Agent.Id, expired)));
        Assert.Equal((401, """{"error":"invalid_token","error_description":"Token has been revoked."}"""), await fixture.KasPostAsync(Route, Body(agent.Agent.Id, revoked)));
        Assert.Equal((400, """{"message":"400 Bad request - Unable to get user from request data"}"""), await fixture.KasPostAsync(Route, Body(agent.Agent.Id, "glpat-nobody")));
        Assert.Equal((400, """{"message":"400 Bad request - Unable to get user from request data"}"""), await fixture.KasPostAsync(Route, Body(agent.Agent.Id, "")));
    }

    [Fact]
    public async Task A_Blocked_Users_Token_Is_401()
    {
        var (agent, deployment, _) = await AgentWithUserAccessAsync();
        var (user, token) = await UserAsync(state: UserState.Blocked);
        await fixture.Stores.Members.UpsertMembershipAsync(new Membership(MemberSource.Project, deployment.Id, user.Id, AccessLevel.Developer));
        Assert.Equal((401, """{"message":"401 Unauthorized"}"""), await fixture.KasPostAsync(Route, Body(agent.Agent.Id, token)));
    }

    [Fact]
    public async Task An_Unknown_Agent_Is_404_After_The_Token()
    {
        var (_, token) = await UserAsync();
        Assert.Equal((404, """{"message":"404 Not found"}"""), await fixture.KasPostAsync(Route, Body(TestIds.Next(), token)));
        Assert.Equal(400, (await fixture.KasPostAsync(Route, Body(TestIds.Next(), "glpat-nobody"))).Status);
    }

    [Fact]
    public async Task The_Session_Cookie_Kind_Is_Refused_With_A_Clear_401()
    {
        var (agent, _, _) = await AgentWithUserAccessAsync();
        var body = new JsonObject { ["agent_id"] = agent.Agent.Id, ["access_type"] = "session_cookie", ["access_key"] = "encrypted-session-id", ["csrf_token"] = "token" }.ToJsonString();
        Assert.Equal(
            (401, """{"message":"401 Unauthorized - session_cookie access is not supported: this GitLab internal API has no web sessions; use a personal access token with the k8s_proxy scope"}"""),
            await fixture.KasPostAsync(Route, body));
    }

    [Theory]
    [InlineData("{}", "agent_id is missing, access_type is missing, access_key is missing")]
    [InlineData("""{"agent_id":1,"access_type":"password","access_key":"x"}""", "access_type does not have a valid value")]
    [InlineData("""{"agent_id":1,"access_type":"session_cookie","access_key":"x"}""", "csrf_token is missing")]
    [InlineData("""{"agent_id":1,"access_type":"session_cookie","access_key":"x","csrf_token":" "}""", "csrf_token is empty")]
    [InlineData("""{"agent_id":"x","access_type":"personal_access_token","access_key":"x"}""", "agent_id is invalid")]
    [InlineData("""{"agent_id":1,"access_type":"personal_access_token","access_key":["x"]}""", "access_key is invalid")]
    public async Task Malformed_Bodies_Are_400(string body, string error)
    {
        Assert.Equal((400, new JsonObject { ["error"] = error }.ToJsonString()), await fixture.KasPostAsync(Route, body));
    }

    [Fact]
    public async Task Without_The_Kas_Jwt_It_Is_401()
    {
        var (agent, _, _) = await AgentWithUserAccessAsync();
        var (_, token) = await UserAsync();
        Assert.Equal((401, """{"message":"KAS JWT authentication invalid"}"""), await fixture.KasPostAsync(Route, Body(agent.Agent.Id, token), KasJwt.None));
        Assert.Equal((401, """{"message":"KAS JWT authentication invalid"}"""), await fixture.KasPostAsync(Route, Body(agent.Agent.Id, token), KasJwt.Shell));
    }

    [Fact]
    public async Task Agent_Id_May_Come_As_Text_In_A_Form()
    {
        var (agent, deployment, _) = await AgentWithUserAccessAsync();
        var (user, token) = await UserAsync();
        await fixture.Stores.Members.UpsertMembershipAsync(new Membership(MemberSource.Project, deployment.Id, user.Id, AccessLevel.Owner));
        using var form = new FormUrlEncodedContent([new("agent_id", agent.Agent.Id.ToString(CultureInfo.InvariantCulture)), new("access_type", "personal_access_token"), new("access_key", token)]);
        Assert.Equal(201, (await fixture.SendAsync(HttpMethod.Post, Route, null, KasJwt.Valid, form)).Status);
    }
}
