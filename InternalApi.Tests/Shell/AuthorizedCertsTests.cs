using InternalApi.Core.Import;
using InternalApi.Core.Model;
using InternalApi.Core.Shell;
using InternalApi.Core.TwoFactor;
using InternalApi.Functions.Hosting;
using InternalApi.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace InternalApi.Tests.Shell;

[Collection(ShellExtrasCollection.Name)]
public sealed class AuthorizedCertsTests(ShellExtrasFixture fixture)
{
    private static string Path(string? fingerprint, string? user) =>
        "/api/v4/internal/authorized_certs?" + string.Join('&', new[]
        {
            fingerprint is null ? null : "key=" + Uri.EscapeDataString(fingerprint),
            user is null ? null : "user_identifier=" + Uri.EscapeDataString(user),
        }.OfType<string>());

    /// <summary>A top-level group trusting a fresh CA, and a member.</summary>
    private async Task<(GitLabNamespace Group, GroupSshCertificate Ca, User Member)> SeedAsync()
    {
        var group = await fixture.GroupAsync();
        var blob = TestKeys.Ed25519Blob();
        var ca = new GroupSshCertificate { Id = TestIds.Next(), GroupId = group.Id, Title = "CA", KeyType = "ssh-ed25519", Blob = blob, Fingerprint = SshKey.FingerprintOf(blob)! };
        await fixture.App.Services.GetRequiredService<SshCertificateStore>().UpsertAsync(ca);
        var member = await fixture.UserAsync(twoFactor: false);
        await fixture.Stores.Members.UpsertMembershipAsync(new Membership(MemberSource.Group, group.Id, member.Id, AccessLevel.Developer));
        return (group, ca, member);
    }

    [Fact]
    public async Task A_Member_Of_The_Group_Trusting_The_Ca_Logs_In()
    {
        var (group, ca, member) = await SeedAsync();
        var counter = fixture.App.Services.GetRequiredService<StorageCallCounter>();
        var before = counter.Count;
        Assert.Equal((200, $$"""{"success":true,"namespace":"{{group.FullPath}}","username":"{{member.Username}}"}"""), await fixture.SendAsync(HttpMethod.Get, Path(ca.Fingerprint, member.Username.ToUpperInvariant())));

        // One point read for the CA, then the group and the user (index + row) together, then the membership.
        Assert.Equal(5, counter.Count - before);
    }

    [Fact]
    public async Task Unknown_Cas_Users_And_Non_Members_Are_Not_Found()
    {
        var (_, ca, _) = await SeedAsync();
        var outsider = await fixture.UserAsync(twoFactor: false);
        var counter = fixture.App.Services.GetRequiredService<StorageCallCounter>();
        var before = counter.Count;
        Assert.Equal((404, """{"message":"Certificate Not Found"}"""), await fixture.SendAsync(HttpMethod.Get, Path(SshKey.FingerprintOf(TestKeys.Ed25519Blob()), outsider.Username)));
        Assert.Equal(1, counter.Count - before);

        Assert.Equal((404, """{"message":"Certificate Not Found"}"""), await fixture.SendAsync(HttpMethod.Get, Path(null, outsider.Username)));
        Assert.Equal((404, """{"message":"User Not Found"}"""), await fixture.SendAsync(HttpMethod.Get, Path(ca.Fingerprint, outsider.Username)));
        Assert.Equal((404, """{"message":"User Not Found"}"""), await fixture.SendAsync(HttpMethod.Get, Path(ca.Fingerprint, "nobody-" + TestIds.Next())));
        Assert.Equal((404, """{"message":"User Not Found"}"""), await fixture.SendAsync(HttpMethod.Get, Path(ca.Fingerprint, null)));
    }

    [Fact]
    public async Task Without_The_License_A_Known_Ca_Is_Forbidden()
    {
        var (_, ca, member) = await SeedAsync();
        Assert.Equal((403, """{"message":"Feature is not available"}"""), await fixture.SendAsync(HttpMethod.Get, Path(ca.Fingerprint, member.Username), app: fixture.OffApp));
        Assert.Equal((404, """{"message":"Certificate Not Found"}"""), await fixture.SendAsync(HttpMethod.Get, Path("AAAA", member.Username), app: fixture.OffApp));
    }

