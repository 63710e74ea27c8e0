using System.Globalization;
using InternalApi.Core.Kubernetes;
using InternalApi.Core.Model;
using InternalApi.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace InternalApi.Tests.Kubernetes;

/// <summary>
/// <c>agent_configuration</c> and what it grants, on the app where configurations count for project access
/// (<c>Kubernetes:AgentConfigGrantsProjectAccess</c>).
/// </summary>
[Collection(KasGrantsCollection.Name)]
public sealed class AgentConfigurationTests(KasGrantsFixture fixture)
{
    private const string Route = "/api/v4/internal/kubernetes/agent_configuration";
    private const string NotFound = """{"message":"404 Not Found"}""";

    private AgentConfigStore Configs => fixture.App.Services.GetRequiredService<AgentConfigStore>();

    private static string Verify(Project project) => "/api/v4/internal/kubernetes/verify_project_access?id=" + project.Id.ToString(CultureInfo.InvariantCulture);

    private static string Info(Project project) => "/api/v4/internal/kubernetes/project_info?id=" + Uri.EscapeDataString(project.FullPath);

    private Task<(int Status, string Body)> PostAsync(long agentId, string config) =>
        fixture.KasPostAsync(Route, "{\"agent_id\":" + agentId.ToString(CultureInfo.InvariantCulture) + ",\"agent_config\":" + config + "}");

    /// <summary>Root group, the agent's project in it, a private sibling, a subgroup with a project, and a project of another root.</summary>
    private async Task<(SeededAgent Agent, GitLabNamespace Root, Project Sibling, GitLabNamespace Sub, Project Deep, Project Foreign)> LayoutAsync()
    {
        var root = await fixture.GroupAsync();
        var agent = await fixture.AgentAsync(await fixture.ProjectInAsync(root));
        var sub = await fixture.GroupAsync(root);
        var foreignRoot = await fixture.GroupAsync();
        return (agent, root, await fixture.ProjectInAsync(root), sub, await fixture.ProjectInAsync(sub), await fixture.ProjectInAsync(foreignRoot));
    }

    [Fact]
    public async Task A_Posted_Configuration_Changes_What_Verify_Project_Access_Answers()
    {
        var (agent, _, sibling, _, _, _) = await LayoutAsync();
        Assert.Equal((404, NotFound), await fixture.AgentRequestAsync(HttpMethod.Get, Verify(sibling), agent.Token));

        Assert.Equal((204, ""), await PostAsync(agent.Agent.Id, $$$$"""{"ci_access":{"projects":[{"id":"{{{{sibling.FullPath.ToUpperInvariant()}}}}","default_namespace":"staging"}]}}"""));
        Assert.Equal((204, ""), await fixture.AgentRequestAsync(HttpMethod.Get, Verify(sibling), agent.Token));
        Assert.Equal(200, (await fixture.AgentRequestAsync(HttpMethod.Get, Info(sibling), agent.Token)).Status);

        // A later configuration without it takes the grant back.
        Assert.Equal((204, ""), await PostAsync(agent.Agent.Id, """{"gitops":{}}"""));
        Assert.Equal((404, NotFound), await fixture.AgentRequestAsync(HttpMethod.Get, Verify(sibling), agent.Token));
    }

    [Fact]
    public async Task A_Group_Grants_Its_Projects_And_Its_Subgroups_Projects_Through_Either_Keyword()
    {
        var (agent, root, sibling, sub, deep, _) = await LayoutAsync();
        Assert.Equal((204, ""), await PostAsync(agent.Agent.Id, $$$$"""{"user_access":{"access_as":{"agent":{}},"groups":[{"id":"{{{{sub.FullPath}}}}"}]}}"""));
        Assert.Equal((204, ""), await fixture.AgentRequestAsync(HttpMethod.Get, Verify(deep), agent.Token));
        Assert.Equal((404, NotFound), await fixture.AgentRequestAsync(HttpMethod.Get, Verify(sibling), agent.Token));

        Assert.Equal((204, ""), await PostAsync(agent.Agent.Id, $$$$"""{"ci_access":{"groups":[{"id":"{{{{root.FullPath}}}}"}]}}"""));
        Assert.Equal((204, ""), await fixture.AgentRequestAsync(HttpMethod.Get, Verify(sibling), agent.Token));
        Assert.Equal((204, ""), await fixture.AgentRequestAsync(HttpMethod.Get, Verify(deep), agent.Token));
    }

    [Fact]
    public async Task Projects_And_Groups_Outside_The_Agents_Root_Namespace_Or_Unknown_Are_Dropped()
    {
        var (agent, _, _, _, _, foreign) = await LayoutAsync();
        var foreignGroup = foreign.FullPath[..foreign.FullPath.LastIndexOf('/')];
        Assert.Equal((204, ""), await PostAsync(agent.Agent.Id, $$$$"""
            {"ci_access":{"projects":[{"id":"{{{{foreign.FullPath}}}}"},{"id":"no/such/project"}],"groups":[{"id":"{{{{foreignGroup}}}}"}]}}
            """));
        Assert.Equal((404, NotFound), await fixture.AgentRequestAsync(HttpMethod.Get, Verify(foreign), agent.Token));
        Assert.Empty(await Configs.FindAuthorizationsAsync(agent.Agent.Id, [AgentConfigStore.TargetRow(false, foreign.Id)]));
    }

