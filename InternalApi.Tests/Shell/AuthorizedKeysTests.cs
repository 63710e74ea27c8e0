using System.Net;
using Azure.Data.Tables;
using InternalApi.Core.Import;
using InternalApi.Core.Model;
using InternalApi.Core.Storage;
using InternalApi.Functions.Hosting;
using InternalApi.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace InternalApi.Tests.Shell;

[Collection(ShellCollection.Name)]
public sealed class AuthorizedKeysTests(ShellFixture fixture)
{
    private static string Path(string blob) => "/api/v4/internal/authorized_keys?key=" + Uri.EscapeDataString(blob);

    /// <summary>The whole answer for a key as GitLab writes it.</summary>
    private static string Answer(SshKey key, string ownerName, string expiresAt = "null") =>
        $$"""{"id":{{key.Id}},"title":"{{key.Title}}","created_at":"2019-06-27T15:29:02.219Z","expires_at":{{expiresAt}},"key":"ssh-ed25519 {{key.Blob}} {{ownerName}} ({{ShellFixture.Host}})","usage_type":"{{key.UsageType}}"}""";

    /// <summary>The answer for a blob, asserting it came from one storage call (the fingerprint row, kept current).</summary>
    private async Task<(HttpStatusCode Status, string Body)> OneReadAsync(string blob)
    {
        var (status, body, calls) = await fixture.SendCountedAsync(Path(blob));
        Assert.Equal(1, calls);
        return (status, body);
    }

    [Fact]
    public async Task AuthorizedKeys_Returns_The_User_Key_With_Its_Publishable_Form()
    {
        var user = await fixture.UserAsync();
        var key = await fixture.KeyAsync(user.Id, usage: "auth");

        var (response, body) = await fixture.SendAsync(HttpMethod.Get, Path(key.Blob));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(
            $$"""{"id":{{key.Id}},"title":"{{key.Title}}","created_at":"2019-06-27T15:29:02.219Z","expires_at":null,"key":"ssh-ed25519 {{key.Blob}} {{user.Name}} ({{ShellFixture.Host}})","usage_type":"auth"}""",
            body);
    }

