using System.Text;
using System.Text.Json;
using InternalApi.Core.Auth;
using InternalApi.Functions.Hosting;

namespace InternalApi.Tests.Security;

/// <summary>
/// A credential of one kind presented where another is expected: every pairing must be refused, and each
/// refusal sits next to a control showing the right credential passes the same request.
/// </summary>
[Collection(SecurityCollection.Name)]
public sealed class TokenConfusionTests(SecurityFixture fixture)
{
    private const string InstanceUsers = "/api/scim/v2/application/Users";
    private const string AcmeUsers = "/api/scim/v2/groups/acme/Users";
    private const string GnuwgetUsers = "/api/scim/v2/groups/gnuwget/Users";

    [Fact]
    public async Task Shell_And_Kas_Jwts_Are_Not_Interchangeable()
    {
        var app = fixture.App;
        // Controls.
        Assert.Equal(200, (await fixture.ShellCheckAsync(app.ShellToken())).Status);
        Assert.Equal(200, (await fixture.AgentInfoAsync(app.KasToken())).Status);

        // The shell JWT in the KAS header, and the KAS JWT in the shell header.
        Assert.Equal(401, (await fixture.AgentInfoAsync(app.ShellToken())).Status);
        Assert.Equal(401, (await fixture.ShellCheckAsync(app.KasToken())).Status);
        // Each in the other's header name, with its own header absent.
        Assert.Equal(401, (await fixture.ShellCheckAsync(app.ShellToken(), RequestAuthenticator.KasHeader)).Status);
        Assert.Equal(401, (await fixture.AgentInfoAsync(app.KasToken(), header: RequestAuthenticator.ShellHeader)).Status);

        // KAS claims signed with the shell secret, and shell claims signed with the KAS secret.
        var header = """{"alg":"HS256","typ":"JWT"}""";
        Assert.Equal(401, (await fixture.AgentInfoAsync(HostileJwt.Hs256(app.ShellKey, header, HostileJwt.KasClaims()))).Status);
        Assert.Equal(401, (await fixture.ShellCheckAsync(HostileJwt.Hs256(app.KasKey, header, HostileJwt.ShellClaims()))).Status);
        // The right secret with the other side's claims (issuer/audience confusion).
        Assert.Equal(401, (await fixture.AgentInfoAsync(HostileJwt.Hs256(app.KasKey, header, HostileJwt.ShellClaims()))).Status);
        Assert.Equal(401, (await fixture.ShellCheckAsync(HostileJwt.Hs256(app.ShellKey, header, HostileJwt.KasClaims()))).Status);
        // The KAS base64 secret text used as the shell secret bytes.
        Assert.Equal(401, (await fixture.ShellCheckAsync(InternalJwt.Create(Encoding.UTF8.GetBytes(Convert.ToBase64String(app.KasKey)), InternalJwt.ShellIssuer, null, TimeProvider.System, TimeSpan.FromMinutes(1)))).Status);
    }

    [Fact]
    public async Task Scim_Refuses_Agent_Tokens_Pats_And_Jwts()
    {
        // Controls.
        Assert.Equal(200, (await fixture.ScimAsync(InstanceUsers, SecurityFixture.InstanceScimToken)).Status);
        Assert.Equal(200, (await fixture.ScimAsync(AcmeUsers, SecurityFixture.AcmeScimToken)).Status);

        foreach (var path in new[] { InstanceUsers, AcmeUsers })
        {
            foreach (var bearer in new[] { SecurityFixture.AgentToken, SecurityFixture.AdminPat, fixture.App.ShellToken(), fixture.App.KasToken(), SecurityFixture.ErrorTrackingToken })
            {
                var (status, _) = await fixture.ScimAsync(path, bearer);
                Assert.True(status == 401, $"{path} with {bearer[..Math.Min(8, bearer.Length)]}…: {status}");
            }
        }

        // The group token is not the instance token and vice versa.
        Assert.Equal(401, (await fixture.ScimAsync(InstanceUsers, SecurityFixture.AcmeScimToken)).Status);
        Assert.Equal(401, (await fixture.ScimAsync(AcmeUsers, SecurityFixture.InstanceScimToken)).Status);
    }

    [Fact]
    public async Task The_Group_Token_Of_Acme_Is_Refused_For_Another_Group()
    {
        // gnuwget has a SAML provider (the fixture imports one), so the call reaches the token check.
        var (status, body) = await fixture.ScimAsync(GnuwgetUsers, SecurityFixture.AcmeScimToken);
        Assert.True(status == 401, $"{status}: {body}");
        // Sub-group of acme is another group too.
        var (sub, _) = await fixture.ScimAsync("/api/scim/v2/groups/acme%2Fplatform/Users", SecurityFixture.AcmeScimToken);
        Assert.True(sub is 401 or 404, sub.ToString(System.Globalization.CultureInfo.InvariantCulture));
    }

    [Fact]
    public async Task Agent_Endpoints_Refuse_Scim_Tokens_Pats_And_Revoked_Tokens()
    {
        var kas = fixture.App.KasToken();
        Assert.Equal(200, (await fixture.AgentInfoAsync(kas)).Status);
        foreach (var token in new[] { SecurityFixture.AcmeScimToken, SecurityFixture.InstanceScimToken, SecurityFixture.AdminPat, "glagent-demo-revoked-token-0001", kas })
        {
            var (status, _) = await fixture.AgentInfoAsync(kas, token);
            Assert.True(status == 401, $"{token[..8]}…: {status}");
        }
    }

    [Fact]
    public async Task Admin_Endpoints_Refuse_Other_Kinds_And_A_Pat_Without_Api()
    {
        // Control: the demo admin PAT (api).
        Assert.Equal(200, (await fixture.AdminAsync(SecurityFixture.AdminPat)).Status);

        foreach (var token in new[] { SecurityFixture.AgentToken, SecurityFixture.AcmeScimToken, SecurityFixture.InstanceScimToken, fixture.App.ShellToken(), fixture.App.KasToken(), SecurityFixture.ErrorTrackingToken })
        {
            var (status, _) = await fixture.AdminAsync(token);
            Assert.True(status == 401, $"{token[..8]}…: {status}");
        }

        // An admin's PAT without api/read_api, issued by gitlab-shell's endpoint for root (demo key 11).
        var readUser = await IssuePatAsync(11, "read_user");
        var (denied, body) = await fixture.AdminAsync(readUser);
        Assert.Equal(403, denied);
        Assert.Contains("insufficient_scope", body, StringComparison.Ordinal);

        // A PAT without api of a non-admin is refused too; the same user's api PAT is only 403 (not admin).
        Assert.Equal(403, (await fixture.AdminAsync(await IssuePatAsync(29, "read_repository"))).Status);
        Assert.Equal(403, (await fixture.AdminAsync("glpat-demo-user-token-0001")).Status);
    }

    private async Task<string> IssuePatAsync(long keyId, string scope)
    {
        var content = new StringContent($$"""{"key_id":{{keyId}},"name":"attack-{{scope}}","scopes":["{{scope}}"]}""", Encoding.UTF8, "application/json");
        var (status, body) = await fixture.SendAsync(fixture.App.ShellRequest(HttpMethod.Post, "/api/v4/internal/personal_access_token", content));
        Assert.True(status == 200, body);
        using var document = JsonDocument.Parse(body);
        Assert.True(document.RootElement.GetProperty("success").GetBoolean(), body);
        return document.RootElement.GetProperty("token").GetString()!;
    }
}
