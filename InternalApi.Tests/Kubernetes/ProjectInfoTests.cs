using System.Globalization;
using InternalApi.Core.Model;

namespace InternalApi.Tests.Kubernetes;

/// <summary>Spec §4.3: <c>GET /internal/kubernetes/project_info?id=</c> and who may read what.</summary>
[Collection(KasCollection.Name)]
public sealed class ProjectInfoTests(KasFixture fixture)
{
    private const string NotFound = """{"message":"404 Not Found"}""";

    private static string Path(string id) => "/api/v4/internal/kubernetes/project_info?id=" + Uri.EscapeDataString(id);

    private static string Id(Project project) => project.Id.ToString(CultureInfo.InvariantCulture);

    [Fact]
    public async Task The_Agents_Own_Private_Project_Is_Served_By_Id_And_By_Path()
    {
        var agent = await fixture.AgentAsync(await fixture.ProjectAsync(Visibility.Private, FeatureAccess.Private, defaultBranch: null));
        var expected = $$"""{"project_id":{{agent.Project.Id}},{{KasFixture.GitalyJson(agent.Project)}},"default_branch":"main"}""";

        Assert.Equal((200, expected), await fixture.GetAsync(Path(Id(agent.Project)), agent.Token));
        Assert.Equal((200, expected), await fixture.GetAsync(Path(agent.Project.FullPath), agent.Token));
        Assert.Equal((200, expected), await fixture.GetAsync(Path(agent.Project.FullPath.ToUpperInvariant()), agent.Token));
    }

    [Fact]
    public async Task A_Public_Project_With_A_Public_Repository_Is_Served_To_Any_Agent()
    {
        var agent = await fixture.AgentAsync();
        var open = await fixture.ProjectAsync(Visibility.Public);
        var (status, body) = await fixture.GetAsync(Path(open.FullPath), agent.Token);
        Assert.Equal((200, $$"""{"project_id":{{open.Id}},{{KasFixture.GitalyJson(open)}},"default_branch":"main"}"""), (status, body));
    }

    [Theory]
    [InlineData(Visibility.Private, FeatureAccess.Enabled)]
    [InlineData(Visibility.Internal, FeatureAccess.Enabled)]
    [InlineData(Visibility.Public, FeatureAccess.Private)]
    [InlineData(Visibility.Public, FeatureAccess.Disabled)]
    public async Task Projects_Anonymous_Users_Cannot_Download_From_Are_404_For_Other_Agents(Visibility visibility, FeatureAccess repository)
    {
        var agent = await fixture.AgentAsync();
        var closed = await fixture.ProjectAsync(visibility, repository);
        Assert.Equal((404, NotFound), await fixture.GetAsync(Path(Id(closed)), agent.Token));
        Assert.Equal((404, NotFound), await fixture.GetAsync(Path(closed.FullPath), agent.Token));
    }

    [Fact]
    public async Task Unconfirmed_Point_12_Only_The_Agents_Own_Project_Counts_Beyond_Public_Ones()
    {
        // Appendix B point 12: ci_access/user_access authorizations are not modelled, so an agent of a
        // project in the same group (which GitLab could authorize through the agent config) gets 404.
        var agent = await fixture.AgentAsync();
        var sibling = await fixture.ProjectAsync(Visibility.Internal);
        Assert.Equal((404, NotFound), await fixture.GetAsync(Path(Id(sibling)), agent.Token));
    }

    [Fact]
    public async Task An_Old_Path_Of_A_Moved_Project_Resolves_To_The_Project()
    {
        var agent = await fixture.AgentAsync();
        var moved = await fixture.ProjectAsync(Visibility.Public);
        var oldPath = moved.FullPath + "-old";
        await fixture.Stores.Projects.AddProjectRedirectAsync(oldPath, moved.Id);

        var (status, body) = await fixture.GetAsync(Path(oldPath), agent.Token);
        Assert.Equal(200, status);
        var root = KasFixture.Parse(body);
        Assert.Equal((moved.Id, moved.FullPath), (root.GetProperty("project_id").GetInt64(), root.GetProperty("gitaly_repository").GetProperty("gl_project_path").GetString()));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("0")]
    [InlineData("-1")]
    [InlineData("99999999999999999999999")]
    [InlineData("no-slash")]
    [InlineData("nobody/nothing")]
    [InlineData("' or PartitionKey ne '")]
    public async Task Missing_Or_Unknown_Ids_Are_404(string? id)
    {
        var agent = await fixture.AgentAsync();
        var path = id is null ? "/api/v4/internal/kubernetes/project_info" : Path(id);
        Assert.Equal((404, NotFound), await fixture.GetAsync(path, agent.Token));
    }

    [Fact]
    public async Task Ids_GitLab_Does_Not_Read_As_Ids_Or_Paths_Are_404()
    {
        var agent = await fixture.AgentAsync(await fixture.ProjectAsync(Visibility.Public));
        var id = Id(agent.Project);
        foreach (var query in new[] { $"id[]={id}", $"id[x]={id}", $"id={Uri.EscapeDataString("/" + agent.Project.FullPath)}", $"id={Uri.EscapeDataString(agent.Project.FullPath + "/")}", $"id=+{id}", $"id={id}.0" })
        {
            Assert.Equal((404, NotFound), await fixture.GetAsync("/api/v4/internal/kubernetes/project_info?" + query, agent.Token));
        }
    }

    [Fact]
    public async Task A_Numeric_Id_May_Have_Leading_Zeros()
    {
        var agent = await fixture.AgentAsync();
        Assert.Equal(200, (await fixture.GetAsync(Path("00" + Id(agent.Project)), agent.Token)).Status);
    }
}
