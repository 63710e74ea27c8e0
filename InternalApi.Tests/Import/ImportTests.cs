using InternalApi.Core.Data;
using InternalApi.Core.Model;
using InternalApi.Core.Storage;
using InternalApi.Functions.Hosting;
using InternalApi.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace InternalApi.Tests.Import;

public sealed class ImportFixture : IsolatedAppFixture;

[CollectionDefinition("import")]
public sealed class ImportCollection : ICollectionFixture<ImportFixture>;

[Collection("import")]
public sealed class ImportTests(ImportFixture fixture)
{
    private GitLabStore Store => fixture.App.Services.GetRequiredService<GitLabStore>();

    private async Task<(int Code, string Output, string Error)> RunAsync(string json, params string[] extra)
    {
        var path = Path.Combine(Path.GetTempPath(), Guid.NewGuid().ToString("N") + ".json");
        await File.WriteAllTextAsync(path, json);
        try
        {
            using var output = new StringWriter();
            using var error = new StringWriter();
            var code = await ImportCommand.RunAsync([path, .. extra, "--Storage:ConnectionString=" + fixture.Azurite.ConnectionString], output, error);
            return (code, output.ToString(), error.ToString());
        }
        finally
        {
            File.Delete(path);
        }
    }

    private static string Key(string comment)
    {
        // A real ed25519 public key blob: string "ssh-ed25519" + 32-byte key, in SSH wire format.
        var type = "ssh-ed25519"u8.ToArray();
        var key = System.Security.Cryptography.RandomNumberGenerator.GetBytes(32);
        var blob = new byte[4 + type.Length + 4 + key.Length];
        blob[3] = (byte)type.Length;
        type.CopyTo(blob, 4);
        blob[4 + type.Length + 3] = 32;
        key.CopyTo(blob, 8 + type.Length);
        return "ssh-ed25519 " + Convert.ToBase64String(blob) + " " + comment;
    }

    private static string ValidFile(long id, string key, string token) => $$"""
    {
      "users": [ { "id": {{id}}, "username": "u{{id}}", "name": "User {{id}}", "namespace_id": {{id}} } ],
      "groups": [ { "id": {{id + 1}}, "path": "g{{id}}" }, { "id": {{id + 2}}, "path": "g{{id}}/sub" } ],
      "keys": [ { "id": {{id}}, "user_id": {{id}}, "title": "laptop", "key": "{{key}}" } ],
      "projects": [ { "id": {{id}}, "namespace": "g{{id}}/sub", "path": "app", "visibility": "private", "default_branch": "main", "redirects": ["g{{id}}/old-app"] } ],
      "memberships": [ { "user_id": {{id}}, "group": "g{{id}}", "role": "maintainer" } ],
      "protected_branches": [ { "project_id": {{id}}, "name": "main", "push_access_levels": ["no_one"], "merge_access_levels": ["developer"] } ],
      "personal_access_tokens": [ { "id": {{id}}, "user_id": {{id}}, "name": "t", "token": "{{token}}", "scopes": ["api"], "expires_at": "2030-01-01" } ],
      "error_tracking_keys": [ { "project_id": {{id}}, "public_key": "pk-{{id}}" } ]
    }
    """;

    [Fact]
    public async Task Valid_File_Is_Imported_And_Readable_Through_The_Store()
    {
        var id = TestIds.Next() * 10;
        var key = Key("me@laptop");
        var token = "glpat-" + Guid.NewGuid().ToString("N")[..20];
        var (code, output, error) = await RunAsync(ValidFile(id, key, token));
        Assert.True(code == 0, error);
        Assert.Contains("imported     1 users", output, StringComparison.Ordinal);

        Assert.Equal(id, (await Store.FindUserByUsernameAsync("U" + id))?.Id);
        var blob = key.Split(' ')[1];
        Assert.Equal(id, (await Store.FindKeyByFingerprintAsync(SshKey.FingerprintOf(blob)!))?.Id);
        var project = await Store.FindProjectByPathAsync($"g{id}/sub/app");
        Assert.False(project!.Redirected);
        Assert.True((await Store.FindProjectByPathAsync($"g{id}/old-app"))!.Redirected);
        Assert.Equal(AccessLevel.Maintainer, await Store.GetProjectAccessLevelAsync(id, project.Project));
        var rule = Assert.Single(await Store.GetProtectedRefsAsync(id));
        Assert.Equal([AccessLevel.NoAccess], rule.PushAccessLevels);
        Assert.Equal(id, (await Store.FindPersonalAccessTokenAsync(SecretDigest.Sha256Hex(token)))?.UserId);
        Assert.True((await Store.GetErrorTrackingKeyAsync(id, "pk-" + id))?.Active);

        // The clear token is nowhere in table storage.
        var tables = fixture.App.Services.GetRequiredService<TableStorageClient>();
        await foreach (var e in tables.QueryAsync(Store.Tables.PersonalAccessTokens))
        {
            Assert.DoesNotContain(e.Properties.Values.Append(e.PartitionKey), v => v is string s && s.Contains(token, StringComparison.Ordinal));
        }
    }

