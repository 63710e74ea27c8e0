using Azure.Data.Tables;
using System.Globalization;
using System.Net;
using System.Text.Json;
using InternalApi.Core.Model;
using InternalApi.Tests.Infrastructure;

namespace InternalApi.Tests.Shell;

[Collection(ShellCollection.Name)]
public sealed class PersonalAccessTokenTests(ShellFixture fixture)
{
    private const string Path = "/api/v4/internal/personal_access_token";

    private const string ValidScopes = """["api", "create_runner", "k8s_proxy", "read_api", "read_registry", "read_repository", "read_user", "write_registry", "write_repository"]""";

    private Task<(HttpResponseMessage Response, string Body)> PostAsync(string json) =>
        fixture.SendAsync(HttpMethod.Post, Path, ShellFixture.Json(json));

    private static DateOnly Today => DateOnly.FromDateTime(DateTime.UtcNow);

    private static string Iso(DateOnly date) => date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    private static (string Token, string[] Scopes, string? ExpiresAt) Created(string body)
    {
        using var document = JsonDocument.Parse(body);
        var root = document.RootElement;
        Assert.Equal(["success", "token", "scopes", "expires_at"], root.EnumerateObject().Select(p => p.Name));
        Assert.True(root.GetProperty("success").GetBoolean());
        return (
            root.GetProperty("token").GetString()!,
            [.. root.GetProperty("scopes").EnumerateArray().Select(e => e.GetString()!)],
            root.GetProperty("expires_at").GetString());
    }

    // Only quotes need escaping in these messages; GitLab writes everything else as is.
    private static string Failure(string message) => $$"""{"success":false,"message":"{{message.Replace("\"", "\\\"", StringComparison.Ordinal)}}"}""";

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Token_Is_Created_As_GitLab_Shell_Asks_With_Key_Id_As_String_Or_Number(bool asString)
    {
        var user = await fixture.UserAsync();
        var key = await fixture.KeyAsync(user.Id);
        var id = asString ? $"\"{key.Id}\"" : $"{key.Id}";
        var expiry = Iso(Today.AddDays(30));

        var (response, body) = await PostAsync($$"""{"key_id":{{id}},"name":"mytoken","scopes":["read_api","read_repository"],"expires_at":"{{expiry}}"}""");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var (token, scopes, expiresAt) = Created(body);
        Assert.Matches("^glpat-[A-HJ-NP-Za-km-z1-9_-]{20}$", token);
        Assert.Equal(["read_api", "read_repository"], scopes);
        Assert.Equal(expiry, expiresAt);

        var stored = await fixture.Stores.AccessTokens.FindPersonalAccessTokenAsync(SecretDigest.Sha256Hex(token));
        Assert.NotNull(stored);
        Assert.Equal(user.Id, stored.UserId);
        Assert.Equal("mytoken", stored.Name);
        Assert.Equal(["read_api", "read_repository"], stored.Scopes);
        Assert.Equal(Today.AddDays(30), stored.ExpiresAt);
        Assert.True(stored.Id > 0);
    }

    [Fact]
    public async Task Token_Is_Stored_Only_As_A_Digest()
    {
        var user = await fixture.UserAsync();
        var key = await fixture.KeyAsync(user.Id);

        var (token, _, _) = Created((await PostAsync($$"""{"key_id":{{key.Id}},"name":"scan","scopes":["api"]}""")).Body);

        var found = false;
        await foreach (var entity in fixture.Stores.Tables.PersonalAccessTokens.QueryAsync<TableEntity>())
        {
            found |= entity.PartitionKey == SecretDigest.Sha256Hex(token);
            Assert.DoesNotContain(token, entity.PartitionKey + entity.RowKey, StringComparison.Ordinal);
            Assert.All(entity.Select(p => p.Value), v => Assert.DoesNotContain(token, Convert.ToString(v, CultureInfo.InvariantCulture) ?? "", StringComparison.Ordinal));
        }

        Assert.True(found);
    }

    [Fact]
    public async Task Tokens_Get_Distinct_Ids_And_Values()
    {
        var user = await fixture.UserAsync();
        var key = await fixture.KeyAsync(user.Id);

        var first = Created((await PostAsync($$"""{"key_id":{{key.Id}},"name":"a","scopes":["api"]}""")).Body).Token;
        var second = Created((await PostAsync($$"""{"key_id":{{key.Id}},"name":"a","scopes":["api"]}""")).Body).Token;

        Assert.NotEqual(first, second);
        var a = await fixture.Stores.AccessTokens.FindPersonalAccessTokenAsync(SecretDigest.Sha256Hex(first));
        var b = await fixture.Stores.AccessTokens.FindPersonalAccessTokenAsync(SecretDigest.Sha256Hex(second));
        Assert.NotEqual(a!.Id, b!.Id);
    }

