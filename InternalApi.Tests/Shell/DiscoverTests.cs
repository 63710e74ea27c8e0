using System.Net;
using InternalApi.Core.Model;
using InternalApi.Tests.Infrastructure;

namespace InternalApi.Tests.Shell;

[Collection(ShellCollection.Name)]
public sealed class DiscoverTests(ShellFixture fixture)
{
    private static string Expected(User user) => $$"""{"id":{{user.Id}},"username":"{{user.Username}}","name":"{{user.Name}}"}""";

    [Fact]
    public async Task Discover_Resolves_A_Key_To_Its_User()
    {
        var user = await fixture.UserAsync();
        var key = await fixture.KeyAsync(user.Id);

        var (response, body) = await fixture.SendAsync(HttpMethod.Get, $"/api/v4/internal/discover?key_id={key.Id}");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(Expected(user), body);
        Assert.Equal(["id", "username", "name"], ShellFixture.Keys(body));
    }

    [Fact]
    public async Task Discover_Resolves_A_User_Id_And_A_Username()
    {
        var user = await fixture.UserAsync();

        var (byId, idBody) = await fixture.SendAsync(HttpMethod.Get, $"/api/v4/internal/discover?user_id={user.Id}");
        var (byName, nameBody) = await fixture.SendAsync(HttpMethod.Get, $"/api/v4/internal/discover?username={user.Username.ToUpperInvariant()}");

        Assert.Equal(HttpStatusCode.OK, byId.StatusCode);
        Assert.Equal(Expected(user), idBody);
        Assert.Equal(HttpStatusCode.OK, byName.StatusCode);
        Assert.Equal(Expected(user), nameBody);
    }

    [Fact]
    public async Task Discover_Resolves_A_Deploy_Key_To_Its_Creator()
    {
        var creator = await fixture.UserAsync();
        var key = await fixture.KeyAsync(creator.Id, SshKeyKind.Deploy);

        var (response, body) = await fixture.SendAsync(HttpMethod.Get, $"/api/v4/internal/discover?key_id={key.Id}");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(Expected(creator), body);
    }

    [Fact]
    public async Task Discover_Answers_Null_For_A_Deploy_Key_Whose_Creator_Is_Gone()
    {
        var key = await fixture.KeyAsync(TestIds.Next(), SshKeyKind.Deploy);

        var (response, body) = await fixture.SendAsync(HttpMethod.Get, $"/api/v4/internal/discover?key_id={key.Id}");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("null", body);
    }

    [Fact]
    public async Task Discover_Writes_Names_In_Plain_Utf8()
    {
        var user = (await fixture.UserAsync()) with { Name = "José Ñandú <ops>" };
        await fixture.Stores.Users.UpsertUserAsync(user);

        var (_, body) = await fixture.SendAsync(HttpMethod.Get, $"/api/v4/internal/discover?user_id={user.Id}");

        Assert.Contains("\"name\":\"José Ñandú <ops>\"", body, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("key_id=999999999999")]
    [InlineData("user_id=999999999999")]
    [InlineData("user_id=abc")]
    [InlineData("username=nobody-here-at-all")]
    [InlineData("")]
    public async Task Discover_Answers_The_Four_Byte_Null_When_Nobody_Is_Found(string query)
    {
        var (response, body) = await fixture.SendAsync(HttpMethod.Get, "/api/v4/internal/discover?" + query);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("null", body);
        Assert.Equal(4, (await response.Content.ReadAsByteArrayAsync()).Length);
    }

    [Fact]
    public async Task Discover_Without_A_Jwt_Is_401()
    {
        using var response = await fixture.App.Client.GetAsync("/api/v4/internal/discover");

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("""{"message":"401 Unauthorized"}""", await response.Content.ReadAsStringAsync());
    }
}
