using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using InternalApi.Core.Access;
using InternalApi.Core.Data;
using InternalApi.Core.Model;
using Microsoft.Extensions.DependencyInjection;

namespace InternalApi.Tests.Access;

[Collection("access")]
public sealed class LfsAuthenticateTests(AccessFixture fixture)
{
    private GitLabStore Store => fixture.App.Services.GetRequiredService<GitLabStore>();

    private async Task<(HttpStatusCode Status, string Body)> PostAsync(object body)
    {
        using var request = fixture.App.ShellRequest(HttpMethod.Post, "/api/v4/internal/lfs_authenticate", JsonContent.Create(body));
        using var response = await fixture.App.Client.SendAsync(request);
        return (response.StatusCode, await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task LfsAuthenticate_Issues_A_Token_Bound_To_Actor_And_Project()
    {
        var world = await AccessWorld.CreateAsync(Store, Visibility.Private);
        var key = world.Keys["developer"];
        var (status, text) = await PostAsync(new { key_id = key.Id.ToString(System.Globalization.CultureInfo.InvariantCulture), project = world.Project.FullPath + ".git", operation = "upload" });
        Assert.Equal(HttpStatusCode.OK, status);
        var body = JsonDocument.Parse(text).RootElement;
        Assert.Equal(["username", "lfs_token", "repository_http_path", "expires_in"], body.EnumerateObject().Select(p => p.Name));
        Assert.Equal(world.Users["developer"].Username, body.GetProperty("username").GetString());
        Assert.Equal($"http://127.0.0.1:7071/{world.Project.FullPath}.git", body.GetProperty("repository_http_path").GetString());
        Assert.Equal(7200, body.GetProperty("expires_in").GetInt32());

        using var claims = fixture.App.Services.GetRequiredService<LfsTokenIssuer>().Verify(body.GetProperty("lfs_token").GetString()!);
        Assert.NotNull(claims);
        var root = claims.RootElement;
        Assert.Equal(world.Users["developer"].Username, root.GetProperty("data").GetProperty("actor").GetString());
        Assert.Equal("gid://gitlab/Project/" + world.Project.Id, root.GetProperty("data").GetProperty("container_gid").GetString());
        Assert.Equal(root.GetProperty("iat").GetInt64() - 5, root.GetProperty("nbf").GetInt64());
        Assert.Equal(root.GetProperty("iat").GetInt64() + 7200, root.GetProperty("exp").GetInt64());
        Assert.NotNull((await Store.GetKeyAsync(key.Id))!.LastUsedAt);
    }

    [Fact]
    public async Task LfsAuthenticate_Names_Deploy_Keys_And_Wikis()
    {
        var world = await AccessWorld.CreateAsync(Store, Visibility.Private);
        var deploy = world.Keys["deploy-ro"];
        var (status, text) = await PostAsync(new { key_id = deploy.Id, project = world.Project.FullPath + ".wiki" });
        Assert.Equal(HttpStatusCode.OK, status);
        var body = JsonDocument.Parse(text).RootElement;
        Assert.Equal("lfs+deploy-key-" + deploy.Id, body.GetProperty("username").GetString());
        Assert.EndsWith(".wiki.git", body.GetProperty("repository_http_path").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task LfsAuthenticate_Checks_The_Container_Before_The_Actor()
    {
        var world = await AccessWorld.CreateAsync(Store, Visibility.Private, adjust: p => p with { LfsEnabled = false });
        Assert.Equal((HttpStatusCode.NotFound, """{"message":"404 Not Found"}"""), await PostAsync(new { key_id = 999_999_999, project = "no/such" }));
        Assert.Equal((HttpStatusCode.NotFound, """{"message":"404 Not Found"}"""), await PostAsync(new { key_id = world.Keys["developer"].Id, project = world.Project.FullPath }));

        var enabled = await AccessWorld.CreateAsync(Store, Visibility.Private);
        Assert.Equal((HttpStatusCode.NotFound, """{"message":"404 Not found"}"""), await PostAsync(new { key_id = 999_999_999, project = enabled.Project.FullPath }));
        var (status, _) = await PostAsync(new { user_id = enabled.Users["guest"].Id, project = enabled.Project.FullPath });
        Assert.Equal(HttpStatusCode.OK, status);
    }
}
