using System.Globalization;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using InternalApi.Core.Access;
using InternalApi.Core.Model;
using Microsoft.IdentityModel.Tokens;
using static InternalApi.Tests.Git.AllowedFixture;

namespace InternalApi.Tests.Git;

[Collection(AllowedCollection.Name)]
public sealed class LfsAuthenticateTests(AllowedFixture fixture)
{
    private async Task<(HttpStatusCode Status, string Body)> LfsAsync(object body)
    {
        var (status, text, response) = await PostAsync(fixture.App, "/api/v4/internal/lfs_authenticate", Json(body));
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        return (status, text);
    }

    [Fact]
    public async Task LfsAuthenticate_Issues_A_Signed_Token_For_A_User_Key()
    {
        var project = await fixture.ProjectAsync();
        var user = await fixture.MemberAsync(project, AccessLevel.Developer);
        var key = await fixture.KeyAsync(user.Id);
        var before = DateTimeOffset.UtcNow.ToUnixTimeSeconds();

        var (status, body) = await LfsAsync(new { project = "/" + project.FullPath + ".git", key_id = key.Id.ToString(CultureInfo.InvariantCulture), operation = "download" });

        Assert.Equal(HttpStatusCode.OK, status);
        using var document = JsonDocument.Parse(body);
        var root = document.RootElement;
        Assert.Equal(["username", "lfs_token", "repository_http_path", "expires_in"], root.EnumerateObject().Select(p => p.Name).ToArray());
        Assert.Equal(user.Username, root.GetProperty("username").GetString());
        Assert.Equal($"https://{Host}/{project.FullPath}.git", root.GetProperty("repository_http_path").GetString());
        Assert.Equal(7200, root.GetProperty("expires_in").GetInt32());

        var token = root.GetProperty("lfs_token").GetString()!;
        var parts = token.Split('.');
        Assert.Equal(3, parts.Length);
        var expectedSignature = HMACSHA256.HashData(
            HMACSHA256.HashData(fixture.App.ShellKey, Encoding.UTF8.GetBytes(LfsAuthentication.SigningLabel)),
            Encoding.ASCII.GetBytes(parts[0] + "." + parts[1]));
        Assert.Equal(Base64UrlEncoder.Encode(expectedSignature), parts[2]);
        using var header = JsonDocument.Parse(Base64UrlEncoder.Decode(parts[0]));
        Assert.Equal("HS256", header.RootElement.GetProperty("alg").GetString());
        Assert.Equal("JWT", header.RootElement.GetProperty("typ").GetString());
        using var payload = JsonDocument.Parse(Base64UrlEncoder.Decode(parts[1]));
        var claims = payload.RootElement;
        Assert.True(Guid.TryParse(claims.GetProperty("jti").GetString(), out _));
        var iat = claims.GetProperty("iat").GetInt64();
        Assert.InRange(iat, before - 1, before + 60);
        Assert.Equal(iat - 5, claims.GetProperty("nbf").GetInt64());
        Assert.Equal(iat + 7200, claims.GetProperty("exp").GetInt64());
        Assert.Equal(user.Username, claims.GetProperty("data").GetProperty("actor").GetString());
        Assert.Equal("gid://gitlab/Project/" + project.Id.ToString(CultureInfo.InvariantCulture), claims.GetProperty("data").GetProperty("container_gid").GetString());
        Assert.NotNull((await fixture.Stores.Keys.GetKeyAsync(key.Id))!.LastUsedAt);
    }

    [Fact]
    public async Task LfsAuthenticate_Names_Deploy_Keys_And_Wikis()
    {
        var project = await fixture.ProjectAsync();
        var key = await fixture.DeployKeyAsync(project, canPush: false);

        var (status, body) = await LfsAsync(new { project = project.FullPath + ".wiki.git", key_id = key.Id });

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("lfs+deploy-key-" + key.Id.ToString(CultureInfo.InvariantCulture), Str(body, "username"));
        Assert.Equal($"https://{Host}/{project.FullPath}.wiki.git", Str(body, "repository_http_path"));
    }

    [Fact]
    public async Task LfsAuthenticate_Accepts_A_User_Id()
    {
        var project = await fixture.ProjectAsync();
        var user = await fixture.MemberAsync(project, AccessLevel.Developer);

        var (status, body) = await LfsAsync(new { project = project.FullPath, user_id = user.Id });

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(user.Username, Str(body, "username"));
    }

    [Fact]
    public async Task LfsAuthenticate_Returns_404_Not_Found_Without_An_Lfs_Container_Before_Looking_At_The_Actor()
    {
        var disabled = await fixture.ProjectAsync(p => p with { LfsEnabled = false });
        var user = await fixture.UserAsync();

        foreach (var project in new[] { "nobody/nothing", disabled.FullPath, "snippets/12", "" })
        {
            var (status, body) = await LfsAsync(new { project, user_id = user.Id });
            Assert.Equal(HttpStatusCode.NotFound, status);
            Assert.Equal("""{"message":"404 Not Found"}""", body);
        }

        var (noActorStatus, noActorBody) = await LfsAsync(new { project = "nobody/nothing" });
        Assert.Equal(HttpStatusCode.NotFound, noActorStatus);
        Assert.Equal("""{"message":"404 Not Found"}""", noActorBody);
    }

    [Fact]
    public async Task LfsAuthenticate_Returns_404_Not_found_Without_An_Actor()
    {
        var project = await fixture.ProjectAsync();

        foreach (var body in new object[] { new { project = project.FullPath }, new { project = project.FullPath, key_id = 999_999_999_999 }, new { project = project.FullPath, user_id = "abc" } })
        {
            var (status, text) = await LfsAsync(body);
            Assert.Equal(HttpStatusCode.NotFound, status);
            Assert.Equal("""{"message":"404 Not found"}""", text);
        }
    }
}