    [Fact]
    public async Task AuthorizedKeys_Returns_A_Deploy_Key_Named_After_Its_Creator()
    {
        var creator = await fixture.UserAsync();
        var key = await fixture.KeyAsync(creator.Id, SshKeyKind.Deploy);

        var (response, body) = await fixture.SendAsync(HttpMethod.Get, Path(key.Blob));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains($"\"key\":\"ssh-ed25519 {key.Blob} {creator.Name} ({ShellFixture.Host})\"", body, StringComparison.Ordinal);
        Assert.Contains("\"usage_type\":\"auth_and_signing\"", body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AuthorizedKeys_Names_The_Ghost_User_For_A_Deploy_Key_Whose_Creator_Is_Gone()
    {
        var key = await fixture.KeyAsync(null, SshKeyKind.Deploy);

        var (response, body) = await fixture.SendAsync(HttpMethod.Get, Path(key.Blob));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains($"\"key\":\"ssh-ed25519 {key.Blob} Ghost User ({ShellFixture.Host})\"", body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AuthorizedKeys_Returns_An_Expired_Key_With_Its_Expiry()
    {
        var user = await fixture.UserAsync();
        var expired = new DateTimeOffset(2020, 1, 2, 3, 4, 5, 6, TimeSpan.FromHours(2));
        var key = await fixture.KeyAsync(user.Id, expiresAt: expired);

        var (response, body) = await fixture.SendAsync(HttpMethod.Get, Path(key.Blob));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("\"expires_at\":\"2020-01-02T01:04:05.006Z\"", body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AuthorizedKeys_Returns_404_For_A_Signing_Only_Key()
    {
        var user = await fixture.UserAsync();
        var key = await fixture.KeyAsync(user.Id, usage: "signing");

        var (response, body) = await fixture.SendAsync(HttpMethod.Get, Path(key.Blob));

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("""{"message":"404 Key Not Found"}""", body);
    }

    [Fact]
    public async Task AuthorizedKeys_Returns_404_For_A_User_Key_Whose_User_Is_Gone()
    {
        var key = await fixture.KeyAsync(TestIds.Next());

        var (response, body) = await fixture.SendAsync(HttpMethod.Get, Path(key.Blob));

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("""{"message":"404 Key Not Found"}""", body);
    }

    [Theory]
    [InlineData("unknown key")]
    [InlineData("not base64")]
    [InlineData("empty")]
    [InlineData("truncated")]
    public async Task AuthorizedKeys_Returns_404_When_The_Key_Is_Unknown_Or_Invalid(string kind)
    {
        var user = await fixture.UserAsync();
        var known = await fixture.KeyAsync(user.Id);
        var blob = kind switch
        {
            "unknown key" => TestKeys.Ed25519Blob(),
            "not base64" => "%%%not-base64***",
            "empty" => "",
            _ => known.Blob[..^8],
        };

        var (response, body) = await fixture.SendAsync(HttpMethod.Get, Path(blob));

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("""{"message":"404 Key Not Found"}""", body);
    }

    [Fact]
    public async Task AuthorizedKeys_Returns_400_When_The_Key_Parameter_Is_Missing()
    {
        var (response, body) = await fixture.SendAsync(HttpMethod.Get, "/api/v4/internal/authorized_keys");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("""{"error":"key is missing"}""", body);
    }

    [Fact]
    public async Task AuthorizedKeys_Finds_A_Key_Whose_Last_Character_Is_A_Plus_Sign_That_Arrived_As_A_Space()
    {
        var user = await fixture.UserAsync();
        string blob;
        do
        {
            blob = TestKeys.Ed25519Blob();
        }
        while (!blob.EndsWith('+'));

        var key = await fixture.KeyAsync(user.Id, blob: blob);

        // The raw '+' at the end is decoded as a trailing space, which must not be trimmed away.
        var (response, body) = await fixture.SendAsync(HttpMethod.Get, "/api/v4/internal/authorized_keys?key=" + key.Blob.Replace("/", "%2F", StringComparison.Ordinal));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains($"\"id\":{key.Id},", body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AuthorizedKeys_Finds_A_Key_Whose_Plus_Signs_Arrived_As_Spaces()
    {
        var user = await fixture.UserAsync();
        SshKey key;
        do
        {
            key = await fixture.KeyAsync(user.Id);
        }
        while (!key.Blob.Contains('+', StringComparison.Ordinal));

        // An unescaped '+' in a query string is decoded as a space.
        var (response, _) = await fixture.SendAsync(HttpMethod.Get, "/api/v4/internal/authorized_keys?key=" + key.Blob.Replace("/", "%2F", StringComparison.Ordinal).Replace("=", "%3D", StringComparison.Ordinal));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task AuthorizedKeys_Without_A_Jwt_Is_401()
    {
        using var response = await fixture.App.Client.GetAsync(Path(TestKeys.Ed25519Blob()));

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("""{"message":"401 Unauthorized"}""", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task AuthorizedKeys_Happy_Path_Logs_No_Warning_Or_Error()
    {
        var user = await fixture.UserAsync();
        var key = await fixture.KeyAsync(user.Id);

        var (response, _) = await fixture.SendAsync(HttpMethod.Get, Path(key.Blob));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.DoesNotContain(fixture.App.Logs.Problems(), e => e.Category.Contains("Shell", StringComparison.Ordinal) || e.Category.Contains(nameof(InternalApi.Functions.Hosting.HttpFunctionPipeline), StringComparison.Ordinal));
    }

    [Fact]
    public async Task AuthorizedKeys_Makes_Exactly_One_Storage_Call_Per_Request()
    {
        var user = await fixture.UserAsync();
        var key = await fixture.KeyAsync(user.Id);
        var deploy = await fixture.KeyAsync(null, SshKeyKind.Deploy);

        Assert.Equal((HttpStatusCode.OK, Answer(key, user.Name), 1L), await fixture.SendCountedAsync(Path(key.Blob)));
        Assert.Equal((HttpStatusCode.OK, Answer(deploy, "Ghost User"), 1L), await fixture.SendCountedAsync(Path(deploy.Blob)));
        Assert.Equal((HttpStatusCode.NotFound, """{"message":"404 Key Not Found"}""", 1L), await fixture.SendCountedAsync(Path(TestKeys.Ed25519Blob())));

        // Not base64: no fingerprint, nothing to read.
        Assert.Equal((HttpStatusCode.NotFound, """{"message":"404 Key Not Found"}""", 0L), await fixture.SendCountedAsync(Path("%%%not-base64***")));
    }

    [Fact]
    public async Task AuthorizedKeys_Returns_The_Key_Of_A_Blocked_User_Before_And_After_The_State_Change()
    {
        // GitLab answers the key whatever the owner's state; /allowed refuses blocked users with its own message.
        var user = await fixture.UserAsync();
        var key = await fixture.KeyAsync(user.Id);
        Assert.Equal((HttpStatusCode.OK, Answer(key, user.Name)), await OneReadAsync(key.Blob));

        await fixture.Stores.Users.UpsertUserAsync(user with { State = UserState.Blocked });
        Assert.Equal((HttpStatusCode.OK, Answer(key, user.Name)), await OneReadAsync(key.Blob));

        // Unblocked and renamed in one write: the name follows.
        await fixture.Stores.Users.UpsertUserAsync(user with { State = UserState.Active, Name = "Unblocked " + user.Id });
        Assert.Equal((HttpStatusCode.OK, Answer(key, "Unblocked " + user.Id)), await OneReadAsync(key.Blob));
    }

    [Fact]
    public async Task AuthorizedKeys_Follows_A_Rename_Of_The_Owner()
    {
        var user = await fixture.UserAsync();
        var first = await fixture.KeyAsync(user.Id);
        var second = await fixture.KeyAsync(user.Id);

        var renamed = user with { Name = "Renamed " + user.Id, Username = TestIds.Name("renamed") };
        await fixture.Stores.Users.UpsertUserAsync(renamed);

        Assert.Equal((HttpStatusCode.OK, Answer(first, renamed.Name)), await OneReadAsync(first.Blob));
        Assert.Equal((HttpStatusCode.OK, Answer(second, renamed.Name)), await OneReadAsync(second.Blob));
    }

    [Fact]
    public async Task AuthorizedKeys_Follows_A_Rename_Of_A_Deploy_Keys_Creator()
    {
        var creator = await fixture.UserAsync();
        var key = await fixture.KeyAsync(creator.Id, SshKeyKind.Deploy);

        await fixture.Stores.Users.UpsertUserAsync(creator with { Name = "Creator " + creator.Id });

        Assert.Equal((HttpStatusCode.OK, Answer(key, "Creator " + creator.Id)), await OneReadAsync(key.Blob));
    }

    [Fact]
    public async Task AuthorizedKeys_Finds_A_User_Key_Once_Its_User_Exists()
    {
        var userId = TestIds.Next();
        var key = await fixture.KeyAsync(userId);
        Assert.Equal(HttpStatusCode.NotFound, (await OneReadAsync(key.Blob)).Status);

        var user = new User { Id = userId, Username = TestIds.Name("late"), Name = "Late " + userId };
        await fixture.Stores.Users.UpsertUserAsync(user);

        Assert.Equal((HttpStatusCode.OK, Answer(key, user.Name)), await OneReadAsync(key.Blob));
    }

    [Fact]
    public async Task AuthorizedKeys_Follows_A_Change_Of_The_Key()
    {
        var user = await fixture.UserAsync();
        var key = await fixture.KeyAsync(user.Id);

        var changed = key with { Title = "renamed-" + key.Id, UsageType = "auth", ExpiresAt = new DateTimeOffset(2031, 2, 3, 4, 5, 6, TimeSpan.Zero) };
        await fixture.Stores.Keys.UpsertKeyAsync(changed);
        Assert.Equal((HttpStatusCode.OK, Answer(changed, user.Name, "\"2031-02-03T04:05:06.000Z\"")), await OneReadAsync(key.Blob));

        await fixture.Stores.Keys.UpsertKeyAsync(changed with { UsageType = "signing" });
        Assert.Equal(HttpStatusCode.NotFound, (await OneReadAsync(key.Blob)).Status);
    }

    [Fact]
    public async Task AuthorizedKeys_Follows_A_New_Public_Key_And_Forgets_The_Old_One()
    {
        var user = await fixture.UserAsync();
        var key = await fixture.KeyAsync(user.Id);

        var blob = TestKeys.Ed25519Blob();
        var replaced = key with { Blob = blob, Fingerprint = SshKey.FingerprintOf(blob)! };
        await fixture.Stores.Keys.UpsertKeyAsync(replaced);

        Assert.Equal(HttpStatusCode.NotFound, (await OneReadAsync(key.Blob)).Status);
        Assert.Equal((HttpStatusCode.OK, Answer(replaced, user.Name)), await OneReadAsync(blob));
        Assert.Null(await fixture.Tables.GetTableClient("SshKeyFingerprints").FindSpreadAsync(TableKey.Encode(key.Fingerprint)));
    }

    [Fact]
    public async Task AuthorizedKeys_Follows_A_Key_Moved_To_Another_User()
    {
        var (previous, next) = (await fixture.UserAsync(), await fixture.UserAsync());
        var key = await fixture.KeyAsync(previous.Id);

        await fixture.Stores.Keys.UpsertKeyAsync(key with { UserId = next.Id });
        Assert.Equal((HttpStatusCode.OK, Answer(key, next.Name)), await OneReadAsync(key.Blob));

        // The previous owner no longer lists the key; the new one does.
        await fixture.Stores.Users.UpsertUserAsync(previous with { Name = "Former " + previous.Id });
        await fixture.Stores.Users.UpsertUserAsync(next with { Name = "Current " + next.Id });
        Assert.Equal((HttpStatusCode.OK, Answer(key, "Current " + next.Id)), await OneReadAsync(key.Blob));
    }

    [Fact]
    public async Task AuthorizedKeys_Follows_A_Reimport_Of_Users_Keys_And_Deploy_Keys()
    {
        var (userId, keyId, deployId) = (TestIds.Next(), TestIds.Next(), TestIds.Next());
        var (username, blob, deployBlob) = (TestIds.Name("imported"), TestKeys.Ed25519Blob(), TestKeys.Ed25519Blob());
        string File(string name, string title) => $$"""
        {
          "users": [ { "id": {{userId}}, "username": "{{username}}", "name": "{{name}}" } ],
          "keys": [ { "id": {{keyId}}, "user_id": {{userId}}, "title": "{{title}}", "key": "ssh-ed25519 {{blob}} me@laptop", "created_at": "2019-06-27T15:29:02.219Z" } ],
          "deploy_keys": [ { "id": {{deployId}}, "user_id": {{userId}}, "title": "ci {{title}}", "key": "ssh-ed25519 {{deployBlob}} ci", "created_at": "2019-06-27T15:29:02.219Z" } ]
        }
        """;
        var importer = fixture.App.Services.GetRequiredService<Importer>();

        Assert.Empty((await importer.ImportAsync(File("Before", "laptop"))).Errors);
        Assert.Contains("\"title\":\"laptop\"", (await OneReadAsync(blob)).Body, StringComparison.Ordinal);

        Assert.Empty((await importer.ImportAsync(File("After", "desktop"))).Errors);
        var (status, body) = await OneReadAsync(blob);
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Contains("\"title\":\"desktop\"", body, StringComparison.Ordinal);
        Assert.Contains($"\"key\":\"ssh-ed25519 {blob} After ({ShellFixture.Host})\"", body, StringComparison.Ordinal);
        var deploy = await OneReadAsync(deployBlob);
        Assert.Contains("\"title\":\"ci desktop\"", deploy.Body, StringComparison.Ordinal);
        Assert.Contains($"\"key\":\"ssh-ed25519 {deployBlob} After ({ShellFixture.Host})\"", deploy.Body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AuthorizedKeys_Answers_From_A_Fingerprint_Row_Written_Before_It_Carried_The_Key()
    {
        var user = await fixture.UserAsync();
        var key = await fixture.KeyAsync(user.Id);

        // The old layout: the row names the key and nothing else, so the key and the user are read as well.
        await fixture.Tables.GetTableClient("SshKeyFingerprints").UpsertEntityAsync(Spread.Row(TableKey.Encode(key.Fingerprint), "KeyId", key.Id), TableUpdateMode.Replace);

        Assert.Equal((HttpStatusCode.OK, Answer(key, user.Name), 3L), await fixture.SendCountedAsync(Path(key.Blob)));
    }
}
