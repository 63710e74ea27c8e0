using System.Net;
using System.Text.Json;
using InternalApi.Core.Model;
using InternalApi.Core.Storage;
using InternalApi.Tests.Infrastructure;

namespace InternalApi.Tests.Shell;

[Collection(ShellCollection.Name)]
public sealed class TwoFactorRecoveryCodesTests(ShellFixture fixture)
{
    private const string Path = "/api/v4/internal/two_factor_recovery_codes";

    private Task<(HttpResponseMessage Response, string Body)> PostAsync(string json) =>
        fixture.SendAsync(HttpMethod.Post, Path, ShellFixture.Json(json));

    private static List<string> Codes(string body)
    {
        using var document = JsonDocument.Parse(body);
        Assert.Equal(["success", "recovery_codes"], document.RootElement.EnumerateObject().Select(p => p.Name));
        Assert.True(document.RootElement.GetProperty("success").GetBoolean());
        return [.. document.RootElement.GetProperty("recovery_codes").EnumerateArray().Select(e => e.GetString()!)];
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task RecoveryCodes_Are_Ten_Fresh_Hex_Codes_For_A_Key_Id_As_Number_Or_String(bool asString)
    {
        var user = await fixture.UserAsync(twoFactor: true);
        var key = await fixture.KeyAsync(user.Id);
        var id = asString ? $"\"{key.Id}\"" : $"{key.Id}";

        var (response, body) = await PostAsync($$"""{"key_id":{{id}}}""");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var codes = Codes(body);
        Assert.Equal(10, codes.Count);
        Assert.All(codes, c => Assert.Matches("^[0-9a-f]{16}$", c));
        Assert.Equal(10, codes.Distinct().Count());
    }

    [Fact]
    public async Task RecoveryCodes_Are_Stored_Only_As_Digests_And_Replace_The_Previous_Set()
    {
        var user = await fixture.UserAsync(twoFactor: true);
        var key = await fixture.KeyAsync(user.Id);

        var first = Codes((await PostAsync($$"""{"key_id":{{key.Id}}}""")).Body);
        var second = Codes((await PostAsync($$"""{"key_id":{{key.Id}}}""")).Body);

        var stored = (await fixture.Stores.Users.GetUserAsync(user.Id))!.RecoveryCodeDigests;
        Assert.Equal(second.Select(SecretDigest.Sha256Hex), stored);
        Assert.DoesNotContain(first.Select(SecretDigest.Sha256Hex), stored.Contains);
        Assert.Empty(first.Intersect(second));

        // Scan the raw entity: no clear code may appear in any property.
        var entity = (await fixture.Stores.Tables.Users.FindSpreadAsync(user.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)))!;
        var text = string.Join("\n", entity.Select(p => p.Value).Select(v => Convert.ToString(v, System.Globalization.CultureInfo.InvariantCulture)));
        Assert.All(first.Concat(second), code => Assert.DoesNotContain(code, text, StringComparison.Ordinal));
    }

    [Fact]
    public async Task RecoveryCodes_Update_The_Key_Last_Used_Time()
    {
        var user = await fixture.UserAsync(twoFactor: true);
        var key = await fixture.KeyAsync(user.Id);
        var before = DateTimeOffset.UtcNow.AddSeconds(-1);

        await PostAsync($$"""{"key_id":{{key.Id}}}""");

        Assert.True((await fixture.Stores.Keys.GetKeyAsync(key.Id))!.LastUsedAt >= before);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task RecoveryCodes_Accept_A_User_Id_Alone(bool asString)
    {
        var user = await fixture.UserAsync(twoFactor: true);
        var id = asString ? $"\"{user.Id}\"" : $"{user.Id}";

        var (response, body) = await PostAsync($$"""{"user_id":{{id}}}""");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(10, Codes(body).Count);
    }

    [Fact]
    public async Task RecoveryCodes_Accept_A_Form_Body()
    {
        var user = await fixture.UserAsync(twoFactor: true);
        var key = await fixture.KeyAsync(user.Id);

        var (response, body) = await fixture.SendAsync(HttpMethod.Post, Path, new FormUrlEncodedContent([new("key_id", key.Id.ToString(System.Globalization.CultureInfo.InvariantCulture))]));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(10, Codes(body).Count);
    }

    public static TheoryData<string, string> Refusals => new()
    {
        { "unknown user", "Could not find the given user" },
        { "non-numeric user", "Could not find the given user" },
        { "unknown key", "Could not find the given key" },
        { "non-numeric key", "Could not find the given key" },
        { "nothing", "Could not find the given key" },
        { "signing-only key", "Could not find the given key" },
        { "key without user", "Could not find a user for the given key" },
        { "deploy key", "Deploy keys cannot be used to retrieve recovery codes" },
        { "orphaned deploy key", "Deploy keys cannot be used to retrieve recovery codes" },
        { "no 2fa", "Two-factor authentication is not enabled for this user" },
    };

    [Theory]
    [MemberData(nameof(Refusals))]
    public async Task RecoveryCodes_Refusals_Are_200_With_GitLabs_Message(string situation, string message)
    {
        var withTwoFactor = await fixture.UserAsync(twoFactor: true);
        var json = situation switch
        {
            "unknown user" => $$"""{"user_id":{{TestIds.Next()}}}""",
            "non-numeric user" => """{"user_id":"abc"}""",
            "unknown key" => $$"""{"key_id":{{TestIds.Next()}}}""",
            "non-numeric key" => """{"key_id":"abc"}""",
            "nothing" => "{}",
            "signing-only key" => $$"""{"key_id":{{(await fixture.KeyAsync(withTwoFactor.Id, usage: "signing")).Id}}}""",
            "key without user" => $$"""{"key_id":{{(await fixture.KeyAsync(TestIds.Next())).Id}}}""",
            "deploy key" => $$"""{"key_id":{{(await fixture.KeyAsync(withTwoFactor.Id, SshKeyKind.Deploy)).Id}}}""",
            "orphaned deploy key" => $$"""{"key_id":{{(await fixture.KeyAsync(null, SshKeyKind.Deploy)).Id}}}""",
            _ => $$"""{"key_id":{{(await fixture.KeyAsync((await fixture.UserAsync()).Id)).Id}}}""",
        };

        var (response, body) = await PostAsync(json);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal($$"""{"success":false,"message":"{{message}}"}""", body);
    }

    [Fact]
    public async Task RecoveryCodes_Refused_For_A_User_Without_2FA_Keep_The_Stored_Codes()
    {
        var user = await fixture.UserAsync();
        var key = await fixture.KeyAsync(user.Id);

        await PostAsync($$"""{"key_id":{{key.Id}}}""");

        Assert.Empty((await fixture.Stores.Users.GetUserAsync(user.Id))!.RecoveryCodeDigests);
    }

    [Fact]
    public async Task RecoveryCodes_Get_Is_405()
    {
        var (response, body) = await fixture.SendAsync(HttpMethod.Get, Path + "?key_id=1");

        Assert.Equal(HttpStatusCode.MethodNotAllowed, response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("""{"error":"405 Not Allowed"}""", body);
    }

    [Fact]
    public async Task RecoveryCodes_Without_A_Jwt_Is_401()
    {
        using var response = await fixture.App.Client.PostAsync(Path, ShellFixture.Json("{}"));

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("""{"message":"401 Unauthorized"}""", await response.Content.ReadAsStringAsync());
    }
}
