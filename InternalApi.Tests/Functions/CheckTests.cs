using System.Net;
using System.Text;
using System.Text.Json;
using InternalApi.Core.Auth;
using InternalApi.Functions.Hosting;
using InternalApi.Core;
using InternalApi.Tests.Infrastructure;

namespace InternalApi.Tests.Functions;

[Collection(AppCollection.Name)]
public sealed class CheckTests(AppFixture fixture)
{
    private TestApp App => fixture.App;

    private static async Task<string> BodyAsync(HttpResponseMessage response)
    {
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        return await response.Content.ReadAsStringAsync();
    }

    [Fact]
    public async Task Check_Returns_Versions_And_Store_Health()
    {
        using var request = App.ShellRequest(HttpMethod.Get, "/api/v4/internal/check");
        using var response = await App.Client.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var json = JsonDocument.Parse(await BodyAsync(response));
        var root = json.RootElement;
        Assert.Equal(["api_version", "gitlab_version", "gitlab_rev", "redis"], root.EnumerateObject().Select(p => p.Name));
        Assert.Equal("v4", root.GetProperty("api_version").GetString());
        Assert.Equal(BuildInfo.Version, root.GetProperty("gitlab_version").GetString());
        Assert.Equal(BuildInfo.Revision, root.GetProperty("gitlab_rev").GetString());
        Assert.True(root.GetProperty("redis").GetBoolean());
    }

    public static TheoryData<string, string?> BadCredentials => new()
    {
        { "missing header", null },
        { "garbage", "not-a-jwt" },
        { "wrong secret", InternalJwt.Create("wrong"u8.ToArray(), InternalJwt.ShellIssuer, null, TimeProvider.System, TimeSpan.FromMinutes(1)) },
    };

    [Theory]
    [MemberData(nameof(BadCredentials))]
    public async Task Check_Without_A_Valid_Jwt_Is_401(string why, string? token)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/v4/internal/check");
        if (token is not null)
        {
            request.Headers.Add(RequestAuthenticator.ShellHeader, token);
        }

        using var response = await App.Client.SendAsync(request);
        Assert.True(response.StatusCode == HttpStatusCode.Unauthorized, why);
        Assert.Equal("""{"message":"401 Unauthorized"}""", await BodyAsync(response));
    }

    [Fact]
    public async Task Check_With_Expired_Or_Wrong_Issuer_Token_Is_401()
    {
        var expired = InternalJwt.Sign(App.ShellKey, """{"alg":"HS256"}"""u8.ToArray(),
            Encoding.UTF8.GetBytes($$"""{"iss":"gitlab-shell","iat":{{DateTimeOffset.UtcNow.AddMinutes(-10).ToUnixTimeSeconds()}},"exp":{{DateTimeOffset.UtcNow.AddMinutes(-5).ToUnixTimeSeconds()}}}"""));
        var kasIssued = InternalJwt.Create(App.ShellKey, InternalJwt.KasIssuer, null, TimeProvider.System, TimeSpan.FromMinutes(1));
        foreach (var token in new[] { expired, kasIssued })
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, "/api/v4/internal/check");
            request.Headers.Add(RequestAuthenticator.ShellHeader, token);
            using var response = await App.Client.SendAsync(request);
            Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        }
    }

    [Fact]
    public async Task Check_Reports_Redis_False_When_The_Store_Does_Not_Answer()
    {
        var deadStore = "DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=AAAA;BlobEndpoint=http://127.0.0.1:9/devstoreaccount1;TableEndpoint=http://127.0.0.1:9/devstoreaccount1;QueueEndpoint=http://127.0.0.1:9/devstoreaccount1";
        await using var app = await TestApp.StartAsync(deadStore, settings: new Dictionary<string, string?> { ["Queues:DispatcherEnabled"] = "false", ["Storage:InitializeOnStart"] = "false" });
        using var request = app.ShellRequest(HttpMethod.Get, "/api/v4/internal/check");
        using var response = await app.Client.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var json = JsonDocument.Parse(await BodyAsync(response));
        Assert.False(json.RootElement.GetProperty("redis").GetBoolean());
    }

    [Fact]
    public async Task Legacy_Shared_Secret_Works_Only_When_Switched_On()
    {
        await using var legacy = await TestApp.StartAsync(fixture.Azurite.ConnectionString, settings: new Dictionary<string, string?>
        {
            ["Queues:DispatcherEnabled"] = "false",
            ["Shell:AllowLegacySharedSecret"] = "true",
        });
        using (var header = new HttpRequestMessage(HttpMethod.Get, "/api/v4/internal/check"))
        {
            header.Headers.Add(RequestAuthenticator.LegacySecretHeader, Convert.ToBase64String(legacy.ShellKey));
            using var response = await legacy.Client.SendAsync(header);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }

        using (var param = await legacy.Client.GetAsync("/api/v4/internal/check?secret_token=" + Uri.EscapeDataString(Encoding.UTF8.GetString(legacy.ShellKey))))
        {
            Assert.Equal(HttpStatusCode.OK, param.StatusCode);
        }

        using var off = new HttpRequestMessage(HttpMethod.Get, "/api/v4/internal/check");
        off.Headers.Add(RequestAuthenticator.LegacySecretHeader, Convert.ToBase64String(App.ShellKey));
        using var refused = await App.Client.SendAsync(off);
        Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
    }

    [Fact]
    public async Task Liveness_Probe_Needs_No_Credentials()
    {
        using var response = await App.Client.GetAsync("/api/health");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("""{"status":"ok"}""", await BodyAsync(response));
    }

    [Fact]
    public async Task Happy_Path_Logs_No_Warning_Or_Error()
    {
        using var request = App.ShellRequest(HttpMethod.Get, "/api/v4/internal/check");
        using var response = await App.Client.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.DoesNotContain(App.Logs.Problems(), e => e.Category.Contains("Check", StringComparison.Ordinal) || e.Category.Contains("FunctionAuth", StringComparison.Ordinal));
    }
}
