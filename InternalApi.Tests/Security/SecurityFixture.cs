using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using InternalApi.Core.Auth;
using InternalApi.Functions.Hosting;
using InternalApi.Functions.OpenApi;
using InternalApi.Tests.Conformance;
using InternalApi.Tests.Import;
using InternalApi.Tests.Infrastructure;
using Microsoft.IdentityModel.Tokens;

namespace InternalApi.Tests.Security;

/// <summary>
/// The demo data plus a SAML provider on <c>gnuwget</c> (so a foreign group's SCIM token reaches the token check
/// there instead of stopping at the 404 for a group without SAML), with instance SCIM and the GitLab.com gate on.
/// </summary>
public sealed class SecurityFixture : IsolatedAppFixture
{
    /// <summary>Demo agent token (data/demo.json).</summary>
    public const string AgentToken = "glagent-demo-agent-token-0001";

    /// <summary>Demo admin PAT with <c>api</c>.</summary>
    public const string AdminPat = "glpat-demo-admin-token-0001";

    /// <summary>Demo group SCIM token of <c>acme</c>.</summary>
    public const string AcmeScimToken = "glsoat-demo-acme-scim-token-0001";

    /// <summary>Demo instance SCIM token.</summary>
    public const string InstanceScimToken = "glsoat-demo-instance-scim-token-0001";

    /// <summary>Demo error tracking token handed to the app (as in the log scan).</summary>
    public const string ErrorTrackingToken = DemoFixture.ErrorTrackingToken;

    protected override IDictionary<string, string?> Settings => new Dictionary<string, string?>
    {
        ["Scim:InstanceSamlEnabled"] = "true",
        ["Subscriptions:GitLabCom"] = "true",
        ["GitLab:ErrorTrackingAccessToken"] = ErrorTrackingToken,
    };

    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        await ImportAsync(ImportTests.FindDemo());
        var extra = Path.Combine(Path.GetTempPath(), $"security-extra-{Guid.NewGuid():N}.json");
        await File.WriteAllTextAsync(extra, """{"saml_providers":[{"group":"gnuwget","enabled":true}]}""");
        try
        {
            await ImportAsync(extra);
        }
        finally
        {
            File.Delete(extra);
        }
    }

    private async Task ImportAsync(string file)
    {
        using var error = new StringWriter();
        var code = await ImportCommand.RunAsync([file, "--AzureWebJobsStorage=" + Azurite.ConnectionString, ImportFixture.OtpKeyArgument], TextWriter.Null, error);
        Assert.True(code == 0, error.ToString());
    }

    /// <summary>Sends a request and answers its status and body.</summary>
    public async Task<(int Status, string Body)> SendAsync(HttpRequestMessage request)
    {
        using (request)
        {
            using var response = await App.Client.SendAsync(request);
            return ((int)response.StatusCode, await response.Content.ReadAsStringAsync());
        }
    }

    /// <summary><c>GET /api/v4/internal/check</c> with <paramref name="jwt"/> in the shell header.</summary>
    public Task<(int Status, string Body)> ShellCheckAsync(string jwt, string header = RequestAuthenticator.ShellHeader)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, "/api/v4/internal/check");
        request.Headers.TryAddWithoutValidation(header, jwt);
        return SendAsync(request);
    }

    /// <summary><c>GET /api/v4/internal/kubernetes/agent_info</c> with a KAS JWT and an agent token.</summary>
    public Task<(int Status, string Body)> AgentInfoAsync(string kasJwt, string agentToken = AgentToken, string header = RequestAuthenticator.KasHeader)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, "/api/v4/internal/kubernetes/agent_info");
        request.Headers.TryAddWithoutValidation(header, kasJwt);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", agentToken);
        return SendAsync(request);
    }

    /// <summary>A SCIM list call with a bearer token.</summary>
    public Task<(int Status, string Body)> ScimAsync(string path, string bearer)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", bearer);
        return SendAsync(request);
    }

    /// <summary>The admin (GitLab.com) storage exclusions list with a PRIVATE-TOKEN.</summary>
    public Task<(int Status, string Body)> AdminAsync(string privateToken)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, "/api/v4/namespaces/storage/limit_exclusions");
        request.Headers.TryAddWithoutValidation(AdminTokenGate.PrivateTokenHeader, privateToken);
        return SendAsync(request);
    }
}

[CollectionDefinition(Name)]
public sealed class SecurityCollection : ICollectionFixture<SecurityFixture>
{
    /// <summary>Collection name.</summary>
    public const string Name = "security";
}

/// <summary>Builds hostile JWTs: arbitrary headers and claims, any HMAC size, no signature.</summary>
public static class HostileJwt
{
    /// <summary>Unix seconds <paramref name="offset"/> from now.</summary>
    public static long At(TimeSpan offset) => (DateTimeOffset.UtcNow + offset).ToUnixTimeSeconds();

    /// <summary>Claims of a shell JWT valid now, or shifted.</summary>
    public static string ShellClaims(TimeSpan? iat = null, TimeSpan? exp = null, TimeSpan? nbf = null) =>
        Claims($"\"iss\":\"{InternalJwt.ShellIssuer}\"", iat, exp, nbf);

    /// <summary>Claims of a KAS JWT valid now, or shifted.</summary>
    public static string KasClaims(TimeSpan? iat = null, TimeSpan? exp = null, TimeSpan? nbf = null) =>
        Claims($"\"iss\":\"{InternalJwt.KasIssuer}\",\"aud\":\"{InternalJwt.KasAudience}\"", iat, exp, nbf);

    private static string Claims(string identity, TimeSpan? iat, TimeSpan? exp, TimeSpan? nbf)
    {
        var text = $"{{{identity},\"iat\":{At(iat ?? TimeSpan.Zero)},\"exp\":{At(exp ?? TimeSpan.FromMinutes(1))}";
        return (nbf is { } n ? text + $",\"nbf\":{At(n)}" : text) + "}";
    }

    /// <summary>HS256 over any header and claims (the app's own signer).</summary>
    public static string Hs256(byte[] key, string header, string claims) =>
        InternalJwt.Sign(key, Encoding.UTF8.GetBytes(header), Encoding.UTF8.GetBytes(claims));

    /// <summary>A header and claims signed with HMAC-SHA384 or -512.</summary>
    public static string Hmac(string alg, byte[] key, string claims)
    {
        var input = Base64UrlEncoder.Encode($"{{\"alg\":\"{alg}\",\"typ\":\"JWT\"}}") + "." + Base64UrlEncoder.Encode(claims);
        var data = Encoding.ASCII.GetBytes(input);
        var signature = alg switch
        {
            "HS384" => HMACSHA384.HashData(key, data),
            "HS512" => HMACSHA512.HashData(key, data),
            _ => throw new ArgumentOutOfRangeException(nameof(alg)),
        };
        return input + "." + Base64UrlEncoder.Encode(signature);
    }

    /// <summary>An unsigned token (<c>alg: none</c>, empty signature part).</summary>
    public static string WithoutSignature(string claims) =>
        Base64UrlEncoder.Encode("""{"alg":"none","typ":"JWT"}""") + "." + Base64UrlEncoder.Encode(claims) + ".";
}
