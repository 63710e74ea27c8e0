using System.Net;
using System.Security.Cryptography;
using System.Text;
using InternalApi.Core.Auth;
using InternalApi.Core.Pages;

namespace InternalApi.Tests.Pages;

/// <summary>The Pages JWT (<c>Gitlab-Pages-Api-Request</c>): everything but the daemon's own token is refused with GitLab's 401.</summary>
[Collection("pages")]
public sealed class PagesAuthTests(PagesFixture fixture)
{
    public static TheoryData<string, string?> Refused => new()
    {
        { "no token", null },
        { "not a JWT", "not-a-jwt" },
        { "another key", "foreign" },
        { "the shell issuer", "shell-issuer" },
        { "the KAS issuer and audience", "kas-issuer" },
        { "expired", "expired" },
        { "alg none", "none" },
        { "the shell JWT", "shell" },
        { "the KAS JWT", "kas" },
    };

    [Theory]
    [MemberData(nameof(Refused))]
    public async Task Lookup_Refuses_With_401(string why, string? kind)
    {
        var (status, body, _) = await fixture.LookupAsync("gnuwget.pages.localhost", Token(kind));

        Assert.True(status == HttpStatusCode.Unauthorized, why);
        Assert.Equal("""{"message":"401 Unauthorized"}""", body);
    }

    [Theory]
    [MemberData(nameof(Refused))]
    public async Task Status_Refuses_With_401(string why, string? kind)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/v4/internal/pages/status");
        if (Token(kind) is { } token)
        {
            request.Headers.Add(PagesAuthenticator.Header, token);
        }

        using var response = await fixture.App.Client.SendAsync(request);

        Assert.True(response.StatusCode == HttpStatusCode.Unauthorized, why);
        Assert.Equal("""{"message":"401 Unauthorized"}""", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Pages_Jwt_In_The_Shell_Or_Kas_Header_Opens_Nothing_Else()
    {
        using var check = new HttpRequestMessage(HttpMethod.Get, "/api/v4/internal/check");
        check.Headers.Add("Gitlab-Shell-Api-Request", fixture.App.PagesToken());
        using var checkResponse = await fixture.App.Client.SendAsync(check);
        Assert.Equal(HttpStatusCode.Unauthorized, checkResponse.StatusCode);

        using var agent = new HttpRequestMessage(HttpMethod.Get, "/api/v4/internal/kubernetes/agent_info");
        agent.Headers.Add("Gitlab-Kas-Api-Request", fixture.App.PagesToken());
        using var agentResponse = await fixture.App.Client.SendAsync(agent);
        Assert.Equal(HttpStatusCode.Unauthorized, agentResponse.StatusCode);
    }

    [Fact]
    public async Task Pages_Jwt_Without_Expiry_Is_Accepted_As_GitLab_Accepts_It()
    {
        // GitLab's decode checks exp only when present: the daemon's tokens carry it, but it is not required.
        var token = InternalJwt.Sign(fixture.App.PagesKey, """{"alg":"HS256","typ":"JWT"}"""u8.ToArray(), Encoding.UTF8.GetBytes("""{"iss":"gitlab-pages"}"""));

        var (status, _, _) = await fixture.LookupAsync("gnuwget.pages.localhost", token);

        Assert.Equal(HttpStatusCode.OK, status);
    }

    private string? Token(string? kind)
    {
        var pages = fixture.App.PagesKey;
        return kind switch
        {
            null => null,
            "not-a-jwt" => "not-a-jwt",
            "foreign" => PagesFixture.ForeignToken(),
            "shell-issuer" => InternalJwt.Create(pages, InternalJwt.ShellIssuer, null, TimeProvider.System, TimeSpan.FromMinutes(1)),
            "kas-issuer" => InternalJwt.Create(pages, InternalJwt.KasIssuer, InternalJwt.KasAudience, TimeProvider.System, TimeSpan.FromMinutes(1)),
            "expired" => InternalJwt.Sign(pages, """{"alg":"HS256","typ":"JWT"}"""u8.ToArray(), Encoding.UTF8.GetBytes(
                $$"""{"iss":"gitlab-pages","iat":{{DateTimeOffset.UtcNow.AddHours(-2).ToUnixTimeSeconds()}},"exp":{{DateTimeOffset.UtcNow.AddHours(-1).ToUnixTimeSeconds()}}}""")),
            "none" => Base64Url("""{"alg":"none","typ":"JWT"}""") + "." + Base64Url("""{"iss":"gitlab-pages"}""") + ".",
            "shell" => fixture.App.ShellToken(),
            "kas" => fixture.App.KasToken(),
            _ => throw new ArgumentOutOfRangeException(nameof(kind)),
        };
    }

    private static string Base64Url(string json) => Convert.ToBase64String(Encoding.UTF8.GetBytes(json)).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    [Fact]
    public void Pages_Secret_Must_Be_Base64_Of_32_Bytes()
    {
        Assert.Throws<InvalidOperationException>(() => PagesSecret.Decode(Convert.ToBase64String(RandomNumberGenerator.GetBytes(16))));
        Assert.Throws<InvalidOperationException>(() => PagesSecret.Decode("not base64!"));
        Assert.Throws<InvalidOperationException>(() => PagesSecret.Decode("@Microsoft.KeyVault(SecretUri=https://vault.example/secrets/pages)"));
        Assert.Equal(32, PagesSecret.Decode(Convert.ToBase64String(RandomNumberGenerator.GetBytes(32))).Length);
    }

    [Fact]
    public void Previous_Pages_Secret_Needs_The_End_Of_Its_Window()
    {
        var current = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));
        var old = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));
        Assert.Throws<InvalidOperationException>(() => PagesSecret.Load(new PagesOptions { Secret = current, PreviousSecret = old }, Path.GetTempPath()));

        var until = DateTimeOffset.UtcNow.AddHours(1);
        var secret = PagesSecret.Load(new PagesOptions { Secret = current, PreviousSecret = old, PreviousSecretValidUntil = until }, Path.GetTempPath());
        Assert.Equal(2, secret.Keys!.KeysAt(DateTimeOffset.UtcNow).Count);
        Assert.Single(secret.Keys.KeysAt(until.AddSeconds(1)));
        Assert.Null(PagesSecret.Load(new PagesOptions { SecretFile = "no-such-pages-secret" }, Path.GetTempPath()).Keys);
    }
}
