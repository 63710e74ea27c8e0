using System.Text;
using InternalApi.Core.Auth;
using InternalApi.Tests.Infrastructure;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace InternalApi.Tests.Auth;

public sealed class InternalJwtTests
{
    private static readonly byte[] Key = Encoding.UTF8.GetBytes("a-short-shell-secret");
    private static readonly DateTimeOffset Now = new(2026, 11, 22, 12, 0, 0, TimeSpan.Zero);
    private readonly FakeTimeProvider _time = new(Now);

    private static readonly JwtRequirements Shell = new() { Issuer = InternalJwt.ShellIssuer, RequireExpiryAndIssuedAt = true };

    private static string Token(string payload, string header = """{"alg":"HS256","typ":"JWT"}""", byte[]? key = null) =>
        InternalJwt.Sign(key ?? Key, Encoding.UTF8.GetBytes(header), Encoding.UTF8.GetBytes(payload));

    private static long At(TimeSpan offset) => (Now + offset).ToUnixTimeSeconds();

    [Fact]
    public async Task Valid_Shell_Token_Is_Accepted()
    {
        var token = InternalJwt.Create(Key, InternalJwt.ShellIssuer, null, _time, TimeSpan.FromMinutes(1));
        Assert.True((await InternalJwt.ValidateAsync(token, Key, Shell, _time)).IsValid);
    }

    [Fact]
    public async Task Expired_Token_Is_Accepted_Within_Leeway_And_Refused_After()
    {
        var token = Token($$"""{"iss":"gitlab-shell","iat":{{At(TimeSpan.FromMinutes(-2))}},"exp":{{At(TimeSpan.FromSeconds(-50))}}}""");
        Assert.True((await InternalJwt.ValidateAsync(token, Key, Shell, _time)).IsValid);
        _time.Advance(TimeSpan.FromSeconds(15));
        Assert.False((await InternalJwt.ValidateAsync(token, Key, Shell, _time)).IsValid);
    }

    [Theory]
    [InlineData("""{"iss":"gitlab-kas","iat":0,"exp":99999999999}""")]
    [InlineData("""{"iat":0,"exp":99999999999}""")]
    [InlineData("""{"iss":"gitlab-shell","iat":0}""")]
    [InlineData("""{"iss":"gitlab-shell","exp":99999999999}""")]
    [InlineData("""{"iss":"GITLAB-SHELL","iat":0,"exp":99999999999}""")]
    public async Task Wrong_Issuer_Or_Missing_Exp_Or_Iat_Is_Refused(string payload)
    {
        Assert.False((await InternalJwt.ValidateAsync(Token(payload), Key, Shell, _time)).IsValid);
    }

    [Fact]
    public async Task Iat_In_The_Future_Beyond_Leeway_Is_Refused()
    {
        var token = Token($$"""{"iss":"gitlab-shell","iat":{{At(TimeSpan.FromMinutes(5))}},"exp":{{At(TimeSpan.FromMinutes(6))}}}""");
        Assert.False((await InternalJwt.ValidateAsync(token, Key, Shell, _time)).IsValid);
    }

    [Fact]
    public async Task Not_Before_In_The_Future_Is_Refused()
    {
        var token = Token($$"""{"iss":"gitlab-shell","iat":{{At(TimeSpan.Zero)}},"nbf":{{At(TimeSpan.FromMinutes(5))}},"exp":{{At(TimeSpan.FromMinutes(6))}}}""");
        Assert.False((await InternalJwt.ValidateAsync(token, Key, Shell, _time)).IsValid);
    }

