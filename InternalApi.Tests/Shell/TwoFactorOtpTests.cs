using System.Text.Json;
using Azure.Data.Tables;
using InternalApi.Core.Identity;
using InternalApi.Core.Model;
using InternalApi.Core.Shell;
using InternalApi.Core.TwoFactor;
using InternalApi.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace InternalApi.Tests.Shell;

[Collection(ShellExtrasCollection.Name)]
public sealed class TwoFactorOtpTests(ShellExtrasFixture fixture)
{
    private const string Manual = "/api/v4/internal/two_factor_manual_otp_check";
    private const string Push = "/api/v4/internal/two_factor_push_otp_check";
    private const string Invalid = """{"success":false,"message":"Invalid OTP"}""";

    private static readonly byte[] Secret = Base32.Decode("GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ")!;

    private string CodeNow(int stepOffset = 0) => Totp.Code(Secret, Totp.StepAt(fixture.Clock.GetUtcNow()) + stepOffset);

    private async Task<(User User, SshKey Key)> TwoFactorUserAsync(UserState state = UserState.Active)
    {
        var user = await fixture.UserAsync(twoFactor: true, state: state);
        var protector = fixture.App.Services.GetRequiredService<OtpSecretProtector>();
        await fixture.App.Services.GetRequiredService<OtpStore>().PutSecretAsync(user.Id, protector.Protect(user.Id, Secret));
        return (user, await fixture.KeyAsync(user.Id));
    }

    [Fact]
    public async Task A_Code_Is_Accepted_Once_And_A_Replay_Is_Refused()
    {
        var (_, key) = await TwoFactorUserAsync();
        var code = CodeNow();
        Assert.Equal((200, """{"success":true}"""), await fixture.PostJsonAsync(Manual, $$"""{"key_id":"{{key.Id}}","otp_attempt":"{{code}}"}"""));
        Assert.Equal((200, Invalid), await fixture.PostJsonAsync(Manual, $$"""{"key_id":"{{key.Id}}","otp_attempt":"{{code}}"}"""));

        // The previous step's code is within the drift but spent with the newer one; the next step's code is fresh.
        Assert.Equal((200, Invalid), await fixture.PostJsonAsync(Manual, $$"""{"key_id":"{{key.Id}}","otp_attempt":"{{CodeNow(-1)}}"}"""));
        fixture.Clock.Advance(TimeSpan.FromSeconds(Totp.StepSeconds));
        var form = new FormUrlEncodedContent(new Dictionary<string, string> { ["key_id"] = key.Id.ToString(System.Globalization.CultureInfo.InvariantCulture), ["otp_attempt"] = CodeNow() });
        Assert.Equal((200, """{"success":true}"""), await fixture.SendAsync(HttpMethod.Post, Manual, form));
    }

    [Fact]
    public async Task Wrong_And_Stale_Codes_Are_Refused_And_Drift_Of_One_Step_Is_Allowed()
    {
        var (user, key) = await TwoFactorUserAsync();
        Assert.Equal((200, Invalid), await fixture.PostJsonAsync(Manual, $$"""{"key_id":"{{key.Id}}","otp_attempt":"{{CodeNow(-2)}}"}"""));
        Assert.Equal((200, Invalid), await fixture.PostJsonAsync(Manual, $$"""{"key_id":"{{key.Id}}","otp_attempt":"not-a-code"}"""));
        Assert.Equal((200, Invalid), await fixture.PostJsonAsync(Manual, $$"""{"key_id":"{{key.Id}}"}"""));
        Assert.Equal((200, """{"success":true}"""), await fixture.PostJsonAsync(Manual, $$"""{"key_id":"{{key.Id}}","otp_attempt":"{{CodeNow(-1)}}"}"""));

        // user_id works without a key (certificate logins); there is no key to open a session for.
        fixture.Clock.Advance(TimeSpan.FromSeconds(Totp.StepSeconds));
        Assert.Equal((200, """{"success":true}"""), await fixture.PostJsonAsync(Manual, $$"""{"user_id":{{user.Id}},"otp_attempt":"{{CodeNow()}}"}"""));
    }

