using InternalApi.Core.Access;
using InternalApi.Core.Import;
using InternalApi.Core.Model;
using InternalApi.Core.Shell;
using InternalApi.Tests.Infrastructure;

namespace InternalApi.Tests.Import;

[Collection("import")]
public sealed class ImportTests(ImportFixture fixture)
{
    /// <summary>One record or more of every section; ids u..u+2, paths unique to <paramref name="u"/>.</summary>
    private static string ValidFile(long u, string userKey, string deployKey, string token, string recoveryCode) => $$"""
    {
      "users": [
        { "id": {{u}}, "username": "u{{u}}", "name": "User {{u}}", "email": "u{{u}}@example.com", "namespace_id": {{u}},
          "two_factor_enabled": true, "recovery_codes": ["{{recoveryCode}}"], "created_at": "2020-01-02T03:04:05Z" },
        { "id": {{u + 1}}, "username": "v{{u}}", "name": "Second {{u}}", "state": "blocked" }
      ],
      "groups": [ { "id": {{u + 2}}, "path": "g{{u}}/sub", "name": "Sub" }, { "id": {{u + 1}}, "path": "g{{u}}", "git_access_protocol": "ssh" } ],
      "keys": [ { "id": {{u}}, "user_id": {{u}}, "title": "laptop", "key": "{{userKey}}", "usage_type": "auth", "expires_at": "2030-01-01" } ],
      "deploy_keys": [ { "id": {{u + 1}}, "title": "ci", "key": "{{deployKey}}", "projects": [ { "project_id": {{u}}, "can_push": true }, { "project_id": {{u + 1}} } ] } ],
      "projects": [
        { "id": {{u}}, "namespace": "g{{u}}/sub", "path": "app", "name": "App", "visibility": "internal", "default_branch": "main", "redirects": ["g{{u}}/old-app"] },
        { "id": {{u + 1}}, "namespace": "u{{u}}", "path": "empty", "default_branch": null, "archived": true, "error_tracking_enabled": true }
      ],
      "memberships": [ { "user_id": {{u}}, "group": "g{{u}}", "role": "maintainer" }, { "user_id": {{u + 1}}, "project_id": {{u}}, "role": "reporter" } ],
      "protected_branches": [ { "project_id": {{u}}, "name": "main", "push_access_levels": ["no_one"], "merge_access_levels": ["developer"], "allow_force_push": true, "deploy_key_ids": [{{u + 1}}] } ],
      "protected_tags": [ { "project_id": {{u}}, "name": "v*", "create_access_levels": ["maintainer"] } ],
      "personal_access_tokens": [ { "id": {{u}}, "user_id": {{u}}, "name": "ci", "token": "{{token}}", "scopes": ["api", "read_user"], "expires_at": "2030-01-01" } ],
      "error_tracking_keys": [ { "project_id": {{u + 1}}, "public_key": "pk-{{u}}" } ],
      "broadcast_messages": [ { "id": {{u}}, "message": "Hello {{u}}", "starts_at": "2020-01-01T00:00:00Z", "target_path": "g{{u}}/*" } ]
    }
    """;

    private static string NewToken() => "glpat-" + Guid.NewGuid().ToString("N")[..20];

