using InternalApi.Tests.Infrastructure;

namespace InternalApi.Tests.Import;

[Collection("import")]
public sealed class ImportValidationTests(ImportFixture fixture)
{
    private static string[] ProblemLines(string error) =>
        [.. error.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Skip(1).Order(StringComparer.Ordinal)];

    [Fact]
    public async Task Invalid_File_Writes_Nothing_And_Reports_Every_Error_With_Its_Path()
    {
        var prefix = ImportFixture.NewPrefix();
        var u = TestIds.Next() * 10;
        var key = ImportFixture.Key("k");
        var json = $$"""
        {
          "users": [
            { "id": {{u}}, "username": "ok{{u}}", "name": "Fine" },
            { "id": "seven", "name": "No username" },
            { "id": {{u + 1}}, "username": "st{{u}}", "name": "S", "state": "asleep", "usernme": "typo" },
            { "id": {{u + 2}}, "username": "OK{{u}}", "name": "Same name, other case" },
            { "id": {{u + 3}}, "username": "-bad", "name": "Bad" }
          ],
          "groups": [ { "id": {{u}}, "path": "nowhere{{u}}/child" } ],
          "keys": [
            { "id": {{u}}, "user_id": {{u}}, "title": "t", "key": "ssh-ed25519 not-base64" },
            { "id": {{u + 1}}, "user_id": {{u + 99}}, "title": "t", "key": "{{key}}" }
          ],
          "deploy_keys": [ { "id": {{u + 1}}, "title": "d", "key": "{{key}}", "projects": [ { "project_id": {{u + 98}} } ] } ],
          "projects": [
            { "id": {{u}}, "namespace": "acme{{u}}", "path": "p" },
            { "id": {{u + 1}}, "namespace": "ok{{u}}", "path": "q", "storage_name": "nfs9", "redirects": ["acme{{u}}/p"] }
          ],
          "memberships": [
            { "user_id": {{u}}, "project_id": {{u + 1}}, "role": "boss" },
            { "user_id": {{u}}, "group": "ok{{u}}", "role": "guest" },
            { "user_id": {{u}}, "project_id": {{u + 1}}, "role": "guest" }
          ],
          "protected_branches": [
            { "project_id": {{u + 1}}, "name": "main", "push_access_levels": ["everyone"] },
            { "project_id": {{u + 1}}, "name": "release/*", "deploy_key_ids": [{{u + 1}}] }
          ],
          "protected_tags": [ { "project_id": {{u + 97}}, "name": "v*" } ],
          "personal_access_tokens": [ { "id": {{u}}, "user_id": {{u}}, "name": "t", "expires_at": "next year" } ],
          "broadcast_messages": [ { "id": {{u}}, "message": "m", "starts_at": "2020-01-02", "ends_at": "2020-01-01" } ],
          "clusters": []
        }
        """;
        var before = await fixture.SnapshotAsync(prefix);

        var (code, output, error) = await fixture.ImportAsync(json, prefix);

        Assert.Equal((1, ""), (code, output));
        string[] expected =
        [
            "$.clusters: unknown section 'clusters' (known: users, groups, keys, deploy_keys, projects, memberships, protected_branches, protected_tags, personal_access_tokens, error_tracking_keys, agents, starboard_vulnerabilities, security_policies, broadcast_messages, saml_providers, scim_tokens, scim_identities, group_ssh_certificates, otp_secrets, upcoming_reconciliations, pages_sites, pages_domains, lfs_objects)",
            "$.users[1].id: must be a positive integer",
            "$.users[1].username: is missing",
            "$.users[2].state: must be one of active, blocked, deactivated, blocked_pending_approval, ldap_blocked",
            "$.users[2].usernme: unknown field",
            "$.users[3].username: duplicate of $.users[0]",
            "$.users[4].username: can contain only letters, digits, '_', '-' and '.'; cannot start with '-' or end in '.', '.git' or '.atom'",
            $"$.groups[0].path: parent group 'nowhere{u}' is unknown",
            "$.keys[0].key: is not a valid OpenSSH public key",
            $"$.keys[1].user_id: unknown user {u + 99}",
            "$.deploy_keys[0].id: duplicate of $.keys[1]",
            "$.deploy_keys[0].key: the same public key as $.keys[1]",
            $"$.deploy_keys[0].projects[0].project_id: unknown project {u + 98}",
            $"$.projects[0].namespace: unknown namespace 'acme{u}'",
            "$.projects[1].storage_name: unknown Gitaly storage 'nfs9' (configured: default)",
            $"$.projects[1].redirects[0]: 'acme{u}/p' is also a path or redirect of $.projects[0]",
            "$.memberships[0].role: must be one of guest, planner, reporter, developer, maintainer, owner",
            $"$.memberships[1].group: 'ok{u}' is a user's namespace, not a group",
            "$.memberships[2]: duplicate of $.memberships[0]",
            "$.protected_branches[0].push_access_levels: 'everyone' must be one of no_one, developer, maintainer, admin",
            $"$.protected_branches[1].deploy_key_ids: deploy key {u + 1} is not enabled on project {u + 1} with can_push",
            $"$.protected_tags[0].project_id: unknown project {u + 97}",
            "$.personal_access_tokens[0].token: is missing",
            "$.personal_access_tokens[0].scopes: is missing",
            "$.personal_access_tokens[0].expires_at: is not a YYYY-MM-DD date",
            "$.broadcast_messages[0].ends_at: must be after starts_at",
        ];
        Assert.Equal(expected.Order(StringComparer.Ordinal), ProblemLines(error));
        Assert.Contains($"has {expected.Length} problem(s); nothing was written:", error, StringComparison.Ordinal);
        Assert.Equal(before, await fixture.SnapshotAsync(prefix));
    }

