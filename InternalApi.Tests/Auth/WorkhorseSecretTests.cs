using System.Security.Cryptography;
using InternalApi.Core.Auth;
using InternalApi.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace InternalApi.Tests.Auth;

/// <summary>The Workhorse secret: GitLab's format, rotation like the shell and KAS secrets, option validation.</summary>
public sealed class WorkhorseSecretTests
{
    private static readonly DateTimeOffset Now = new(2026, 12, 7, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task The_Previous_Secret_Is_Accepted_Until_Its_Window_Ends()
    {
        var current = RandomNumberGenerator.GetBytes(32);
        var previous = RandomNumberGenerator.GetBytes(32);
        var clock = new ManualTimeProvider(Now);
        var secret = WorkhorseSecret.Load(new WorkhorseAuthOptions
        {
            Secret = Convert.ToBase64String(current),
            PreviousSecret = Convert.ToBase64String(previous),
            PreviousSecretValidUntil = Now + TimeSpan.FromMinutes(10),
        }, AppContext.BaseDirectory);
        var authenticator = new WorkhorseAuthenticator(secret, Options.Create(new WorkhorseAuthOptions()), clock);

        Assert.True((await authenticator.AuthenticateAsync(InternalJwt.Create(current, WorkhorseAuthenticator.Issuer, null, clock, TimeSpan.FromMinutes(1)))).IsValid);
        Assert.True((await authenticator.AuthenticateAsync(InternalJwt.Create(previous, WorkhorseAuthenticator.Issuer, null, clock, TimeSpan.FromMinutes(1)))).IsValid);
        clock.Advance(TimeSpan.FromMinutes(10));
        Assert.False((await authenticator.AuthenticateAsync(InternalJwt.Create(previous, WorkhorseAuthenticator.Issuer, null, clock, TimeSpan.FromMinutes(1)))).IsValid);
        Assert.True((await authenticator.AuthenticateAsync(InternalJwt.Create(current, WorkhorseAuthenticator.Issuer, null, clock, TimeSpan.FromMinutes(1)))).IsValid);
    }

    [Fact]
    public void The_Secret_Must_Be_GitLabs_Base64_Of_32_Bytes_From_The_File_Or_The_Setting()
    {
        var folder = Directory.CreateTempSubdirectory("workhorse-secret");
        try
        {
            var bytes = RandomNumberGenerator.GetBytes(32);
            File.WriteAllText(Path.Combine(folder.FullName, ".gitlab_workhorse_secret"), Convert.ToBase64String(bytes) + "\n");
            Assert.Equal(bytes, WorkhorseSecret.Load(new WorkhorseAuthOptions(), folder.FullName).Keys!.Current);

            // No file, no setting: Workhorse is not configured and its tokens are refused.
            Assert.Null(WorkhorseSecret.Load(new WorkhorseAuthOptions { SecretFile = "absent" }, folder.FullName).Keys);

            Assert.Contains("16 bytes", Assert.Throws<InvalidOperationException>(() => WorkhorseSecret.Load(new WorkhorseAuthOptions { Secret = Convert.ToBase64String(new byte[16]) }, folder.FullName)).Message, StringComparison.Ordinal);
            Assert.Contains("not valid base64", Assert.Throws<InvalidOperationException>(() => WorkhorseSecret.Load(new WorkhorseAuthOptions { Secret = "not base64!" }, folder.FullName)).Message, StringComparison.Ordinal);
            Assert.Contains("Key Vault", Assert.Throws<InvalidOperationException>(() => WorkhorseSecret.Load(new WorkhorseAuthOptions { Secret = "@Microsoft.KeyVault(SecretUri=https://v/secrets/w/)" }, folder.FullName)).Message, StringComparison.Ordinal);
            Assert.Contains("Workhorse:PreviousSecretValidUntil", Assert.Throws<InvalidOperationException>(() => WorkhorseSecret.Load(new WorkhorseAuthOptions { PreviousSecret = Convert.ToBase64String(bytes) }, folder.FullName)).Message, StringComparison.Ordinal);
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }

    [Fact]
    public void Out_Of_Range_Settings_Name_The_Setting()
    {
        using var services = new ServiceCollection()
            .AddOptions<WorkhorseAuthOptions>().Configure(o => o.ApiRequestJwtValidity = TimeSpan.Zero).ValidateDataAnnotations().Services
            .BuildServiceProvider();
        var failure = Assert.Throws<OptionsValidationException>(() => services.GetRequiredService<IOptions<WorkhorseAuthOptions>>().Value);
        Assert.Contains("Workhorse:ApiRequestJwtValidity", failure.Message, StringComparison.Ordinal);
    }
}