    [Fact]
    public async Task Importing_The_Same_File_Twice_Changes_Nothing()
    {
        var id = TestIds.Next() * 10;
        var json = ValidFile(id, Key("x"), "glpat-" + Guid.NewGuid().ToString("N")[..20]);
        Assert.Equal(0, (await RunAsync(json)).Code);
        var user = await Store.GetUserAsync(id);
        var project = await Store.GetProjectAsync(id);
        Assert.Equal(0, (await RunAsync(json)).Code);
        Assert.Equal(user, await Store.GetUserAsync(id));
        Assert.Equal(project, await Store.GetProjectAsync(id));
        Assert.Single(await Store.GetProtectedRefsAsync(id));
    }

    [Fact]
    public async Task Invalid_File_Writes_Nothing_And_Reports_Every_Error_With_Its_Path()
    {
        var id = TestIds.Next() * 10;
        var json = $$"""
        {
          "users": [ { "id": {{id}}, "username": "ok{{id}}", "name": "Fine" }, { "id": "seven", "name": "No username" } ],
          "keys": [ { "id": {{id}}, "user_id": {{id + 99}}, "title": "t", "key": "ssh-ed25519 not-base64" } ],
          "projects": [ { "id": {{id}}, "namespace": "nowhere{{id}}", "path": "p" } ],
          "memberships": [ { "user_id": {{id}}, "project_id": {{id}}, "role": "boss" } ],
          "agents": []
        }
        """;
        var (code, _, error) = await RunAsync(json);
        Assert.Equal(1, code);
        Assert.Contains("$.users[1].id: must be a positive integer", error, StringComparison.Ordinal);
        Assert.Contains("$.users[1].username: is missing", error, StringComparison.Ordinal);
        Assert.Contains("$.keys[0].key: is not a valid OpenSSH public key", error, StringComparison.Ordinal);
        Assert.Contains("$.memberships[0].role: must be one of", error, StringComparison.Ordinal);
        Assert.Contains("$.agents: unknown section", error, StringComparison.Ordinal);
        Assert.Null(await Store.GetUserAsync(id));
        Assert.Null(await Store.GetProjectAsync(id));
    }

    [Fact]
    public async Task References_Are_Checked_Against_File_And_Store()
    {
        var id = TestIds.Next() * 10;
        var json = $$"""
        {
          "users": [ { "id": {{id}}, "username": "ref{{id}}", "name": "R" } ],
          "keys": [ { "id": {{id}}, "user_id": {{id + 99}}, "title": "t", "key": "{{Key("k")}}" } ],
          "projects": [ { "id": {{id}}, "namespace": "nowhere{{id}}", "path": "p" } ],
          "memberships": [ { "user_id": {{id}}, "group": "nogroup{{id}}", "role": "guest" } ]
        }
        """;
        var (code, _, error) = await RunAsync(json);
        Assert.Equal(1, code);
        Assert.Contains($"$.keys[0].user_id: unknown user {id + 99}", error, StringComparison.Ordinal);
        Assert.Contains($"$.projects[0].namespace: unknown namespace 'nowhere{id}'", error, StringComparison.Ordinal);
        Assert.Contains($"$.memberships[0].group: unknown group 'nogroup{id}'", error, StringComparison.Ordinal);
        Assert.Null(await Store.GetUserAsync(id));
    }

    [Fact]
    public async Task Malformed_Json_Is_Reported()
    {
        var (code, _, error) = await RunAsync("{ \"users\": [ ");
        Assert.Equal(1, code);
        Assert.Contains("$: not valid JSON", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task If_Empty_Skips_A_Store_That_Has_Users()
    {
        var id = TestIds.Next() * 10;
        Assert.Equal(0, (await RunAsync(ValidFile(id, Key("a"), "glpat-" + Guid.NewGuid().ToString("N")[..20]))).Code);
        var other = TestIds.Next() * 10;
        var (code, output, _) = await RunAsync(ValidFile(other, Key("b"), "glpat-" + Guid.NewGuid().ToString("N")[..20]), "--if-empty");
        Assert.Equal(0, code);
        Assert.Contains("nothing imported", output, StringComparison.Ordinal);
        Assert.Null(await Store.GetUserAsync(other));
    }

    [Fact]
    public async Task Demo_Data_Validates_And_Imports()
    {
        var demo = FindDemo();
        var (code, _, error) = await RunAsync(await File.ReadAllTextAsync(demo));
        Assert.True(code == 0, error);
        var root = await Store.GetUserAsync(1);
        Assert.Equal(("root", true), (root!.Username, root.Admin));
        Assert.Equal(3, (await Store.FindProjectByPathAsync("gnuwget/wget2"))?.Project.Id);
        Assert.Equal(7, (await Store.GetKeyAsync(7))?.UserId);
        Assert.Equal("admin@example.com", (await Store.GetKeyAsync(11))?.Title);
        Assert.True((await Store.GetUserAsync(7))!.TwoFactorEnabled);
    }

    internal static string FindDemo()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "data", "demo.json");
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        throw new FileNotFoundException("data/demo.json not found above the test output.");
    }
}
