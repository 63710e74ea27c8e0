using System.Net;
using InternalApi.Core.Model;
using InternalApi.Functions.Hosting;
using InternalApi.Tests.Infrastructure;

namespace InternalApi.Tests.Shell;

[Collection(ShellCollection.Name)]
public sealed class AuthorizedKeysTests(ShellFixture fixture)
{
    private static string Path(string blob) => "/api/v4/internal/authorized_keys?key=" + Uri.EscapeDataString(blob);

    [Fact]
    public async Task AuthorizedKeys_Returns_The_User_Key_With_Its_Publishable_Form()
    {
        var user = await fixture.UserAsync();
        var key = await fixture.KeyAsync(user.Id, usage: "auth");

        var (response, body) = await fixture.SendAsync(HttpMethod.Get, Path(key.Blob));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(
            $$"""{"id":{{key.Id}},"title":"{{key.Title}}","created_at":"2019-06-27T15:29:02.219Z","expires_at":null,"key":"ssh-ed25519 {{key.Blob}} {{user.Name}} ({{ShellFixture.Host}})","usage_type":"auth"}""",
            body);
    }

    [Fact]
    public async Task AuthorizedKeys_Returns_A_Deploy_Key_Named_After_Its_Creator()
    {
        var creator = await fixture.UserAsync();
        var key = await fixture.KeyAsync(creator.Id, SshKeyKind.Deploy);

        var (response, body) = await fixture.SendAsync(HttpMethod.Get, Path(key.Blob));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains($"\"key\":\"ssh-ed25519 {key.Blob} {creator.Name} ({ShellFixture.Host})\"", body, StringComparison.Ordinal);
        Assert.Contains("\"usage_type\":\"auth_and_signing\"", body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AuthorizedKeys_Names_The_Ghost_User_For_A_Deploy_Key_Whose_Creator_Is_Gone()
    {
        var key = await fixture.KeyAsync(null, SshKeyKind.Deploy);

        var (response, body) = await fixture.SendAsync(HttpMethod.Get, Path(key.Blob));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains($"\"key\":\"ssh-ed25519 {key.Blob} Ghost User ({ShellFixture.Host})\"", body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AuthorizedKeys_Returns_An_Expired_Key_With_Its_Expiry()
    {
        var user = await fixture.UserAsync();
        var expired = new DateTimeOffset(2020, 1, 2, 3, 4, 5, 6, TimeSpan.FromHours(2));
        var key = await fixture.KeyAsync(user.Id, expiresAt: expired);

        var (response, body) = await fixture.SendAsync(HttpMethod.Get, Path(key.Blob));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("\"expires_at\":\"2020-01-02T01:04:05.006Z\"", body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AuthorizedKeys_Returns_404_For_A_Signing_Only_Key()
    {
        var user = await fixture.UserAsync();
        var key = await fixture.KeyAsync(user.Id, usage: "signing");

        var (response, body) = await fixture.SendAsync(HttpMethod.Get, Path(key.Blob));

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("""{"message":"404 Key Not Found"}""", body);
    }

    [Fact]
    public async Task AuthorizedKeys_Returns_404_For_A_User_Key_Whose_User_Is_Gone()
    {
        var key = await fixture.KeyAsync(TestIds.Next());

        var (response, body) = await fixture.SendAsync(HttpMethod.Get, Path(key.Blob));

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("""{"message":"404 Key Not Found"}""", body);
    }

    [Theory]
    [InlineData("unknown key")]
    [InlineData("not base64")]
    [InlineData("empty")]
    [InlineData("truncated")]
    public async Task AuthorizedKeys_Returns_404_When_The_Key_Is_Unknown_Or_Invalid(string kind)
    {
        var user = await fixture.UserAsync();
        var known = await fixture.KeyAsync(user.Id);
        var blob = kind switch
        {
            "unknown key" => TestKeys.Ed25519Blob(),
            "not base64" => "%%%not-base64***",
            "empty" => "",
            _ => known.Blob[..^8],
        };

        var (response, body) = await fixture.SendAsync(HttpMethod.Get, Path(blob));

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("""{"message":"404 Key Not Found"}""", body);
    }

    [Fact]
    public async Task AuthorizedKeys_Returns_400_When_The_Key_Parameter_Is_Missing()
    {
        var (response, body) = await fixture.SendAsync(HttpMethod.Get, "/api/v4/internal/authorized_keys");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("""{"error":"key is missing"}""", body);
    }

    [Fact]
    public async Task AuthorizedKeys_Finds_A_Key_Whose_Plus_Signs_Arrived_As_Spaces()
    {
        var user = await fixture.UserAsync();
        SshKey key;
        do
        {
            key = await fixture.KeyAsync(user.Id);
        }
        while (!key.Blob.Contains('+', StringComparison.Ordinal));

        // An unescaped '+' in a query string is decoded as a space.
        var (response, _) = await fixture.SendAsync(HttpMethod.Get, "/api/v4/internal/authorized_keys?key=" + key.Blob.Replace("/", "%2F", StringComparison.Ordinal).Replace("=", "%3D", StringComparison.Ordinal));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task AuthorizedKeys_Without_A_Jwt_Is_401()
    {
        using var response = await fixture.App.Client.GetAsync(Path(TestKeys.Ed25519Blob()));

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("""{"message":"401 Unauthorized"}""", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task AuthorizedKeys_Happy_Path_Logs_No_Warning_Or_Error()
    {
        var user = await fixture.UserAsync();
        var key = await fixture.KeyAsync(user.Id);

        var (response, _) = await fixture.SendAsync(HttpMethod.Get, Path(key.Blob));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.DoesNotContain(fixture.App.Logs.Problems(), e => e.Category.Contains("Shell", StringComparison.Ordinal) || e.Category.Contains(nameof(InternalApi.Functions.Hosting.HttpFunctionPipeline), StringComparison.Ordinal));
    }
}