    [Fact]
    public async Task The_Secret_Is_Stored_Encrypted_With_Its_Key_Id()
    {
        var (user, key) = await TwoFactorUserAsync();
        Assert.Equal(200, (await fixture.PostJsonAsync(Manual, $$"""{"key_id":"{{key.Id}}","otp_attempt":"{{CodeNow()}}"}""")).Status);

        var table = fixture.App.Services.GetRequiredService<TableServiceClient>().GetTableClient("OtpSecrets");
        var row = (await table.GetEntityAsync<TableEntity>(user.Id.ToString(System.Globalization.CultureInfo.InvariantCulture), "")).Value;
        Assert.Equal("test1", row.GetString("KeyId"));
        Assert.Equal(Totp.StepAt(fixture.Clock.GetUtcNow()), row.GetInt64("LastUsedStep"));
        var stored = string.Join("|", row.Select(p => p.Value is byte[] bytes ? Convert.ToHexString(bytes) : p.Value?.ToString()));
        Assert.DoesNotContain(Convert.ToHexString(Secret), stored, StringComparison.Ordinal);
        Assert.DoesNotContain("GEZDGNBV", stored, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Every_Refusal_Has_GitLabs_Message()
    {
        var withoutTwoFactor = await fixture.UserAsync(twoFactor: false);
        var plainKey = await fixture.KeyAsync(withoutTwoFactor.Id);
        var (_, blockedKey) = await TwoFactorUserAsync(UserState.Blocked);
        var orphanKey = await fixture.KeyAsync(TestIds.Next());
        var deployKey = await fixture.KeyAsync(null, SshKeyKind.Deploy);
        var noSecret = await fixture.KeyAsync((await fixture.UserAsync()).Id);

        foreach (var (body, message) in new[]
        {
            ($$"""{"key_id":"{{TestIds.Next()}}","otp_attempt":"123456"}""", "Could not find the given key"),
            ("""{"otp_attempt":"123456"}""", "Could not find the given key"),
            ($$"""{"user_id":"{{TestIds.Next()}}","otp_attempt":"123456"}""", "Could not find the given key"),
            ($$"""{"key_id":"{{orphanKey.Id}}","otp_attempt":"123456"}""", "Could not find a user for the given key"),
            ($$"""{"key_id":"{{deployKey.Id}}","otp_attempt":"123456"}""", "Deploy keys cannot be used for Two Factor"),
            ($$"""{"key_id":"{{plainKey.Id}}","otp_attempt":"123456"}""", "Two-factor authentication is not enabled for this user"),
            ($$"""{"key_id":"{{blockedKey.Id}}","otp_attempt":"{{CodeNow()}}"}""", "Your account is locked"),
            ($$"""{"key_id":"{{noSecret.Id}}","otp_attempt":"123456"}""", "Invalid OTP"),
        })
        {
            Assert.Equal((200, JsonSerializer.Serialize(new { success = false, message })), await fixture.PostJsonAsync(Manual, body));
        }
    }

    [Fact]
    public async Task Push_Approval_Answers_Invalid_Otp_Without_A_Push_Provider()
    {
        var (_, key) = await TwoFactorUserAsync();
        Assert.Equal((200, Invalid), await fixture.PostJsonAsync(Push, $$"""{"key_id":"{{key.Id}}"}"""));
        var deployKey = await fixture.KeyAsync(null, SshKeyKind.Deploy);
        Assert.Equal((200, """{"success":false,"message":"Deploy keys cannot be used for Two Factor"}"""), await fixture.PostJsonAsync(Push, $$"""{"key_id":"{{deployKey.Id}}"}"""));
        Assert.Equal((200, """{"success":false,"message":"Could not find the given key"}"""), await fixture.PostJsonAsync(Push, "{}"));
    }

    [Theory]
    [InlineData(false, true, "Feature is not available")]
    [InlineData(true, false, "Feature flag is disabled")]
    public async Task Without_The_License_Or_The_Flag_Nothing_Is_Checked(bool licensed, bool flag, string message)
    {
        var (_, key) = await TwoFactorUserAsync();
        var options = Options.Create(new TwoFactorOptions { GitTwoFactorEnforcementLicensed = licensed, OtpCheckForGitOverSsh = flag });
        var services = fixture.App.Services;
        var service = new OtpCheckService(
            services.GetRequiredService<ShellActorLookup>(), services.GetRequiredService<OtpStore>(), services.GetRequiredService<OtpSecretProtector>(),
            options, fixture.Clock, NullLogger<OtpCheckService>.Instance);
        Assert.Equal(OtpCheckResult.Refused(message), await service.CheckManualAsync(new ShellActorQuery(key.Id.ToString(System.Globalization.CultureInfo.InvariantCulture), null), CodeNow()));
        Assert.Equal(OtpCheckResult.Refused(message), await service.CheckPushAsync(new ShellActorQuery(key.Id.ToString(System.Globalization.CultureInfo.InvariantCulture), null)));
    }

    [Fact]
    public async Task Allowed_Requires_A_Successful_Otp_Check_For_Git_Over_Ssh()
    {
        var (user, key) = await TwoFactorUserAsync();
        var project = await fixture.ProjectAsync(user);
        string Body(string protocol) => $$"""{"action":"git-upload-pack","protocol":"{{protocol}}","key_id":"{{key.Id}}","project":"{{project.FullPath}}","changes":"_any"}""";
        const string Denial = """{"status":false,"message":"OTP verification is required to access the repository.\n\n   Use: ssh git@gitlab.example.com 2fa_verify"}""";

        Assert.Equal((401, Denial), await fixture.PostJsonAsync("/api/v4/internal/allowed", Body("ssh")));
        Assert.Equal(200, (await fixture.PostJsonAsync("/api/v4/internal/allowed", Body("http"))).Status);

        Assert.Equal((200, """{"success":true}"""), await fixture.PostJsonAsync(Manual, $$"""{"key_id":"{{key.Id}}","otp_attempt":"{{CodeNow()}}"}"""));
        Assert.Equal(200, (await fixture.PostJsonAsync("/api/v4/internal/allowed", Body("ssh"))).Status);

        // The session is the key's, for 15 minutes.
        var otherKey = await fixture.KeyAsync(user.Id);
        Assert.Equal(401, (await fixture.PostJsonAsync("/api/v4/internal/allowed", Body("ssh").Replace($"\"key_id\":\"{key.Id}\"", $"\"key_id\":\"{otherKey.Id}\"", StringComparison.Ordinal))).Status);
        fixture.Clock.Advance(TimeSpan.FromMinutes(15));
        Assert.Equal((401, Denial), await fixture.PostJsonAsync("/api/v4/internal/allowed", Body("ssh")));
    }

    [Fact]
    public async Task Allowed_Asks_Nothing_Of_Users_Without_Two_Factor()
    {
        var user = await fixture.UserAsync(twoFactor: false);
        var key = await fixture.KeyAsync(user.Id);
        var project = await fixture.ProjectAsync(user);
        var (status, _) = await fixture.PostJsonAsync("/api/v4/internal/allowed", $$"""{"action":"git-upload-pack","protocol":"ssh","key_id":"{{key.Id}}","project":"{{project.FullPath}}","changes":"_any"}""");
        Assert.Equal(200, status);
    }
}
