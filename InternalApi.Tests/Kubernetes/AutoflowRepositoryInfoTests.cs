using System.Globalization;
using InternalApi.Core.Model;

namespace InternalApi.Tests.Kubernetes;

/// <summary><c>autoflow/repository_info</c>: any project's Gitaly payload for KAS, no agent involved.</summary>
[Collection(KasCollection.Name)]
public sealed class AutoflowRepositoryInfoTests(KasFixture fixture)
{
    private static string Path(string id) => "/api/v4/internal/autoflow/repository_info?id=" + Uri.EscapeDataString(id);

    [Fact]
    public async Task A_Private_Project_Is_Served_By_Id_And_By_Path()
    {
        var project = await fixture.ProjectAsync(Visibility.Private);
        var expected = $$$"""{"project_id":{{{project.Id}}},{{{KasFixture.GitalyJson(project)}}},"default_branch":"main"}""";
        Assert.Equal((200, expected), await fixture.SendAsync(HttpMethod.Get, Path(project.Id.ToString(CultureInfo.InvariantCulture)), null));
        Assert.Equal((200, expected), await fixture.SendAsync(HttpMethod.Get, Path(project.FullPath), null));
    }

    [Theory]
    [InlineData("")]
    [InlineData("0")]
    [InlineData("nobody/nothing")]
    public async Task Unknown_Projects_Are_404(string id)
    {
        Assert.Equal((404, """{"message":"404 Not Found"}"""), await fixture.SendAsync(HttpMethod.Get, Path(id), null));
    }

    [Fact]
    public async Task A_Missing_Or_Structured_Id_Is_400()
    {
        Assert.Equal((400, """{"error":"id is missing"}"""), await fixture.SendAsync(HttpMethod.Get, "/api/v4/internal/autoflow/repository_info", null));
        Assert.Equal((400, """{"error":"id is invalid"}"""), await fixture.SendAsync(HttpMethod.Get, "/api/v4/internal/autoflow/repository_info?id[]=1", null));
    }

    [Fact]
    public async Task Without_The_Kas_Jwt_It_Is_401()
    {
        var project = await fixture.ProjectAsync();
        Assert.Equal((401, """{"message":"KAS JWT authentication invalid"}"""),
            await fixture.SendAsync(HttpMethod.Get, Path(project.FullPath), null, KasJwt.Shell));
    }
}