    [Fact]
    public async Task Conflicts_With_The_Store_Are_Reported_And_Nothing_Is_Written()
    {
        var prefix = ImportFixture.NewPrefix();
        var (k1, k2) = (ImportFixture.Key("one"), ImportFixture.Key("two"));
        var seed = $$"""
        {
          "users": [ { "id": 10, "username": "alice", "name": "A", "namespace_id": 10 } ],
          "groups": [ { "id": 20, "path": "team" }, { "id": 22, "path": "team/sub" } ],
          "keys": [ { "id": 30, "user_id": 10, "title": "k", "key": "{{k1}}" } ],
          "projects": [ { "id": 40, "namespace": "team", "path": "app" } ],
          "personal_access_tokens": [ { "id": 50, "user_id": 10, "name": "t", "token": "glpat-conflict-token-1", "scopes": ["api"] } ]
        }
        """;
        var seeded = await fixture.ImportAsync(seed, prefix);
        Assert.True(seeded.Code == 0, seeded.Error);
        var before = await fixture.SnapshotAsync(prefix);

        var json = $$"""
        {
          "users": [
            { "id": 11, "username": "ALICE", "name": "Other" },
            { "id": 10, "username": "alicia", "name": "Renamed" },
            { "id": 12, "username": "team", "name": "Clash" },
            { "id": 13, "username": "bob", "name": "B", "namespace_id": 22 }
          ],
          "groups": [ { "id": 20, "path": "squad" }, { "id": 21, "path": "alice" } ],
          "keys": [ { "id": 31, "user_id": 13, "title": "k", "key": "{{k1}}" } ],
          "deploy_keys": [ { "id": 30, "title": "d", "key": "{{k2}}" } ],
          "projects": [ { "id": 41, "namespace": "team", "path": "app" }, { "id": 42, "namespace": "team", "path": "sub" } ],
          "personal_access_tokens": [ { "id": 51, "user_id": 13, "name": "t", "token": "glpat-conflict-token-1", "scopes": ["api"] } ]
        }
        """;
        var (code, _, error) = await fixture.ImportAsync(json, prefix);

        Assert.Equal(1, code);
        string[] expected =
        [
            "$.users[0].username: 'ALICE' is already user 10 in the store",
            "$.users[1].username: user 10 is 'alice' in the store; import does not rename users",
            "$.users[2].username: 'team' is already the path of namespace 20 in the store",
            "$.users[3].namespace_id: 22 is already namespace 'team/sub' in the store",
            "$.groups[0].id: namespace 20 is 'team' in the store; import does not move or rename namespaces",
            "$.groups[1].path: 'alice' is the username of $.users[0]",
            "$.groups[1].path: 'alice' is already namespace 10 in the store",
            "$.keys[0].key: this public key is already key 30 in the store",
            "$.deploy_keys[0].id: key 30 is a user key in the store",
            "$.projects[0].path: 'team/app' already resolves to project 40 in the store",
            "$.projects[1].path: 'team/sub' is the path of namespace 22 in the store",
            "$.personal_access_tokens[0].token: this token is already token 50 in the store",
        ];
        Assert.Equal(expected.Order(StringComparer.Ordinal), ProblemLines(error));
        Assert.Equal(before, await fixture.SnapshotAsync(prefix));
    }