    [Fact]
    public async Task Token_Without_Expiry_Has_Null_Expires_At()
    {
        var user = await fixture.UserAsync();
        var key = await fixture.KeyAsync(user.Id);

        var (response, body) = await PostAsync($$"""{"key_id":{{key.Id}},"name":"forever","scopes":["api"],"expires_at":""}""");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Null(Created(body).ExpiresAt);
        Assert.Contains("\"expires_at\":null", body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Token_Accepts_A_Form_Body_With_Bracket_Scopes()
    {
        var user = await fixture.UserAsync();
        var key = await fixture.KeyAsync(user.Id);
        var form = new FormUrlEncodedContent(
        [
            new("key_id", key.Id.ToString(CultureInfo.InvariantCulture)),
            new("name", "from-form"),
            new("scopes[]", "read_user"),
            new("scopes[]", "write_repository"),
            new("expires_at", "2020-07-24"),
        ]);

        var (response, body) = await fixture.SendAsync(HttpMethod.Post, Path, form);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var (_, scopes, expiresAt) = Created(body);
        Assert.Equal(["read_user", "write_repository"], scopes);
        Assert.Equal("2020-07-24", expiresAt);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Token_Accepts_A_User_Id_Alone(bool asString)
    {
        var user = await fixture.UserAsync();
        var id = asString ? $"\"{user.Id}\"" : $"{user.Id}";

        var (response, body) = await PostAsync($$"""{"user_id":{{id}},"name":"by-user","scopes":["read_api"]}""");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var stored = await fixture.Stores.AccessTokens.FindPersonalAccessTokenAsync(SecretDigest.Sha256Hex(Created(body).Token));
        Assert.Equal(user.Id, stored!.UserId);
    }

    [Theory]
    [InlineData("2024-07-24")]
    [InlineData("2024-07-24T10:11:12Z")]
    [InlineData("24 Jul 2024")]
    [InlineData("24 July 2024")]
    [InlineData("Wed, 24 Jul 2024")]
    [InlineData("Jul 24 2024")]
    [InlineData("July 24, 2024")]
    [InlineData("24-Jul-2024")]
    [InlineData("2024/07/24")]
    [InlineData("24/07/2024")]
    [InlineData("24.07.2024")]
    [InlineData("20240724")]
    public async Task Token_Expiry_Accepts_The_Date_Forms_Ruby_Parses(string text)
    {
        var user = await fixture.UserAsync();
        var key = await fixture.KeyAsync(user.Id);

        var (response, body) = await PostAsync($$"""{"key_id":{{key.Id}},"name":"dated","scopes":["api"],"expires_at":"{{text}}"}""");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("2024-07-24", Created(body).ExpiresAt);
    }

    [Fact]
    public async Task Token_Expiry_In_The_Past_Is_Accepted_As_In_The_Doc_Example()
    {
        var user = await fixture.UserAsync();
        var key = await fixture.KeyAsync(user.Id);

        var (response, body) = await PostAsync($$"""{"key_id":{{key.Id}},"name":"newtoken","scopes":["read_repository"],"expires_at":"2020-07-24"}""");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("2020-07-24", Created(body).ExpiresAt);
    }

    [Fact]
    public async Task Token_Expiry_May_Be_Exactly_The_Maximum_Lifetime_But_Not_A_Day_More()
    {
        var user = await fixture.UserAsync();
        var key = await fixture.KeyAsync(user.Id);
        var limit = Today.AddDays(365);

        var (atLimit, atLimitBody) = await PostAsync($$"""{"key_id":{{key.Id}},"name":"max","scopes":["api"],"expires_at":"{{Iso(limit)}}"}""");
        var (beyond, beyondBody) = await PostAsync($$"""{"key_id":{{key.Id}},"name":"max","scopes":["api"],"expires_at":"{{Iso(limit.AddDays(1))}}"}""");

        Assert.Equal(HttpStatusCode.OK, atLimit.StatusCode);
        Assert.Equal(Iso(limit), Created(atLimitBody).ExpiresAt);
        Assert.Equal(HttpStatusCode.OK, beyond.StatusCode);
        Assert.Equal(Failure($"Failed to create token: Expires at must be before {Iso(limit)}"), beyondBody);
    }

    [Fact]
    public async Task Token_Lifetime_Limit_Follows_The_Instance_Setting()
    {
        await using var app = await TestApp.StartAsync(fixture.Azurite.ConnectionString, settings: new Dictionary<string, string?>
        {
            ["Queues:DispatcherEnabled"] = "false",
            ["GitLab:PersonalAccessTokenMaxLifetimeDays"] = "30",
            ["GitLab:PersonalAccessTokenPrefix"] = "corp-",
        });
        var user = await fixture.UserAsync();
        var key = await fixture.KeyAsync(user.Id);

        async Task<string> CreateAsync(DateOnly expiry)
        {
            using var request = app.ShellRequest(HttpMethod.Post, Path, ShellFixture.Json($$"""{"key_id":{{key.Id}},"name":"t","scopes":["api"],"expires_at":"{{Iso(expiry)}}"}"""));
            using var response = await app.Client.SendAsync(request);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            return await response.Content.ReadAsStringAsync();
        }

        Assert.StartsWith("corp-", Created(await CreateAsync(Today.AddDays(30))).Token, StringComparison.Ordinal);
        Assert.Equal(Failure($"Failed to create token: Expires at must be before {Iso(Today.AddDays(30))}"), await CreateAsync(Today.AddDays(31)));
    }

    public static TheoryData<string, string> Refusals => new()
    {
        { "deploy key", "Deploy keys cannot be used to create personal access tokens" },
        { "orphaned deploy key", "Deploy keys cannot be used to create personal access tokens" },
        { "unknown user", "Could not find the given user" },
        { "non-numeric user", "Could not find the given user" },
        { "unknown key", "Could not find the given key" },
        { "non-numeric key", "Could not find the given key" },
        { "no actor", "Could not find the given key" },
        { "key without user", "Could not find a user for the given key" },
        { "blank name", "No token name specified" },
        { "missing name", "No token name specified" },
        { "missing scopes", "No token scopes specified" },
        { "empty scopes", "No token scopes specified" },
        { "null scopes", "No token scopes specified" },
        { "invalid scope", "Invalid scope: 'sudo'. Valid scopes are: " + ValidScopes },
        { "unparseable expiry", "Invalid token expiry date: 'next tuesday-ish'" },
        { "impossible expiry", "Invalid token expiry date: '2024-02-30'" },
        { "not permitted", "Failed to create token: Not permitted to create" },
        { "blocked user", "Failed to create token: Not permitted to create" },
    };

    [Theory]
    [MemberData(nameof(Refusals))]
    public async Task Token_Refusals_Are_200_With_GitLabs_Message(string situation, string message)
    {
        var user = await fixture.UserAsync();
        var key = (await fixture.KeyAsync(user.Id)).Id;
        var json = situation switch
        {
            "deploy key" => $$"""{"key_id":{{(await fixture.KeyAsync(user.Id, SshKeyKind.Deploy)).Id}}}""",
            "orphaned deploy key" => $$"""{"key_id":{{(await fixture.KeyAsync(null, SshKeyKind.Deploy)).Id}},"name":"n","scopes":["api"]}""",
            "unknown user" => $$"""{"user_id":{{TestIds.Next()}},"name":"n","scopes":["api"]}""",
            "non-numeric user" => """{"user_id":"abc","name":"n","scopes":["api"]}""",
            "unknown key" => $$"""{"key_id":"{{TestIds.Next()}}","name":"n","scopes":["api"]}""",
            "non-numeric key" => """{"key_id":"abc","name":"n","scopes":["api"]}""",
            "no actor" => """{"name":"n","scopes":["api"]}""",
            "key without user" => $$"""{"key_id":{{(await fixture.KeyAsync(TestIds.Next())).Id}},"name":"n","scopes":["api"]}""",
            "blank name" => $$"""{"key_id":{{key}},"name":"   ","scopes":["api"]}""",
            "missing name" => $$"""{"key_id":{{key}},"scopes":["api"]}""",
            "missing scopes" => $$"""{"key_id":{{key}},"name":"n"}""",
            "empty scopes" => $$"""{"key_id":{{key}},"name":"n","scopes":[]}""",
            "null scopes" => $$"""{"key_id":{{key}},"name":"n","scopes":null}""",
            "invalid scope" => $$"""{"key_id":{{key}},"name":"n","scopes":["read_api","sudo","bogus"]}""",
            "unparseable expiry" => $$"""{"key_id":{{key}},"name":"n","scopes":["api"],"expires_at":"next tuesday-ish"}""",
            "impossible expiry" => $$"""{"key_id":{{key}},"name":"n","scopes":["api"],"expires_at":"2024-02-30"}""",
            "not permitted" => $$"""{"user_id":{{(await fixture.UserAsync(canCreateToken: false)).Id}},"name":"n","scopes":["api"]}""",
            _ => $$"""{"user_id":{{(await fixture.UserAsync(state: UserState.Blocked)).Id}},"name":"n","scopes":["api"]}""",
        };

        var (response, body) = await PostAsync(json);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(Failure(message), body);
    }

    [Fact]
    public async Task Token_Refusal_Stores_Nothing_But_Still_Counts_As_Key_Use()
    {
        var user = await fixture.UserAsync(canCreateToken: false);
        var key = await fixture.KeyAsync(user.Id);
        var before = DateTimeOffset.UtcNow.AddSeconds(-1);

        var (_, body) = await PostAsync($$"""{"key_id":{{key.Id}},"name":"n","scopes":["api"]}""");

        Assert.Equal(Failure("Failed to create token: Not permitted to create"), body);
        Assert.True((await fixture.Stores.Keys.GetKeyAsync(key.Id))!.LastUsedAt >= before);
        await foreach (var entity in fixture.Stores.Tables.PersonalAccessTokens.QueryAsync<TableEntity>())
        {
            Assert.NotEqual(user.Id, entity.GetInt64("UserId"));
        }
    }

    [Fact]
    public async Task Token_Without_A_Jwt_Is_401()
    {
        using var response = await fixture.App.Client.PostAsync(Path, ShellFixture.Json("""{"user_id":1,"name":"n","scopes":["api"]}"""));

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("""{"message":"401 Unauthorized"}""", await response.Content.ReadAsStringAsync());
    }
}