    [Fact]
    public async Task Valid_File_Is_Imported_And_Readable_Through_The_Store()
    {
        var u = TestIds.Next() * 10;
        var (userKey, deployKey, token, code) = (ImportFixture.Key("me@laptop"), ImportFixture.Key("ci"), NewToken(), "rc" + Guid.NewGuid().ToString("N")[..14]);
        var (exit, output, error) = await fixture.ImportAsync(ValidFile(u, userKey, deployKey, token, code));
        Assert.True(exit == 0, error);
        Assert.Equal(
            [
                "imported     2 users", "imported     2 groups", "imported     1 keys", "imported     1 deploy keys", "imported     2 projects",
                "imported     2 memberships", "imported     1 protected branches", "imported     1 protected tags",
                "imported     1 personal access tokens", "imported     1 error tracking keys", "imported     0 agents", "imported     0 starboard vulnerabilities", "imported     0 security policies", "imported     1 broadcast messages",
                "imported     0 saml providers", "imported     0 scim tokens", "imported     0 scim identities", "imported     0 group ssh certificates", "imported     0 otp secrets",
                "imported     0 upcoming reconciliations",
                "imported     0 pages sites",
                "imported     0 pages domains",
                "imported     0 lfs objects",
            ],
            output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
        var stores = fixture.Stores();

        var user = (await stores.Users.FindUserByUsernameAsync("U" + u))!;
        Assert.Equal((u, "User " + u, u, true), (user.Id, user.Name, user.NamespaceId, user.TwoFactorEnabled));
        Assert.Equal([SecretDigest.Sha256Hex(code)], user.RecoveryCodeDigests);
        Assert.Equal(new DateTimeOffset(2020, 1, 2, 3, 4, 5, TimeSpan.Zero), user.CreatedAt);
        var second = (await stores.Users.GetUserAsync(u + 1))!;
        Assert.Equal(UserState.Blocked, second.State);
        Assert.True(second.NamespaceId > u + 2, "an allocated namespace id lies above every id the file gives");
        Assert.Equal((NamespaceKind.User, u + 1), ((await stores.Namespaces.FindNamespaceByPathAsync("v" + u))!.Kind, (await stores.Namespaces.GetNamespaceAsync(second.NamespaceId!.Value))!.OwnerId));

        var sub = (await stores.Namespaces.FindNamespaceByPathAsync($"g{u}/sub"))!;
        Assert.Equal((u + 2, u + 1, u + 1), (sub.Id, sub.ParentId, sub.RootId));
        Assert.Equal("ssh", (await stores.Namespaces.GetNamespaceAsync(u + 1))!.GitAccessProtocol);

        var key = (await stores.Keys.FindKeyByFingerprintAsync(SshKey.FingerprintOf(userKey.Split(' ')[1])!))!;
        Assert.Equal((u, SshKeyKind.User, (long?)u, "laptop", "ssh-ed25519", "auth"), (key.Id, key.Kind, key.UserId, key.Title, key.KeyType, key.UsageType));
        var deploy = (await stores.Keys.FindKeyByFingerprintAsync(SshKey.FingerprintOf(deployKey.Split(' ')[1])!))!;
        Assert.Equal((u + 1, SshKeyKind.Deploy, (long?)null), (deploy.Id, deploy.Kind, deploy.UserId));
        Assert.True((await stores.Keys.GetDeployKeyProjectAsync(u + 1, u))!.CanPush);
        Assert.False((await stores.Keys.GetDeployKeyProjectAsync(u + 1, u + 1))!.CanPush);

        var app = (await stores.Projects.FindProjectByPathAsync($"g{u}/sub/app"))!;
        Assert.Equal((u, false, u + 2, Visibility.Internal, "main"), (app.Project.Id, app.Redirected, app.Project.NamespaceId, app.Project.Visibility, app.Project.DefaultBranch));
        var old = (await stores.Projects.FindProjectByPathAsync($"g{u}/old-app"))!;
        Assert.Equal((u, true), (old.Project.Id, old.Redirected));
        var empty = (await stores.Projects.GetProjectAsync(u + 1))!;
        Assert.Equal(($"u{u}/empty", true, true, true), (empty.FullPath, empty.IsEmpty, empty.Archived, empty.ErrorTrackingEnabled));

        Assert.Equal(AccessLevel.Maintainer, await stores.EffectiveAccess.GetProjectAccessLevelAsync(u, app.Project));
        Assert.Equal(AccessLevel.Reporter, await stores.EffectiveAccess.GetProjectAccessLevelAsync(u + 1, app.Project));
        Assert.Equal(AccessLevel.Owner, await stores.EffectiveAccess.GetProjectAccessLevelAsync(u, empty));
        Assert.Equal(AccessLevel.NoAccess, await stores.EffectiveAccess.GetProjectAccessLevelAsync(u + 1, empty));

        var rules = await stores.ProtectedRefs.GetProtectedRefsAsync(u);
        var branch = Assert.Single(rules, r => r.Kind == RefKind.Branch);
        Assert.Equal(("main", true), (branch.Pattern, branch.AllowForcePush));
        Assert.Equal([AccessLevel.NoAccess], branch.PushAccessLevels);
        Assert.Equal([AccessLevel.Developer], branch.MergeAccessLevels);
        Assert.Equal([u + 1], branch.DeployKeyIds);
        var tag = Assert.Single(rules, r => r.Kind == RefKind.Tag);
        Assert.Equal("v*", tag.Pattern);
        Assert.Equal([AccessLevel.Maintainer], tag.PushAccessLevels);

        var pat = (await stores.AccessTokens.FindPersonalAccessTokenAsync(SecretDigest.Sha256Hex(token)))!;
        Assert.Equal((u, u, "ci", new DateOnly(2030, 1, 1), false), (pat.Id, pat.UserId, pat.Name, pat.ExpiresAt, pat.Revoked));
        Assert.Equal(["api", "read_user"], pat.Scopes);
        Assert.True((await stores.ErrorTrackingKeys.GetErrorTrackingKeyAsync(u + 1, "pk-" + u))!.Active);
        var message = Assert.Single(await stores.Broadcasts.GetBroadcastMessagesAsync(), m => m.Id == u);
        Assert.Equal(("Hello " + u, $"g{u}/*", (DateTimeOffset?)null), (message.Message, message.TargetPath, message.EndsAt));
    }

    [Fact]
    public async Task Clear_Tokens_And_Recovery_Codes_Appear_Nowhere_In_Table_Storage()
    {
        var prefix = ImportFixture.NewPrefix();
        var u = TestIds.Next() * 10;
        var (token, code) = (NewToken(), "rc" + Guid.NewGuid().ToString("N")[..14]);
        var (exit, _, error) = await fixture.ImportAsync(ValidFile(u, ImportFixture.Key("a"), ImportFixture.Key("b"), token, code), prefix);
        Assert.True(exit == 0, error);

        var everything = await fixture.SnapshotAsync(prefix);
        Assert.NotEmpty(everything);
        Assert.Contains(everything, line => line.Contains(SecretDigest.Sha256Hex(token), StringComparison.Ordinal));
        Assert.DoesNotContain(everything, line => line.Contains(token, StringComparison.Ordinal) || line.Contains(code, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Importing_The_Same_File_Twice_Changes_Nothing()
    {
        var prefix = ImportFixture.NewPrefix();
        var json = ValidFile(TestIds.Next() * 10, ImportFixture.Key("x"), ImportFixture.Key("y"), NewToken(), "rc-1");
        var first = await fixture.ImportAsync(json, prefix);
        Assert.True(first.Code == 0, first.Error);
        var before = await fixture.SnapshotAsync(prefix);

        var second = await fixture.ImportAsync(json, prefix);
        Assert.True(second.Code == 0, second.Error);
        Assert.Equal("", second.Error);
        Assert.Equal(first.Output, second.Output);
        Assert.Equal(before, await fixture.SnapshotAsync(prefix));
    }

    [Fact]
    public async Task Reimport_Keeps_What_The_App_Wrote_Since()
    {
        var u = TestIds.Next() * 10;
        var json = ValidFile(u, ImportFixture.Key("x"), ImportFixture.Key("y"), NewToken(), "rc-1");
        Assert.Equal(0, (await fixture.ImportAsync(json)).Code);
        var stores = fixture.Stores();
        await stores.Users.TouchUserActivityAsync((await stores.Users.GetUserAsync(u))!);
        await stores.Keys.TouchKeyUsedAsync((await stores.Keys.GetKeyAsync(u))!);
        // User u+1 has no recovery_codes in the file, so codes regenerated over SSH must survive.
        await stores.Users.ReplaceRecoveryCodesAsync(u + 1, ["regenerated"]);
        await stores.Projects.UpdateProjectActivityAsync(u + 1, DateTimeOffset.UtcNow, repositoryUpdated: true, defaultBranch: "main");

        Assert.Equal(0, (await fixture.ImportAsync(json)).Code);
        Assert.NotNull((await stores.Users.GetUserAsync(u))!.LastActivityAt);
        Assert.NotNull((await stores.Keys.GetKeyAsync(u))!.LastUsedAt);
        Assert.Equal(["regenerated"], (await stores.Users.GetUserAsync(u + 1))!.RecoveryCodeDigests);
        var pushed = (await stores.Projects.GetProjectAsync(u + 1))!;
        Assert.Equal("main", pushed.DefaultBranch);
        Assert.NotNull(pushed.LastRepositoryUpdatedAt);
    }

    [Fact]
    public async Task Id_Sequences_Stay_Above_Imported_Ids()
    {
        var prefix = ImportFixture.NewPrefix();
        var json = """
        {
          "users": [ { "id": 5, "username": "five", "name": "Five", "namespace_id": 300 }, { "id": 6, "username": "six", "name": "Six" } ],
          "groups": [ { "id": 200, "path": "grp" } ],
          "projects": [ { "id": 100050, "namespace": "grp", "path": "big" } ],
          "personal_access_tokens": [ { "id": 500, "user_id": 5, "name": "t", "token": "glpat-sequence-test-token", "scopes": ["api"] } ]
        }
        """;
        Assert.Equal(0, (await fixture.ImportAsync(json, prefix)).Code);
        var stores = fixture.Stores(prefix);
        Assert.Equal(UsersSection.AllocatedIdFloor + 1, (await stores.Users.GetUserAsync(6))!.NamespaceId);
        Assert.Equal(UsersSection.AllocatedIdFloor + 2, await stores.Sequences.NextIdAsync(UsersSection.NamespaceSequence, UsersSection.AllocatedIdFloor));
        Assert.Equal(100051, await stores.Sequences.NextIdAsync("projects", ProjectCreation.ProjectIdFloor));
        Assert.Equal(501, await stores.Sequences.NextIdAsync(PersonalAccessTokenService.IdSequence));

        // A later file with bigger namespace ids pushes allocation above them.
        Assert.Equal(0, (await fixture.ImportAsync("""
            { "users": [ { "id": 7, "username": "seven", "name": "Seven" } ], "groups": [ { "id": 2000000, "path": "far" } ] }
            """, prefix)).Code);
        Assert.Equal(2000001, (await stores.Users.GetUserAsync(7))!.NamespaceId);
    }

    [Fact]
    public async Task If_Empty_Imports_Into_An_Empty_Store_And_Skips_A_Store_That_Has_Users()
    {
        var prefix = ImportFixture.NewPrefix();
        var u = TestIds.Next() * 10;
        var first = await fixture.ImportAsync(ValidFile(u, ImportFixture.Key("a"), ImportFixture.Key("b"), NewToken(), "rc"), prefix, "--if-empty");
        Assert.True(first.Code == 0, first.Error);
        Assert.Contains("imported     2 users", first.Output, StringComparison.Ordinal);
        var before = await fixture.SnapshotAsync(prefix);

        var other = TestIds.Next() * 10;
        var (code, output, error) = await fixture.ImportAsync(ValidFile(other, ImportFixture.Key("c"), ImportFixture.Key("d"), NewToken(), "rc"), prefix, "--if-empty");
        Assert.Equal((0, ""), (code, error));
        Assert.Equal("import: the store already has users; nothing imported (--if-empty)", output.Trim());
        Assert.Equal(before, await fixture.SnapshotAsync(prefix));
    }

    [Fact]
    public async Task Demo_Data_Validates_Imports_And_Serves_The_Doc_Examples()
    {
        var prefix = ImportFixture.NewPrefix();
        var (code, output, error) = await fixture.ImportFileAsync(FindDemo(), prefix);
        Assert.True(code == 0, error);
        Assert.Contains("imported     8 users", output, StringComparison.Ordinal);
        var stores = fixture.Stores(prefix);

        // /allowed, /lfs_authenticate, /authorized_keys: key 11 is root's, gnuwget/wget2 is project-3.
        var key11 = (await stores.Keys.GetKeyAsync(11))!;
        Assert.Equal((SshKeyKind.User, (long?)1, "admin@example.com"), (key11.Kind, key11.UserId, key11.Title));
        Assert.Equal(DateTimeOffset.Parse("2019-06-27T15:29:02.219Z", System.Globalization.CultureInfo.InvariantCulture), key11.CreatedAt);
        var root = (await stores.Users.GetUserAsync(1))!;
        Assert.Equal(("root", "Administrator", true, UserState.Active), (root.Username, root.Name, root.Admin, root.State));
        var wget2 = (await stores.Projects.FindProjectByPathAsync("gnuwget/wget2"))!.Project;
        Assert.Equal((3, "@hashed/4e/07/4e07408562bedb8b60ce05c1decfe3ad16b72230967de01f640b7e4729b49fce.git", "default"), (wget2.Id, wget2.DiskPath, wget2.StorageName));

        // /discover and /two_factor_recovery_codes: key 7 is rubi's, with 2FA.
        Assert.Equal(7, (await stores.Keys.GetKeyAsync(7))!.UserId);
        var rubi = (await stores.Users.GetUserAsync(7))!;
        Assert.Equal(("rubi", "Dede Eichmann", true), (rubi.Username, rubi.Name, rubi.TwoFactorEnabled));

        // /personal_access_token for user 29.
        var user29 = (await stores.Users.GetUserAsync(29))!;
        Assert.Equal((UserState.Active, true), (user29.State, user29.CanCreatePersonalAccessToken));

        // /error_tracking/allowed for project 111.
        Assert.True((await stores.Projects.GetProjectAsync(111))!.ErrorTrackingEnabled);
        Assert.True((await stores.ErrorTrackingKeys.GetErrorTrackingKeyAsync(111, "generated-error-tracking-key"))!.Active);

        // /pre_receive and /post_receive: project-7, user-1 may push, the broadcast message.
        var wget = (await stores.Projects.GetProjectAsync(7))!;
        Assert.True(await stores.EffectiveAccess.GetProjectAccessLevelAsync(1, wget) >= AccessLevel.Developer);
        var broadcast = Assert.Single(await stores.Broadcasts.GetBroadcastMessagesAsync());
        Assert.Equal(("Hello from post-receive", (DateTimeOffset?)null, true), (broadcast.Message, broadcast.EndsAt, broadcast.IsCurrent(DateTimeOffset.UtcNow)));

        // Around it: the renamed project's old path, a blocked user.
        Assert.Equal((20, true), ((await stores.Projects.FindProjectByPathAsync("acme/platform/backend"))!.Project.Id, (await stores.Projects.FindProjectByPathAsync("acme/platform/backend"))!.Redirected));
        Assert.Equal(UserState.Blocked, (await stores.Users.GetUserAsync(16))!.State);

        var before = await fixture.SnapshotAsync(prefix);
        var again = await fixture.ImportFileAsync(FindDemo(), prefix);
        Assert.True(again.Code == 0, again.Error);
        Assert.Equal(before, await fixture.SnapshotAsync(prefix));
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
