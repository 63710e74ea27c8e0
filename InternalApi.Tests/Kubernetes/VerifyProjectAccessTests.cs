using System.Globalization;
using InternalApi.Core.Model;

namespace InternalApi.Tests.Kubernetes;

/// <summary><c>verify_project_access</c>: GitLab's rule (public repositories and the agent's own project), 204 or 404.</summary>
[Collection(KasCollection.Name)]
public sealed class VerifyProjectAccessTests(KasFixture fixture)
{
    private const string NotFound = """{"message":"404 Not Found"}""";

    private static string Path(string id) => "/api/v4/internal/kubernetes/verify_project_access?id=" + Uri.EscapeDataString(id);

    private static string Id(Project project) => project.Id.ToString(CultureInfo.InvariantCulture);

    [Fact]
    public async Task The_Agents_Own_Project_Is_204_By_Id_And_By_Path_Whatever_Its_Visibility()
    {
        foreach (var visibility in new[] { Visibility.Private, Visibility.Internal })
        {
            var agent = await fixture.AgentAsync(await fixture.ProjectAsync(visibility));
            Assert.Equal((204, ""), await fixture.AgentRequestAsync(HttpMethod.Get, Path(Id(agent.Project)), agent.Token));
            Assert.Equal((204, ""), await fixture.AgentRequestAsync(HttpMethod.Get, Path(agent.Project.FullPath.ToUpperInvariant()), agent.Token));
        }
    }

    [Fact]
    public async Task A_Public_Project_With_A_Public_Repository_Is_204_For_Any_Agent()
    {
        var agent = await fixture.AgentAsync();
        var open = await fixture.ProjectAsync(Visibility.Public);
        Assert.Equal((204, ""), await fixture.AgentRequestAsync(HttpMethod.Get, Path(Id(open)), agent.Token));
    }

    [Theory]
    [InlineData(Visibility.Private, FeatureAccess.Enabled)]
    [InlineData(Visibility.Internal, FeatureAccess.Enabled)]
    [InlineData(Visibility.Public, FeatureAccess.Private)]
    public async Task Other_Projects_Are_404(Visibility visibility, FeatureAccess repository)
    {
        var agent = await fixture.AgentAsync();
        var closed = await fixture.ProjectAsync(visibility, repository);
        Assert.Equal((404, NotFound), await fixture.AgentRequestAsync(HttpMethod.Get, Path(Id(closed)), agent.Token));
    }

    [Theory]
    [InlineData("")]
    [InlineData("0")]
    [InlineData("99999999999999999999999")]
    [InlineData("nobody/nothing")]
    public async Task Unknown_Or_Missing_Projects_Are_404(string id)
    {
        var agent = await fixture.AgentAsync();
        Assert.Equal((404, NotFound), await fixture.AgentRequestAsync(HttpMethod.Get, Path(id), agent.Token));
        Assert.Equal((404, NotFound), await fixture.AgentRequestAsync(HttpMethod.Get, "/api/v4/internal/kubernetes/verify_project_access", agent.Token));
    }

    [Fact]
    public async Task Without_The_Kas_Jwt_Or_The_Agent_Token_It_Is_401()
    {
        var agent = await fixture.AgentAsync();
        var path = Path(Id(agent.Project));
        Assert.Equal((401, """{"message":"KAS JWT authentication invalid"}"""),
            await fixture.SendAsync(HttpMethod.Get, path, null, KasJwt.None, headers: [new("Gitlab-Agent-Api-Request", agent.Token)]));
        Assert.Equal((401, """{"message":"401 Unauthorized"}"""), await fixture.GetAsync(path, null));
    }

    [Fact]
    public async Task By_Default_A_Posted_Configuration_Does_Not_Widen_Access_As_In_GitLab()
    {
        // GitLab's Clusters::Agent#has_access_to? is the configuration project only; ci_access/user_access
        // grant the cluster to those projects, not their repositories to the agent.
        var root = await fixture.GroupAsync();
        var agent = await fixture.AgentAsync(await fixture.ProjectInAsync(root));
        var sibling = await fixture.ProjectInAsync(root);
        var config = $$$$"""{"agent_id":{{{{agent.Agent.Id}}}},"agent_config":{"ci_access":{"projects":[{"id":"{{{{sibling.FullPath}}}}"}],"groups":[{"id":"{{{{root.FullPath}}}}"}]}}}""";
        Assert.Equal((204, ""), await fixture.KasPostAsync("/api/v4/internal/kubernetes/agent_configuration", config));
        Assert.Equal((404, NotFound), await fixture.AgentRequestAsync(HttpMethod.Get, Path(Id(sibling)), agent.Token));
    }
}
