using System.Globalization;
using InternalApi.Core.Kubernetes;
using InternalApi.Core.Model;
using InternalApi.Functions.Hosting;
using InternalApi.Functions.OpenApi;

namespace InternalApi.Tests.Kubernetes;

/// <summary>
/// What a current KAS sends: <c>agents/agentk/agent_info</c>, and every agent endpoint with nothing but
/// <c>Gitlab-Kas-Api-Request</c> and <c>Gitlab-Agent-Api-Request</c>.
/// </summary>
[Collection(KasCollection.Name)]
public sealed class AgentkAgentInfoTests(KasFixture fixture)
{
    private const string Path = "/api/v4/internal/agents/agentk/agent_info";

    [Fact]
    public async Task Agentk_Agent_Info_Answers_What_The_Legacy_Route_Answers()
    {
        var agent = await fixture.AgentAsync(await fixture.ProjectAsync(defaultBranch: null));
        var expected = $$"""{"project_id":{{agent.Project.Id}},"agent_id":{{agent.Agent.Id}},"agent_name":"{{agent.Agent.Name}}",{{KasFixture.GitalyJson(agent.Project)}},"default_branch":"main"}""";

        Assert.Equal((200, expected), await fixture.AgentRequestAsync(HttpMethod.Get, Path, agent.Token));
        Assert.Equal((200, expected), await fixture.AgentRequestAsync(HttpMethod.Get, "/api/v4/internal/kubernetes/agent_info", agent.Token));
    }

    [Theory]
    [InlineData(KasJwt.None)]
    [InlineData(KasJwt.Garbage)]
    [InlineData(KasJwt.WrongKey)]
    [InlineData(KasJwt.Shell)]
    public async Task Without_A_Valid_Kas_Jwt_It_Is_401_Whatever_The_Agent_Token(KasJwt jwt)
    {
        var agent = await fixture.AgentAsync();
        Assert.Equal((401, """{"message":"KAS JWT authentication invalid"}"""),
            await fixture.SendAsync(HttpMethod.Get, Path, null, jwt, headers: [new(AgentTokenHeader.AgentHeader, agent.Token)]));
    }

    [Fact]
    public async Task A_Missing_Unknown_Or_Revoked_Agent_Token_Is_401()
    {
        var agent = await fixture.AgentAsync();
        var revoked = await fixture.TokenAsync(agent.Agent, AgentTokenStatus.Revoked);
        const string unauthorized = """{"message":"401 Unauthorized"}""";
        Assert.Equal((401, unauthorized), await fixture.GetAsync(Path, null));
        Assert.Equal((401, unauthorized), await fixture.AgentRequestAsync(HttpMethod.Get, Path, "NONEXISTENT"));
        Assert.Equal((401, unauthorized), await fixture.AgentRequestAsync(HttpMethod.Get, Path, revoked));
    }

    [Fact]
    public async Task A_Current_Kas_Gets_2xx_From_Every_Agent_Endpoint_With_Only_Its_Two_Headers()
    {
        var agent = await fixture.SecurityAgentAsync();
        var id = agent.Project.Id.ToString(CultureInfo.InvariantCulture);
        async Task<int> Status(HttpMethod method, string path, string? json = null) =>
            (await fixture.AgentRequestAsync(method, path, agent.Token, json is null ? null : KasFixture.Json(json))).Status;

        Assert.Equal(200, await Status(HttpMethod.Get, Path));
        Assert.Equal(200, await Status(HttpMethod.Get, "/api/v4/internal/kubernetes/agent_info"));
        Assert.Equal(200, await Status(HttpMethod.Get, "/api/v4/internal/kubernetes/project_info?id=" + id));
        Assert.Equal(204, await Status(HttpMethod.Get, "/api/v4/internal/kubernetes/verify_project_access?id=" + id));
        Assert.Equal(200, await Status(HttpMethod.Get, "/api/v4/internal/kubernetes/modules/starboard_vulnerability/policies_configuration"));
        Assert.Equal(200, await Status(HttpMethod.Get, "/api/v4/internal/kubernetes/modules/starboard_vulnerability/scan_execution_policies"));
        Assert.Equal(200, await Status(HttpMethod.Post, "/api/v4/internal/kubernetes/modules/starboard_vulnerability/scan_result", """{"uuids":[]}"""));
        Assert.Equal(200, await Status(HttpMethod.Post, "/api/v4/internal/kubernetes/modules/cilium_alert", """{"alert":{"title":"agentk header"}}"""));
        Assert.Equal(200, await Status(HttpMethod.Put, "/api/v4/internal/kubernetes/modules/starboard_vulnerability", """
            {"vulnerability":{"name":"CVE-2022-3715 in bash","severity":"High",
              "location":{"image":"nginx:1.18","dependency":{"package":{"name":"bash"}},
                "kubernetes_resource":{"namespace":"default","name":"nginx","kind":"Deployment","container_name":"nginx","agent_id":"1"}},
              "identifiers":[{"type":"cve","name":"CVE-2022-3715"}]},
             "scanner":{"id":"starboard_trivy","name":"Trivy","vendor":{"name":"GitLab"}}}
            """));
    }

    [Fact]
    public void Every_Function_That_Takes_An_Agent_Token_Is_Covered_Above()
    {
        // A new agent endpoint must be added to the test above (and so be proven to take the current header).
        var routes = FunctionMetadata.Load(System.IO.Path.Combine(AppContext.BaseDirectory, "functions.metadata"))
            .Where(f => f.IsHttp && FunctionEntryPoints.Resolve(f.EntryPoint).Auth == FunctionAuth.KasAgentToken)
            .Select(f => f.Trigger!.Route!)
            .Order(StringComparer.Ordinal);
        Assert.Equal(
            [
                "v4/internal/agents/agentk/agent_info",
                "v4/internal/kubernetes/agent_info",
                "v4/internal/kubernetes/modules/cilium_alert",
                "v4/internal/kubernetes/modules/starboard_vulnerability",
                "v4/internal/kubernetes/modules/starboard_vulnerability/policies_configuration",
                "v4/internal/kubernetes/modules/starboard_vulnerability/scan_execution_policies",
                "v4/internal/kubernetes/modules/starboard_vulnerability/scan_result",
                "v4/internal/kubernetes/project_info",
                "v4/internal/kubernetes/verify_project_access",
            ],
            routes);
    }
}
