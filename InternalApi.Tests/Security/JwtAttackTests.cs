using System.Text;
using InternalApi.Core.Auth;
using InternalApi.Functions.Hosting;
using Microsoft.IdentityModel.Tokens;

namespace InternalApi.Tests.Security;

/// <summary>
/// Hostile JWTs over HTTP: each is sent as the shell JWT to <c>/internal/check</c> and as the KAS JWT to
/// <c>/internal/kubernetes/agent_info</c> (with a valid agent token), and both must answer 401. The control
/// facts show the same requests pass with an honest token, so a 401 means the JWT was refused.
/// </summary>
[Collection(SecurityCollection.Name)]
public sealed class JwtAttackTests(SecurityFixture fixture)
{
    /// <summary>Claim sets outside the window (beyond the 60 s leeway).</summary>
    public static TheoryData<string, int, int, int?> Windows => new()
    {
        // name, iat, exp, nbf (seconds from now)
        { "expired", -600, -120, null },
        { "iat in the future", 300, 600, null },
        { "nbf in the future", 0, 600, 300 },
    };

    [Fact]
    public async Task Honest_Tokens_Pass()
    {
        Assert.Equal(200, (await fixture.ShellCheckAsync(fixture.App.ShellToken())).Status);
        Assert.Equal(200, (await fixture.AgentInfoAsync(fixture.App.KasToken())).Status);
        // Built by the same helper the hostile cases use, so the helper is not what makes them fail.
        Assert.Equal(200, (await fixture.ShellCheckAsync(HostileJwt.Hs256(fixture.App.ShellKey, """{"alg":"HS256","typ":"JWT"}""", HostileJwt.ShellClaims()))).Status);
        Assert.Equal(200, (await fixture.AgentInfoAsync(HostileJwt.Hs256(fixture.App.KasKey, """{"alg":"HS256","typ":"JWT"}""", HostileJwt.KasClaims()))).Status);
        // Inside the leeway is still accepted: the window cases below are refused for being beyond it.
        Assert.Equal(200, (await fixture.ShellCheckAsync(HostileJwt.Hs256(fixture.App.ShellKey, """{"alg":"HS256"}""", HostileJwt.ShellClaims(TimeSpan.FromMinutes(-2), TimeSpan.FromSeconds(-30))))).Status);
    }

    [Theory]
    [MemberData(nameof(Windows))]
    public async Task A_Jwt_Outside_Its_Window_Is_Refused(string name, int iat, int exp, int? nbf)
    {
        TimeSpan S(int s) => TimeSpan.FromSeconds(s);
        TimeSpan? nb = nbf is { } n ? S(n) : null;
        var shell = HostileJwt.Hs256(fixture.App.ShellKey, """{"alg":"HS256","typ":"JWT"}""", HostileJwt.ShellClaims(S(iat), S(exp), nb));
        var kas = HostileJwt.Hs256(fixture.App.KasKey, """{"alg":"HS256","typ":"JWT"}""", HostileJwt.KasClaims(S(iat), S(exp), nb));

        Assert.True((await fixture.ShellCheckAsync(shell)).Status == 401, name + " (shell)");
        var (status, body) = await fixture.AgentInfoAsync(kas);
        Assert.True(status == 401, name + " (kas)");
        Assert.Contains("KAS JWT authentication invalid", body, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("alg none, unsigned")]
    [InlineData("alg none, HS256 signature")]
    [InlineData("HS384 with the secret")]
    [InlineData("HS512 with the secret")]
    [InlineData("RS256 header, HMAC signature with the secret")]
    [InlineData("ES256 header, HMAC signature with the secret")]
    [InlineData("lower-case hs256")]
    [InlineData("kid pointing at a file, signed with an empty key")]
    [InlineData("kid pointing at another key, signed with the attacker's key")]
    [InlineData("jwk header with the attacker's key")]
    [InlineData("jku header to the attacker's key set")]
    [InlineData("two dots missing")]
    [InlineData("one dot missing")]
    [InlineData("signature stripped")]
    public async Task Alg_Confusion_And_Header_Tricks_Are_Refused(string attack)
    {
        foreach (var (key, claims, send) in new (byte[], string, Func<string, Task<(int Status, string Body)>>)[]
                 {
                     (fixture.App.ShellKey, HostileJwt.ShellClaims(), jwt => fixture.ShellCheckAsync(jwt)),
                     (fixture.App.KasKey, HostileJwt.KasClaims(), jwt => fixture.AgentInfoAsync(jwt)),
                 })
        {
            var jwt = Build(attack, key, claims);
            var (status, _) = await send(jwt);
            Assert.True(status == 401, $"{attack} ({(key == fixture.App.ShellKey ? "shell" : "kas")}): {status}");
        }
    }

    private static string Build(string attack, byte[] key, string claims)
    {
        var attacker = "attacker-chosen-key-0123456789abcdef"u8.ToArray();
        var jwk = $$"""{"kty":"oct","k":"{{Base64UrlEncoder.Encode(attacker)}}"}""";
        var honest = HostileJwt.Hs256(key, """{"alg":"HS256","typ":"JWT"}""", claims);
        return attack switch
        {
            "alg none, unsigned" => HostileJwt.WithoutSignature(claims),
            "alg none, HS256 signature" => HostileJwt.Hs256(key, """{"alg":"none","typ":"JWT"}""", claims),
            "HS384 with the secret" => HostileJwt.Hmac("HS384", key, claims),
            "HS512 with the secret" => HostileJwt.Hmac("HS512", key, claims),
            "RS256 header, HMAC signature with the secret" => HostileJwt.Hs256(key, """{"alg":"RS256","typ":"JWT"}""", claims),
            "ES256 header, HMAC signature with the secret" => HostileJwt.Hs256(key, """{"alg":"ES256","typ":"JWT"}""", claims),
            "lower-case hs256" => HostileJwt.Hs256(key, """{"alg":"hs256","typ":"JWT"}""", claims),
            "kid pointing at a file, signed with an empty key" => HostileJwt.Hs256([], """{"alg":"HS256","kid":"../../../../dev/null"}""", claims),
            "kid pointing at another key, signed with the attacker's key" => HostileJwt.Hs256(attacker, """{"alg":"HS256","kid":"attacker"}""", claims),
            "jwk header with the attacker's key" => HostileJwt.Hs256(attacker, $$"""{"alg":"HS256","jwk":{{jwk}}}""", claims),
            "jku header to the attacker's key set" => HostileJwt.Hs256(attacker, """{"alg":"HS256","jku":"http://127.0.0.1:1/jwks.json","kid":"a"}""", claims),
            "two dots missing" => honest.Replace(".", "", StringComparison.Ordinal),
            "one dot missing" => honest[..honest.LastIndexOf('.')] + honest[(honest.LastIndexOf('.') + 1)..],
            "signature stripped" => honest[..(honest.LastIndexOf('.') + 1)],
            _ => throw new ArgumentOutOfRangeException(nameof(attack)),
        };
    }

    [Fact]
    public void The_Hostile_Builders_Make_What_They_Say()
    {
        // HS384/512 are the right size for their algorithm, so a refusal is not a malformed signature.
        var token = HostileJwt.Hmac("HS512", "k"u8.ToArray(), HostileJwt.ShellClaims());
        Assert.Equal(64, Base64UrlEncoder.DecodeBytes(token.Split('.')[2]).Length);
        Assert.Equal("""{"alg":"HS512","typ":"JWT"}""", Encoding.UTF8.GetString(Base64UrlEncoder.DecodeBytes(token.Split('.')[0])));
    }
}
