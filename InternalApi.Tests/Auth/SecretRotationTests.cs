using System.Net;
using System.Security.Cryptography;
using System.Text;
using InternalApi.Core.Auth;
using InternalApi.Functions.Hosting;
using InternalApi.Tests.Infrastructure;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace InternalApi.Tests.Auth;

/// <summary>
/// Rotating the shell and KAS secrets without downtime: the app verifies with the new secret and, until
/// the window it was given ends, the old one; it signs only with the new one.
/// </summary>
[Collection(AppCollection.Name)]
public sealed class SecretRotationTests(AppFixture fixture)
{
    private static readonly DateTimeOffset Now = new(2026, 12, 1, 12, 0, 0, TimeSpan.Zero);

    private static readonly byte[] OldShell = "old-shell-secret"u8.ToArray();
    private static readonly byte[] NewShell = "new-shell-secret"u8.ToArray();

    [Fact]
    public async Task Old_Shell_And_Kas_Jwts_Are_Accepted_Until_The_Window_Ends_And_Refused_After()
    {
        var time = new FakeTimeProvider(Now);
        var oldKas = RandomNumberGenerator.GetBytes(32);
        var newKas = RandomNumberGenerator.GetBytes(32);
        var until = Now.AddMinutes(30);
        var secrets = new InternalSecrets(new RotatingKey(NewShell, OldShell, until), new RotatingKey(newKas, oldKas, until));
        var authenticator = new InternalAuthenticator(
            secrets, Options.Create(new ShellAuthOptions { AllowLegacySharedSecret = true }), Options.Create(new KasAuthOptions()), time);

        // Tokens are minted afresh at each moment, so only the key decides.
        string Shell(byte[] key) => InternalJwt.Create(key, InternalJwt.ShellIssuer, null, time, TimeSpan.FromMinutes(1));
        string Kas(byte[] key) => InternalJwt.Create(key, InternalJwt.KasIssuer, InternalJwt.KasAudience, time, TimeSpan.FromMinutes(1));

        Assert.True((await authenticator.AuthenticateShellAsync(Shell(NewShell), null, null)).IsValid);
        Assert.True((await authenticator.AuthenticateShellAsync(Shell(OldShell), null, null)).IsValid);
        Assert.True((await authenticator.AuthenticateShellAsync(null, null, Encoding.UTF8.GetString(OldShell))).IsValid);
        Assert.True((await authenticator.AuthenticateKasAsync(Kas(newKas))).IsValid);
        Assert.True((await authenticator.AuthenticateKasAsync(Kas(oldKas))).IsValid);

        time.Advance(TimeSpan.FromMinutes(30));

        Assert.True((await authenticator.AuthenticateShellAsync(Shell(NewShell), null, null)).IsValid);
        Assert.False((await authenticator.AuthenticateShellAsync(Shell(OldShell), null, null)).IsValid);
        Assert.False((await authenticator.AuthenticateShellAsync(null, null, Encoding.UTF8.GetString(OldShell))).IsValid);
        Assert.True((await authenticator.AuthenticateKasAsync(Kas(newKas))).IsValid);
        Assert.False((await authenticator.AuthenticateKasAsync(Kas(oldKas))).IsValid);
        // A key that was never configured is refused throughout.
        Assert.False((await authenticator.AuthenticateShellAsync(Shell("unrelated"u8.ToArray()), null, null)).IsValid);
    }