    [Fact]
    public void The_Demo_Ca_Has_The_Documented_Fingerprint()
    {
        using var demo = System.Text.Json.JsonDocument.Parse(File.ReadAllText(Import.ImportTests.FindDemo()));
        var ca = demo.RootElement.GetProperty("group_ssh_certificates")[0];
        Assert.Equal("acme", ca.GetProperty("group").GetString());
        Assert.Equal("xLERTzgdigXJJQbJM+ikiqdl2dwEaeKiSUShtvVspz4", OpenSshPublicKey.Parse(ca.GetProperty("key").GetString()!)!.Fingerprint);
    }

    [Fact]
    public async Task Import_Adds_Cas_To_Top_Level_Groups_And_Encrypts_Otp_Secrets()
    {
        var importer = fixture.App.Services.GetRequiredService<Importer>();
        var top = TestIds.Name("top");
        var (topId, subId, userId) = (TestIds.Next(), TestIds.Next(), TestIds.Next());
        var caKey = "ssh-ed25519 " + TestKeys.Ed25519Blob() + " ca@example";
        var bad = await importer.ImportAsync($$"""
            {
              "users": [ { "id": {{userId}}, "username": "{{top}}-user", "name": "U", "two_factor_enabled": true } ],
              "groups": [ { "id": {{topId}}, "path": "{{top}}", "name": "Top" }, { "id": {{subId}}, "path": "{{top}}/sub", "name": "Sub" } ],
              "group_ssh_certificates": [
                { "id": 1, "group": "{{top}}/sub", "title": "sub CA", "key": "{{caKey}}" },
                { "id": 2, "group": "{{top}}-user", "title": "user CA", "key": "ssh-ed25519 {{TestKeys.Ed25519Blob()}}" },
                { "id": 3, "group": "{{top}}", "title": "broken", "key": "ssh-ed25519 !!!" }
              ],
              "otp_secrets": [ { "user_id": {{userId}}, "secret": "SHORT" }, { "user_id": {{TestIds.Next()}}, "secret": "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ" } ]
            }
            """);
        Assert.False(bad.Succeeded);
        Assert.Contains(bad.Errors, e => e.Contains("group_ssh_certificates[0].group: ", StringComparison.Ordinal) && e.Contains("subgroup", StringComparison.Ordinal));
        Assert.Contains(bad.Errors, e => e.Contains("group_ssh_certificates[1].group: ", StringComparison.Ordinal) && e.Contains("user's namespace", StringComparison.Ordinal));
        Assert.Contains(bad.Errors, e => e.Contains("group_ssh_certificates[2].key: ", StringComparison.Ordinal));
        Assert.Contains(bad.Errors, e => e.Contains("otp_secrets[0].secret: ", StringComparison.Ordinal));
        Assert.Contains(bad.Errors, e => e.Contains("otp_secrets[1].user_id: unknown user", StringComparison.Ordinal));

        var good = await importer.ImportAsync($$"""
            {
              "users": [ { "id": {{userId}}, "username": "{{top}}-user", "name": "U", "two_factor_enabled": true } ],
              "groups": [ { "id": {{topId}}, "path": "{{top}}", "name": "Top" } ],
              "memberships": [ { "user_id": {{userId}}, "group": "{{top}}", "role": "developer" } ],
              "group_ssh_certificates": [ { "id": 1, "group": "{{top}}", "title": "CA", "key": "{{caKey}}" } ],
              "otp_secrets": [ { "user_id": {{userId}}, "secret": "gezd gnbv gy3t qojq gezd gnbv gy3t qojq" } ]
            }
            """);
        Assert.True(good.Succeeded, string.Join("\n", good.Errors));
        var fingerprint = OpenSshPublicKey.Parse(caKey)!.Fingerprint;
        Assert.Equal((200, $$"""{"success":true,"namespace":"{{top}}","username":"{{top}}-user"}"""), await fixture.SendAsync(HttpMethod.Get, Path(fingerprint, top + "-user")));

        var stored = await fixture.App.Services.GetRequiredService<OtpStore>().GetSecretAsync(userId);
        Assert.Equal("test1", stored!.Secret.KeyId);
        Assert.Equal(Base32.Decode("GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ"), fixture.App.Services.GetRequiredService<OtpSecretProtector>().Unprotect(userId, stored.Secret));
    }
}