    [Fact]
    public async Task Wrong_Secret_Is_Refused()
    {
        var token = InternalJwt.Create(Encoding.UTF8.GetBytes("another secret"), InternalJwt.ShellIssuer, null, _time, TimeSpan.FromMinutes(1));
        var result = await InternalJwt.ValidateAsync(token, Key, Shell, _time);
        Assert.False(result.IsValid);
        Assert.DoesNotContain(token, result.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Alg_None_Is_Refused_Signed_Or_Not()
    {
        var payload = $$"""{"iss":"gitlab-shell","iat":{{At(TimeSpan.Zero)}},"exp":{{At(TimeSpan.FromMinutes(1))}}}""";
        var unsigned = Microsoft.IdentityModel.Tokens.Base64UrlEncoder.Encode("""{"alg":"none","typ":"JWT"}""") + "." +
                       Microsoft.IdentityModel.Tokens.Base64UrlEncoder.Encode(payload) + ".";
        Assert.False((await InternalJwt.ValidateAsync(unsigned, Key, Shell, _time)).IsValid);
        Assert.False((await InternalJwt.ValidateAsync(Token(payload, """{"alg":"none"}"""), Key, Shell, _time)).IsValid);
        Assert.False((await InternalJwt.ValidateAsync(Token(payload, """{"alg":"HS512"}"""), Key, Shell, _time)).IsValid);
    }

    [Theory]
    [InlineData("")]
    [InlineData("garbage")]
    [InlineData("a.b.c")]
    [InlineData("eyJhbGciOiJIUzI1NiJ9.e30.@@@")]
    public async Task Garbage_Is_Refused(string token)
    {
        Assert.False((await InternalJwt.ValidateAsync(token, Key, Shell, _time)).IsValid);
    }

    [Fact]
    public async Task Kas_Token_Needs_Issuer_And_Audience_But_Not_Exp()
    {
        var kasKey = new byte[32];
        var kas = new JwtRequirements { Issuer = InternalJwt.KasIssuer, Audience = InternalJwt.KasAudience };
        Assert.True((await InternalJwt.ValidateAsync(Token("""{"iss":"gitlab-kas","aud":"gitlab"}""", key: kasKey), kasKey, kas, _time)).IsValid);
        Assert.False((await InternalJwt.ValidateAsync(Token("""{"iss":"gitlab-kas","aud":"other"}""", key: kasKey), kasKey, kas, _time)).IsValid);
        Assert.False((await InternalJwt.ValidateAsync(Token("""{"iss":"gitlab-kas"}""", key: kasKey), kasKey, kas, _time)).IsValid);
        var expired = Token($$"""{"iss":"gitlab-kas","aud":"gitlab","exp":{{At(TimeSpan.FromMinutes(-5))}}}""", key: kasKey);
        Assert.False((await InternalJwt.ValidateAsync(expired, kasKey, kas, _time)).IsValid);
    }

    [Fact]
    public async Task Legacy_Shared_Secret_Only_When_Enabled()
    {
        var secrets = new InternalSecrets(Key, null);
        var off = new InternalAuthenticator(secrets, Options.Create(new ShellAuthOptions()), Options.Create(new KasAuthOptions()), _time);
        var on = new InternalAuthenticator(secrets, Options.Create(new ShellAuthOptions { AllowLegacySharedSecret = true }), Options.Create(new KasAuthOptions()), _time);
        var header = Convert.ToBase64String(Key);
        var parameter = Encoding.UTF8.GetString(Key);

        Assert.False((await off.AuthenticateShellAsync(null, header, null)).IsValid);
        Assert.False((await off.AuthenticateShellAsync(null, null, parameter)).IsValid);
        Assert.True((await on.AuthenticateShellAsync(null, header, null)).IsValid);
        Assert.True((await on.AuthenticateShellAsync(null, null, parameter + "\n")).IsValid);
        // The parameter is compared as is, not base64-decoded, and wins over the header.
        Assert.False((await on.AuthenticateShellAsync(null, header, header)).IsValid);
        Assert.False((await on.AuthenticateShellAsync(null, Convert.ToBase64String(Encoding.UTF8.GetBytes("wrong")), null)).IsValid);
        Assert.False((await on.AuthenticateShellAsync(null, "%%%", null)).IsValid);
        Assert.False((await on.AuthenticateShellAsync(null, null, null)).IsValid);
        // A JWT, when present, is what gets checked, even in legacy mode.
        Assert.False((await on.AuthenticateShellAsync("garbage", header, null)).IsValid);
    }

    [Theory]
    [InlineData("not base64!")]
    [InlineData("AAAA")]
    [InlineData("AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")]
    public void Malformed_Kas_Secret_Is_Refused(string secret) =>
        Assert.Throws<InvalidOperationException>(() => InternalSecrets.DecodeKas(secret));

    [Fact]
    public void Shell_Secret_File_Is_Trimmed_And_Used_As_Raw_Bytes()
    {
        var dir = Directory.CreateTempSubdirectory().FullName;
        File.WriteAllText(Path.Combine(dir, ".gitlab_shell_secret"), "  c2VjcmV0\n");
        var secrets = InternalSecrets.Load(new ShellAuthOptions(), new KasAuthOptions(), dir);
        Assert.Equal("c2VjcmV0"u8.ToArray(), secrets.ShellKey);
        Assert.Null(secrets.KasKey);
        Directory.Delete(dir, true);
    }

    [Fact]
    public void Missing_Shell_Secret_Refuses_To_Start()
    {
        var dir = Directory.CreateTempSubdirectory().FullName;
        Assert.Throws<InvalidOperationException>(() => InternalSecrets.Load(new ShellAuthOptions(), new KasAuthOptions(), dir));
        Directory.Delete(dir, true);
    }
}