    [Fact]
    public async Task The_Configuration_And_The_Authorizations_Are_Stored_As_Posted_And_A_Repeat_Changes_Nothing()
    {
        var (agent, root, sibling, _, _, _) = await LayoutAsync();
        var config = $$$$"""{"ci_access":{"projects":[{"id":"{{{{sibling.FullPath}}}}","default_namespace":"staging"}]},"user_access":{"access_as":{"agent":{}},"groups":[{"id":"{{{{root.FullPath}}}}"}],"projects":[{"id":"{{{{sibling.FullPath}}}}"}]}}""";
        Assert.Equal((204, ""), await PostAsync(agent.Agent.Id, config));
        Assert.Equal((204, ""), await PostAsync(agent.Agent.Id, config));

        Assert.Equal(config, await Configs.GetConfigJsonAsync(agent.Agent.Id));
        var rows = await Configs.FindAuthorizationsAsync(agent.Agent.Id, [AgentConfigStore.TargetRow(false, sibling.Id), AgentConfigStore.TargetRow(true, root.Id)]);
        Assert.Equal(
            [
                new AgentAuthorization(false, sibling.Id, AgentAccessKinds.Ci | AgentAccessKinds.User, """{"default_namespace":"staging"}""", """{"access_as":{"agent":{}}}"""),
                new AgentAuthorization(true, root.Id, AgentAccessKinds.User, null, """{"access_as":{"agent":{}}}"""),
            ],
            rows.OrderBy(r => r.IsGroup));
        Assert.Equal(2, (await Configs.GetUserAccessAuthorizationsAsync(agent.Agent.Id)).Count);
    }

    [Fact]
    public async Task A_Configuration_Sent_As_A_Json_String_Or_A_Form_Field_Works()
    {
        var (agent, _, sibling, _, _, _) = await LayoutAsync();
        var inner = $$$$"""{"ci_access":{"projects":[{"id":"{{{{sibling.FullPath}}}}"}]}}""";
        Assert.Equal((204, ""), await fixture.KasPostAsync(Route, $$$$"""{"agent_id":"{{{{agent.Agent.Id}}}}","agent_config":{{{{System.Text.Json.JsonSerializer.Serialize(inner)}}}}}"""));
        Assert.Equal((204, ""), await fixture.AgentRequestAsync(HttpMethod.Get, Verify(sibling), agent.Token));

        using var form = new FormUrlEncodedContent([new("agent_id", agent.Agent.Id.ToString(CultureInfo.InvariantCulture)), new("agent_config", "{}")]);
        Assert.Equal((204, ""), await fixture.SendAsync(HttpMethod.Post, Route, null, KasJwt.Valid, form));
        Assert.Equal((404, NotFound), await fixture.AgentRequestAsync(HttpMethod.Get, Verify(sibling), agent.Token));
    }

    [Fact]
    public async Task An_Unknown_Agent_Is_404_Not_Found_Lower_Case()
    {
        Assert.Equal((404, """{"message":"404 Not found"}"""), await PostAsync(-1, "{}"));
        Assert.Equal((404, """{"message":"404 Not found"}"""), await PostAsync(TestIds.Next(), "{}"));
    }

    [Theory]
    [InlineData("{}", """{"error":"agent_id is missing, agent_config is missing"}""")]
    [InlineData("""{"agent_id":1}""", """{"error":"agent_config is missing"}""")]
    [InlineData("""{"agent_id":1,"agent_config":null}""", """{"error":"agent_config is missing"}""")]
    [InlineData("""{"agent_id":"one","agent_config":{}}""", """{"error":"agent_id is invalid"}""")]
    [InlineData("""{"agent_id":1.5,"agent_config":{}}""", """{"error":"agent_id is invalid"}""")]
    [InlineData("""{"agent_id":1,"agent_config":[]}""", """{"error":"agent_config is invalid"}""")]
    [InlineData("""{"agent_id":1,"agent_config":"not json"}""", """{"error":"agent_config is invalid"}""")]
    [InlineData("""{"agent_id":1,"agent_config":{"ci_access":[]}}""", """{"error":"agent_config is invalid"}""")]
    [InlineData("""{"agent_id":1,"agent_config":{"ci_access":{"projects":{}}}}""", """{"error":"agent_config is invalid"}""")]
    [InlineData("""{"agent_id":1,"agent_config":{"user_access":{"groups":[{"name":"no id"}]}}}""", """{"error":"agent_config is invalid"}""")]
    [InlineData("""{"agent_id":1,"agent_config":{"user_access":{"groups":[{"id":5}]}}}""", """{"error":"agent_config is invalid"}""")]
    public async Task Malformed_Bodies_Are_400_And_Store_Nothing(string body, string expected)
    {
        Assert.Equal((400, expected), await fixture.KasPostAsync(Route, body));
    }

    [Fact]
    public async Task The_Kas_Jwt_Is_Required_And_An_Agent_Token_Is_Not_One()
    {
        var agent = await fixture.AgentAsync();
        Assert.Equal((401, """{"message":"KAS JWT authentication invalid"}"""), await fixture.KasPostAsync(Route, $$$$"""{"agent_id":{{{{agent.Agent.Id}}}},"agent_config":{}}""", KasJwt.None));
        Assert.Equal((401, """{"message":"KAS JWT authentication invalid"}"""),
            await fixture.SendAsync(HttpMethod.Post, Route, agent.Token, KasJwt.Shell, KasFixture.Json($$$$"""{"agent_id":{{{{agent.Agent.Id}}}},"agent_config":{}}""")));
        Assert.Null(await Configs.GetConfigJsonAsync(agent.Agent.Id));
    }
}