    [Fact]
    public async Task Memberships_And_Group_Parents_May_Refer_To_The_Store()
    {
        var prefix = ImportFixture.NewPrefix();
        var first = await fixture.ImportAsync("""{ "users": [ { "id": 1, "username": "ann", "name": "Ann" } ], "groups": [ { "id": 100, "path": "top" } ] }""", prefix);
        Assert.True(first.Code == 0, first.Error);

        var second = await fixture.ImportAsync("""
        {
          "groups": [ { "id": 101, "path": "top/child" } ],
          "projects": [ { "id": 7, "namespace": "top/child", "path": "p" } ],
          "memberships": [ { "user_id": 1, "group": "top", "role": "developer" }, { "user_id": 1, "project_id": 7, "role": "owner" } ]
        }
        """, prefix);
        Assert.True(second.Code == 0, second.Error);
        var stores = fixture.Stores(prefix);
        Assert.Equal(100, (await stores.Namespaces.GetNamespaceAsync(101))!.ParentId);
        Assert.Equal(Core.Model.AccessLevel.Owner, await stores.EffectiveAccess.GetProjectAccessLevelAsync(1, (await stores.Projects.GetProjectAsync(7))!));
    }

    [Theory]
    [InlineData("{ \"users\": [ ", "$: not valid JSON")]
    [InlineData("[]", "$: must be an object with one array per section")]
    [InlineData("{ \"users\": {} }", "$.users: must be an array")]
    [InlineData("{ \"users\": [ 1 ] }", "$.users[0]: must be an object")]
    public async Task Malformed_Files_Are_Reported(string json, string problem)
    {
        var (code, _, error) = await fixture.ImportAsync(json, ImportFixture.NewPrefix());
        Assert.Equal(1, code);
        Assert.StartsWith(problem, Assert.Single(ProblemLines(error)), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Usage_Errors_Exit_With_2()
    {
        Assert.Equal(2, (await ImportFixture.RunAsync([])).Code);
        Assert.Equal(2, (await ImportFixture.RunAsync(["a.json", "b.json"])).Code);
        // "--Key value" (two arguments) is refused rather than taking the value for the file.
        Assert.Equal(2, (await ImportFixture.RunAsync(["a.json", "--AzureWebJobsStorage", "x"])).Code);
        var (code, _, error) = await ImportFixture.RunAsync(["/nonexistent/demo.json", .. fixture.Configuration()]);
        Assert.Equal(2, code);
        Assert.StartsWith("import: cannot read /nonexistent/demo.json", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Unreachable_Storage_Is_Reported_Without_A_Stack_Trace()
    {
        // A port nobody listens on (the Azure pipeline retries a few times first).
        using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        var port = ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        var connection = fixture.Azurite.ConnectionString
            .Replace($":{fixture.Azurite.TablePort}/", $":{port}/", StringComparison.Ordinal)
            .Replace($":{fixture.Azurite.QueuePort}/", $":{port}/", StringComparison.Ordinal);
        var path = Path.Combine(Path.GetTempPath(), Guid.NewGuid().ToString("N") + ".json");
        await File.WriteAllTextAsync(path, "{}");
        try
        {
            var (code, _, error) = await ImportFixture.RunAsync([path, "--AzureWebJobsStorage=" + connection]);
            Assert.Equal(2, code);
            Assert.Equal($"import: storage failed (Connection refused (127.0.0.1:{port})); importing the file again is safe", error.Trim());
        }
        finally
        {
            File.Delete(path);
        }
    }
}