    [Fact]
    public void Previous_Secrets_Load_From_Settings_Or_Files_And_Need_A_Window()
    {
        var dir = Directory.CreateTempSubdirectory().FullName;
        try
        {
            File.WriteAllText(Path.Combine(dir, "old-shell"), "old-shell-secret\n");
            var kas = Convert.ToBase64String(new byte[32]);
            var oldKas = Convert.ToBase64String(Enumerable.Repeat((byte)7, 32).ToArray());
            var secrets = InternalSecrets.Load(
                new ShellAuthOptions { Secret = "new-shell-secret", PreviousSecretFile = "old-shell", PreviousSecretValidUntil = Now },
                new KasAuthOptions { Secret = kas, PreviousSecret = oldKas, PreviousSecretValidUntil = Now },
                dir);
            Assert.Equal(NewShell, secrets.ShellKey);
            Assert.Equal(OldShell, secrets.Shell.Previous);
            Assert.Equal(Convert.FromBase64String(oldKas), secrets.Kas!.Previous);
            Assert.Equal(2, secrets.Shell.KeysAt(Now.AddTicks(-1)).Count);
            Assert.Single(secrets.Shell.KeysAt(Now));

            // No window: refused at start rather than accepting the old secret forever.
            Assert.Throws<InvalidOperationException>(() => InternalSecrets.Load(
                new ShellAuthOptions { Secret = "new", PreviousSecret = "old" }, new KasAuthOptions(), dir));
            Assert.Throws<InvalidOperationException>(() => InternalSecrets.Load(
                new ShellAuthOptions { Secret = "new" }, new KasAuthOptions { Secret = kas, PreviousSecret = "AAAA", PreviousSecretValidUntil = Now }, dir));
            Assert.Throws<InvalidOperationException>(() => InternalSecrets.Load(
                new ShellAuthOptions { Secret = "new", PreviousSecretFile = "missing", PreviousSecretValidUntil = Now }, new KasAuthOptions(), dir));
        }
        finally
        {
            Directory.Delete(dir, true);
        }
    }

    [Theory]
    [InlineData("Shell")]
    [InlineData("Kas")]
    public void An_Unresolved_Key_Vault_Reference_Is_Never_Used_As_A_Key(string section)
    {
        const string reference = "@Microsoft.KeyVault(SecretUri=https://vault.invalid/secrets/gitlab-shell-secret/)";
        var shell = new ShellAuthOptions { Secret = section == "Shell" ? reference : "a-secret" };
        var kas = new KasAuthOptions { Secret = section == "Kas" ? reference : null };
        var error = Assert.Throws<InvalidOperationException>(() => InternalSecrets.Load(shell, kas, Path.GetTempPath()));
        Assert.Contains("Key Vault", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Over_Http_The_App_Honours_The_Configured_Window()
    {
        var oldSecret = "previous-" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8));
        var open = await TestApp.StartAsync(fixture.Azurite.ConnectionString, Window(oldSecret, DateTimeOffset.UtcNow.AddHours(1)));
        var closed = await TestApp.StartAsync(fixture.Azurite.ConnectionString, Window(oldSecret, DateTimeOffset.UtcNow.AddHours(-1)));
        try
        {
            var oldToken = InternalJwt.Create(Encoding.UTF8.GetBytes(oldSecret), InternalJwt.ShellIssuer, null, TimeProvider.System, TimeSpan.FromMinutes(1));
            Assert.Equal(HttpStatusCode.OK, await CheckAsync(open, oldToken));
            Assert.Equal(HttpStatusCode.OK, await CheckAsync(open, open.ShellToken()));
            Assert.Equal(HttpStatusCode.Unauthorized, await CheckAsync(closed, oldToken));
            Assert.Equal(HttpStatusCode.OK, await CheckAsync(closed, closed.ShellToken()));
        }
        finally
        {
            await open.DisposeAsync();
            await closed.DisposeAsync();
        }
    }

    private static Dictionary<string, string?> Window(string previous, DateTimeOffset until) => new()
    {
        ["Shell:PreviousSecret"] = previous,
        ["Shell:PreviousSecretValidUntil"] = until.ToString("O"),
        ["Queues:DispatcherEnabled"] = "false",
    };

    private static async Task<HttpStatusCode> CheckAsync(TestApp app, string token)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/v4/internal/check");
        request.Headers.Add(RequestAuthenticator.ShellHeader, token);
        using var response = await app.Client.SendAsync(request);
        return response.StatusCode;
    }
}
