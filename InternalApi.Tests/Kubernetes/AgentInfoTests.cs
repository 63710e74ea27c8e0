using InternalApi.Core.Model;
using InternalApi.Tests.Infrastructure;

namespace InternalApi.Tests.Kubernetes;

/// <summary>Spec §4.2: <c>GET /internal/kubernetes/agent_info</c>.</summary>
[Collection(KasCollection.Name)]
public sealed class AgentInfoTests(KasFixture fixture)
{
    private const string Path = "/api/v4/internal/kubernetes/agent_info";

    [Fact]
    public async Task Agent_Info_Answers_The_Agent_And_Its_Projects_Gitaly_Payload_In_GitLabs_Order()
    {
        var agent = await fixture.AgentAsync(await fixture.ProjectAsync(defaultBranch: "release"));
        var (status, body) = await fixture.GetAsync(Path, agent.Token);

        Assert.Equal(200, status);
        Assert.Equal(
            $$"""{"project_id":{{agent.Project.Id}},"agent_id":{{agent.Agent.Id}},"agent_name":"{{agent.Agent.Name}}",{{KasFixture.GitalyJson(agent.Project)}},"default_branch":"release"}""",
            body);
        Assert.Empty(fixture.App.Logs.Problems(agent.Agent.Name));
    }

    [Fact]
    public async Task Default_Branch_Is_Main_While_The_Repository_Has_None()
    {
        var agent = await fixture.AgentAsync(await fixture.ProjectAsync(defaultBranch: null));
        var (status, body) = await fixture.GetAsync(Path, agent.Token);
        Assert.Equal((200, "main"), (status, KasFixture.Parse(body).GetProperty("default_branch").GetString()));
    }

    [Fact]
    public async Task Gitaly_Info_Follows_The_Projects_Storage_And_Writes_An_Unset_Token_As_Null()
    {
        var agent = await fixture.AgentAsync(await fixture.ProjectAsync(storage: "nfs2"));
        var (status, body) = await fixture.GetAsync(Path, agent.Token);
        Assert.Equal(200, status);
        var root = KasFixture.Parse(body);
        Assert.Equal("""{"address":"tls://gitaly-2.internal:9999","token":null,"features":{"gitaly-feature-inforef_uploadpack_cache":"true"}}""", root.GetProperty("gitaly_info").GetRawText());
        Assert.Equal("nfs2", root.GetProperty("gitaly_repository").GetProperty("storage_name").GetString());
    }

    [Fact]
    public async Task Parameters_Are_Ignored()
    {
        var agent = await fixture.AgentAsync();
        var (status, body) = await fixture.GetAsync(Path + "?id=1&agent_id=999", agent.Token);
        Assert.Equal((200, agent.Agent.Id), (status, KasFixture.Parse(body).GetProperty("agent_id").GetInt64()));
    }

    [Fact]
    public async Task An_Agent_Whose_Project_Is_Gone_Gets_404()
    {
        var agent = await fixture.AgentAsync(new Project { Id = TestIds.Next(), Name = "gone", NamespaceId = 1, FullPath = "gone/gone" });
        Assert.Equal((404, """{"message":"404 Not Found"}"""), await fixture.GetAsync(Path, agent.Token));
    }

    [Fact]
    public async Task Post_Is_Not_Allowed()
    {
        var agent = await fixture.AgentAsync();
        var (status, _) = await fixture.SendAsync(HttpMethod.Post, Path, agent.Token, content: KasFixture.Json("{}"));
        Assert.Equal(405, status);
    }
}
