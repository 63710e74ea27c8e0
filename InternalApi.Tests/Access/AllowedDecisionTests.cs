using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using InternalApi.Core.Access;
using InternalApi.Core.Data;
using InternalApi.Core.Model;
using InternalApi.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using M = InternalApi.Core.Access.GitAccessMessages;

namespace InternalApi.Tests.Access;

public sealed class AccessFixture : IsolatedAppFixture;

[CollectionDefinition("access")]
public sealed class AccessCollection : ICollectionFixture<AccessFixture>;

[Collection("access")]
public sealed class AllowedDecisionTests(AccessFixture fixture)
{
    private const string Pull = "git-upload-pack";
    private const string Push = "git-receive-pack";
    private const string Archive = "git-upload-archive";
    private static readonly string Zero = new('0', 40);
    private static readonly string A = new('a', 40);
    private static readonly string B = new('b', 40);

    private GitLabStore Store => fixture.App.Services.GetRequiredService<GitLabStore>();

    private async Task<(HttpStatusCode Status, JsonElement Body)> AllowedAsync(object body)
    {
        using var request = fixture.App.ShellRequest(HttpMethod.Post, "/api/v4/internal/allowed", JsonContent.Create(body));
        using var response = await fixture.App.Client.SendAsync(request);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        return (response.StatusCode, JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.Clone());
    }

    private static Dictionary<string, object?> Shell(AccessWorld world, string actor, string action, string? path = null)
    {
        var body = new Dictionary<string, object?> { ["action"] = action, ["project"] = (path ?? world.Project.FullPath) + ".git", ["changes"] = "_any", ["protocol"] = "ssh" };
        if (actor != "anonymous")
        {
            body["key_id"] = world.Keys[actor].Id.ToString(System.Globalization.CultureInfo.InvariantCulture);
        }

        return body;
    }

    public static TheoryData<string, string, string, int, string?> Matrix()
    {
        var data = new TheoryData<string, string, string, int, string?>();
        void Add(string visibility, string actor, int pull, string? pullMessage, int push, string? pushMessage)
        {
            data.Add(visibility, actor, Pull, pull, pullMessage);
            data.Add(visibility, actor, Archive, pull, pullMessage);
            data.Add(visibility, actor, Push, push, pushMessage);
        }

        foreach (var v in new[] { "private", "internal", "public", "public-members-repo" })
        {
            var isPublic = v.StartsWith("public", StringComparison.Ordinal);
            var membersOnly = v is "private" or "public-members-repo";
            Add(v, "anonymous", isPublic ? membersOnly ? 401 : 200 : 404, isPublic ? membersOnly ? M.DownloadNotAllowed : null : M.ProjectNotFound, isPublic ? 401 : 404, isPublic ? M.UploadNotAllowed : M.ProjectNotFound);
            Add(v, "nonmember", v == "private" ? 404 : membersOnly ? 401 : 200, v == "private" ? M.ProjectNotFound : membersOnly ? M.DownloadNotAllowed : null, v == "private" ? 404 : 401, v == "private" ? M.ProjectNotFound : M.PushNotAllowed);
            Add(v, "external", isPublic ? membersOnly ? 401 : 200 : 404, isPublic ? membersOnly ? M.DownloadNotAllowed : null : M.ProjectNotFound, isPublic ? 401 : 404, isPublic ? M.PushNotAllowed : M.ProjectNotFound);
            Add(v, "guest", membersOnly ? 401 : 200, membersOnly ? M.DownloadNotAllowed : null, 401, M.PushNotAllowed);
            Add(v, "reporter", 200, null, 401, M.PushNotAllowed);
            Add(v, "developer", 200, null, 200, null);
            Add(v, "maintainer", 200, null, 200, null);
            Add(v, "admin", 200, null, 200, null);
            Add(v, "deploy-rw", 200, null, 200, null);
            Add(v, "deploy-ro", 200, null, 401, M.DeployKeyNoWrite);
            Add(v, "deploy-other", isPublic ? membersOnly ? 401 : 200 : 404, isPublic ? membersOnly ? M.DownloadNotAllowed : null : M.ProjectNotFound, isPublic ? 401 : 404, isPublic ? M.DeployKeyNoWrite : M.ProjectNotFound);
        }

        return data;
    }

    private Task<AccessWorld> WorldAsync(string visibility) => visibility switch
    {
        "private" => AccessWorld.CreateAsync(Store, Visibility.Private),
        "internal" => AccessWorld.CreateAsync(Store, Visibility.Internal),
        "public" => AccessWorld.CreateAsync(Store, Visibility.Public),
        _ => AccessWorld.CreateAsync(Store, Visibility.Public, FeatureAccess.Private),
    };

    [Theory]
    [MemberData(nameof(Matrix))]
    public async Task Allowed_Matrix_Of_Visibility_Actor_And_Action(string visibility, string actor, string action, int status, string? message)
    {
        var world = await WorldAsync(visibility);
        var (code, body) = await AllowedAsync(Shell(world, actor, action));
        Assert.True((int)code == status, $"{visibility}/{actor}/{action}: {(int)code} {body}");
        if (message is null)
        {
            Assert.True(body.GetProperty("status").GetBoolean());
        }
        else
        {
            Assert.False(body.GetProperty("status").GetBoolean());
            Assert.Equal(message, body.GetProperty("message").GetString());
        }
    }

    public static TheoryData<string, string, string, string?> RefCases() => new()
    {
        { "developer", $"{A} {B} refs/heads/main", "http", M.PushProtectedBranch },
        { "maintainer", $"{A} {B} refs/heads/main", "http", null },
        { "developer", $"{Zero} {B} refs/heads/feature", "http", null },
        { "reporter", $"{Zero} {B} refs/heads/feature", "http", M.PushNotAllowed },
        { "maintainer", $"{A} {Zero} refs/heads/main", "web", M.DeleteDefaultBranch },
        { "maintainer", $"{A} {Zero} refs/heads/release/1", "http", M.DeleteProtectedBranchWebOnly },
        { "maintainer", $"{A} {Zero} refs/heads/release/1", "web", null },
        { "developer", $"{A} {Zero} refs/heads/release/1", "web", M.DeleteProtectedBranch },
        { "maintainer", $"{Zero} {B} refs/heads/release/2", "http", M.CreateProtectedBranchWebOnly },
        { "maintainer", $"{Zero} {B} refs/heads/release/2", "web", null },
        { "developer", $"{Zero} {B} refs/heads/release/3", "web", M.CreateProtectedBranch },
        { "developer", $"{Zero} {B} refs/heads/{new string('c', 40)}", "http", M.HexBranchName },
        { "developer", $"{Zero} {B} refs/tags/v1.0", "http", M.ProtectedTagCreate },
        { "maintainer", $"{Zero} {B} refs/tags/v1.0", "http", null },
        { "maintainer", $"{A} {B} refs/tags/v1.0", "http", M.ProtectedTagUpdate },
        { "maintainer", $"{A} {Zero} refs/tags/v1.0", "http", M.ProtectedTagDeleteWebOnly },
        { "developer", $"{A} {B} refs/tags/x1", "http", M.ChangeExistingTag },
        { "developer", $"{Zero} {B} refs/tags/x1", "http", null },
        { "developer", $"{Zero} {B} refs/tags/main", "http", M.DefaultBranchTag },
        { "developer", $"{Zero} {B} refs/tags/bad..name", "http", M.TagProhibitedPattern },
        { "developer", $"{Zero} {B} refs/tags/{new string('d', 40)}-rc", "http", M.TagShaName },
        { "developer", $"{Zero} {B} refs/notes/commits", "http", null },
        { "reporter", $"{Zero} {B} refs/notes/commits", "http", M.PushNotAllowed },
        { "developer", $"{Zero} {B} refs/heads/ok\n{A} {B} refs/heads/main\n", "http", M.PushProtectedBranch },
        { "deploy-rw", $"{A} {B} refs/heads/main", "ssh", null },
        { "deploy-rw", $"{A} {B} refs/heads/release/9", "ssh", M.PushProtectedBranch },
        { "deploy-ro", $"{A} {B} refs/heads/feature", "ssh", M.DeployKeyNoWrite },
        { "admin", $"{A} {B} refs/heads/main", "http", null },
        { "developer", "not a change line", "http", "The change 'not a change line' is not of the form '<oldrev> <newrev> <ref>'." },
    };

    [Theory]
    [MemberData(nameof(RefCases))]
    public async Task Allowed_Evaluates_Each_Ref_Change_As_Gitaly_Sends_Them(string actor, string changes, string protocol, string? message)
    {
        var world = await AccessWorld.CreateAsync(Store, Visibility.Private);
        var p = world.Project.Id;
        await Store.UpsertProtectedRefAsync(new ProtectedRef { ProjectId = p, Kind = RefKind.Branch, Pattern = "main", PushAccessLevels = [AccessLevel.Maintainer], MergeAccessLevels = [AccessLevel.Developer], DeployKeyIds = [world.Keys["deploy-rw"].Id] });
        await Store.UpsertProtectedRefAsync(new ProtectedRef { ProjectId = p, Kind = RefKind.Branch, Pattern = "release/*", PushAccessLevels = [AccessLevel.NoAccess], MergeAccessLevels = [AccessLevel.Maintainer] });
        await Store.UpsertProtectedRefAsync(new ProtectedRef { ProjectId = p, Kind = RefKind.Tag, Pattern = "v*", PushAccessLevels = [AccessLevel.Maintainer] });

        var body = new Dictionary<string, object?> { ["action"] = Push, ["gl_repository"] = world.Project.GlRepository, ["changes"] = changes, ["protocol"] = protocol, ["project"] = "/var/opt/gitlab/git-data/repositories/" + world.Project.DiskPath };
        if (actor.StartsWith("deploy", StringComparison.Ordinal))
        {
            body["key_id"] = world.Keys[actor].Id;
        }
        else
        {
            body["user_id"] = world.Users[actor].Id.ToString(System.Globalization.CultureInfo.InvariantCulture);
        }

        var (code, json) = await AllowedAsync(body);
        if (message is null)
        {
            Assert.True(code == HttpStatusCode.OK, json.ToString());
        }
        else
        {
            Assert.Equal(HttpStatusCode.Unauthorized, code);
            Assert.Equal(message, json.GetProperty("message").GetString());
        }
    }

    [Theory]
    [InlineData("blocked", "Your account has been blocked.")]
    [InlineData("deactivated", "Your account has been deactivated by your administrator. Please log back in from a web browser to reactivate your account at http://127.0.0.1:7071")]
    [InlineData("pending", "Your account is pending approval from your administrator and hence blocked.")]
    [InlineData("internal", "This action cannot be performed by internal users")]
    [InlineData("unconfirmed", "Your primary email address is not confirmed. Please check your inbox for the confirmation instructions. In case the link is expired, you can request a new confirmation email at http://127.0.0.1:7071/users/confirmation/new")]
    [InlineData("password", "Your password expired. Please access GitLab from a web browser to update your password.")]
    public async Task Allowed_Denies_Users_Who_May_Not_Use_Git(string state, string message)
    {
        var world = await AccessWorld.CreateAsync(Store, Visibility.Public);
        var user = world.Users["developer"];
        user = state switch
        {
            "blocked" => user with { State = UserState.Blocked },
            "deactivated" => user with { State = UserState.Deactivated },
            "pending" => user with { State = UserState.BlockedPendingApproval },
            "internal" => user with { Type = UserType.Internal },
            "unconfirmed" => user with { EmailConfirmed = false },
            _ => user with { PasswordExpired = true },
        };
        await Store.UpsertUserAsync(user);
        var (code, body) = await AllowedAsync(Shell(world, "developer", Pull));
        Assert.Equal(HttpStatusCode.Unauthorized, code);
        Assert.Equal(message, body.GetProperty("message").GetString());
    }

    [Fact]
    public async Task Allowed_Refuses_Expired_Keys_And_Warns_About_Expiring_Ones()
    {
        var world = await AccessWorld.CreateAsync(Store, Visibility.Public);
        var expired = await AccessWorld.AddKeyAsync(Store, world.Users["developer"].Id, SshKeyKind.User, DateTimeOffset.UtcNow.AddDays(-1));
        var soon = await AccessWorld.AddKeyAsync(Store, world.Users["developer"].Id, SshKeyKind.User, DateTimeOffset.UtcNow.AddDays(3));
        var (code, body) = await AllowedAsync(new { action = Pull, project = world.Project.FullPath, changes = "_any", protocol = "ssh", key_id = expired.Id });
        Assert.Equal(HttpStatusCode.Unauthorized, code);
        Assert.Equal(M.KeyExpired, body.GetProperty("message").GetString());

        (code, body) = await AllowedAsync(new { action = Pull, project = world.Project.FullPath, changes = "_any", protocol = "ssh", key_id = soon.Id });
        Assert.Equal(HttpStatusCode.OK, code);
        Assert.Equal([M.KeyExpiringSoon], body.GetProperty("gl_console_messages").EnumerateArray().Select(e => e.GetString()));
    }

    [Fact]
    public async Task Allowed_Answers_The_Full_Field_Set_With_Nulls_Compacted()
    {
        var world = await AccessWorld.CreateAsync(Store, Visibility.Private);
        var key = world.Keys["developer"];
        var (code, body) = await AllowedAsync(new { action = Pull, project = "/" + world.Project.FullPath + ".git", changes = "_any", protocol = "ssh", key_id = key.Id, check_ip = "203.0.113.9" });
        Assert.Equal(HttpStatusCode.OK, code);
        Assert.Equal(
            ["status", "gl_repository", "gl_project_path", "gl_project_id", "gl_root_namespace_id", "gl_id", "gl_username", "git_config_options", "gitaly", "gl_console_messages", "need_audit", "gl_key_type", "gl_key_id"],
            body.EnumerateObject().Select(p => p.Name));
        Assert.Equal(world.Project.GlRepository, body.GetProperty("gl_repository").GetString());
        Assert.Equal(world.Project.FullPath, body.GetProperty("gl_project_path").GetString());
        Assert.Equal(world.Project.NamespaceId, body.GetProperty("gl_root_namespace_id").GetInt64());
        Assert.Equal("user-" + world.Users["developer"].Id, body.GetProperty("gl_id").GetString());
        Assert.Equal("key", body.GetProperty("gl_key_type").GetString());
        Assert.Equal(key.Id, body.GetProperty("gl_key_id").GetInt64());
        Assert.Equal(["uploadpack.allowFilter=true", "uploadpack.allowAnySHA1InWant=true"], body.GetProperty("git_config_options").EnumerateArray().Select(e => e.GetString()));
        var gitaly = body.GetProperty("gitaly");
        Assert.Equal(["repository", "address", "token", "features"], gitaly.EnumerateObject().Select(p => p.Name));
        Assert.Equal(JsonValueKind.Null, gitaly.GetProperty("token").ValueKind);
        var repository = gitaly.GetProperty("repository");
        Assert.Equal(["storage_name", "relative_path", "git_object_directory", "git_alternate_object_directories", "gl_repository", "gl_project_path"], repository.EnumerateObject().Select(p => p.Name));
        Assert.Equal(world.Project.DiskPath, repository.GetProperty("relative_path").GetString());
        Assert.False(body.GetProperty("need_audit").GetBoolean());
        Assert.NotNull((await Store.GetKeyAsync(key.Id))!.LastUsedAt);
    }

    [Fact]
    public async Task Allowed_For_A_Deploy_Key_Names_Its_Creator_And_Key_Type()
    {
        var world = await AccessWorld.CreateAsync(Store, Visibility.Private);
        var (code, body) = await AllowedAsync(Shell(world, "deploy-ro", Pull));
        Assert.Equal(HttpStatusCode.OK, code);
        Assert.Equal("deploy_key", body.GetProperty("gl_key_type").GetString());
        Assert.Equal("user-" + world.Users["maintainer"].Id, body.GetProperty("gl_id").GetString());
    }

    [Fact]
    public async Task Allowed_Accepts_Form_Bodies_And_Numeric_Or_String_Ids()
    {
        var world = await AccessWorld.CreateAsync(Store, Visibility.Private);
        var form = new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["action"] = Pull, ["project"] = world.Project.FullPath, ["protocol"] = "ssh", ["key_id"] = world.Keys["reporter"].Id.ToString(System.Globalization.CultureInfo.InvariantCulture),
        });
        using var request = fixture.App.ShellRequest(HttpMethod.Post, "/api/v4/internal/allowed", form);
        using var response = await fixture.App.Client.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var (code, _) = await AllowedAsync(new { action = Pull, project = world.Project.FullPath, protocol = "ssh", user_id = world.Users["reporter"].Id });
        Assert.Equal(HttpStatusCode.OK, code);
    }

    [Fact]
    public async Task Allowed_Prefers_Gl_Repository_Over_Project_And_Handles_Wikis()
    {
        var world = await AccessWorld.CreateAsync(Store, Visibility.Private);
        var (code, body) = await AllowedAsync(new { action = Pull, gl_repository = world.Project.GlRepository, project = "no/such/thing", protocol = "http", user_id = world.Users["reporter"].Id });
        Assert.Equal(HttpStatusCode.OK, code);
        Assert.Equal(world.Project.GlRepository, body.GetProperty("gl_repository").GetString());

        (code, body) = await AllowedAsync(new { action = Pull, project = world.Project.FullPath + ".wiki.git", protocol = "ssh", key_id = world.Keys["reporter"].Id, changes = "_any" });
        Assert.Equal(HttpStatusCode.OK, code);
        Assert.Equal("wiki-" + world.Project.Id, body.GetProperty("gl_repository").GetString());
        Assert.Equal(world.Project.FullPath + ".wiki", body.GetProperty("gl_project_path").GetString());
        Assert.EndsWith(".wiki.git", body.GetProperty("gitaly").GetProperty("repository").GetProperty("relative_path").GetString(), StringComparison.Ordinal);

        (code, body) = await AllowedAsync(new { action = Push, project = world.Project.FullPath + ".wiki", protocol = "ssh", key_id = world.Keys["reporter"].Id, changes = "_any" });
        Assert.Equal(HttpStatusCode.Unauthorized, code);
        Assert.Equal(M.WikiWriteNotAllowed, body.GetProperty("message").GetString());
    }

    [Theory]
    [InlineData(null, "no-such-group/x")]
    [InlineData("project-999999999", null)]
    [InlineData("garbage", null)]
    [InlineData(null, null)]
    public async Task Allowed_Answers_404_For_Unknown_Or_Missing_Repositories(string? glRepository, string? project)
    {
        var (code, body) = await AllowedAsync(new { action = Pull, gl_repository = glRepository, project, protocol = "ssh", changes = "_any" });
        Assert.Equal(HttpStatusCode.NotFound, code);
        Assert.Equal(M.ProjectNotFound, body.GetProperty("message").GetString());
    }

    [Fact]
    public async Task Allowed_States_The_Missing_Namespace()
    {
        var (code, body) = await AllowedAsync(new { action = Push, project = "lonely", protocol = "ssh", changes = "_any", user_id = 1 });
        Assert.Equal(HttpStatusCode.NotFound, code);
        Assert.Equal(M.NamespaceNotFound, body.GetProperty("message").GetString());
    }

    [Fact]
    public async Task Allowed_Refuses_Pushes_To_Archived_Read_Only_And_Missing_Repositories()
    {
        foreach (var (adjust, status, message) in new (Func<Project, Project>, HttpStatusCode, string)[]
                 {
                     (p => p with { Archived = true }, HttpStatusCode.Unauthorized, M.Archived),
                     (p => p with { RepositoryReadOnly = true }, HttpStatusCode.Unauthorized, M.ReadOnly),
                     (p => p with { RepositoryExists = false }, HttpStatusCode.NotFound, M.NoRepository),
                 })
        {
            var world = await AccessWorld.CreateAsync(Store, Visibility.Private, adjust: adjust);
            var (code, body) = await AllowedAsync(Shell(world, "maintainer", Push));
            Assert.Equal(status, code);
            Assert.Equal(message, body.GetProperty("message").GetString());
        }
    }

    [Fact]
    public async Task Allowed_Applies_The_Group_Protocol_Setting()
    {
        var world = await AccessWorld.CreateAsync(Store, Visibility.Private);
        var group = (await Store.GetNamespaceAsync(world.Project.NamespaceId))!;
        await Store.UpsertNamespaceAsync(group with { GitAccessProtocol = "ssh" });
        var (code, body) = await AllowedAsync(new { action = Pull, project = world.Project.FullPath, protocol = "http", user_id = world.Users["developer"].Id });
        Assert.Equal(HttpStatusCode.Unauthorized, code);
        Assert.Equal("Git access over HTTP is not allowed", body.GetProperty("message").GetString());
        (code, _) = await AllowedAsync(new { action = Pull, project = world.Project.FullPath, protocol = "web", user_id = world.Users["developer"].Id });
        Assert.Equal(HttpStatusCode.OK, code);
    }

    [Fact]
    public async Task Allowed_Follows_Redirects_And_Leaves_A_Moved_Message_For_Pushes()
    {
        var world = await AccessWorld.CreateAsync(Store, Visibility.Private);
        var old = world.Project.FullPath + "-old";
        await Store.AddProjectRedirectAsync(old, world.Project.Id);
        var developer = world.Users["developer"];
        var (code, body) = await AllowedAsync(new { action = Push, project = old + ".git", protocol = "ssh", changes = "_any", key_id = world.Keys["developer"].Id });
        Assert.Equal(HttpStatusCode.OK, code);
        Assert.Equal(world.Project.FullPath, body.GetProperty("gl_project_path").GetString());
        var moved = await Store.TakeMessageAsync(GitLabStore.MovedMessageKey(developer.Id, world.Project.GlRepository));
        Assert.Equal($"Project '{old}' was moved to '{world.Project.FullPath}'.\n\nPlease update your Git remote:\n\n  git remote set-url origin git@127.0.0.1:{world.Project.FullPath}.git", moved);
    }

    [Fact]
    public async Task Allowed_Creates_A_Private_Project_On_Push_Into_The_Users_Namespace()
    {
        var id = TestIds.Next();
        var user = new User { Id = id, Username = "creator" + id, Name = "Creator", NamespaceId = id };
        await Store.UpsertUserAsync(user);
        await Store.UpsertNamespaceAsync(new GitLabNamespace { Id = id, Kind = NamespaceKind.User, Name = "Creator", FullPath = user.Username, RootId = id, OwnerId = id });
        var key = await AccessWorld.AddKeyAsync(Store, id, SshKeyKind.User);

        var (code, body) = await AllowedAsync(new { action = Push, project = user.Username + "/new-thing.git", protocol = "ssh", changes = "_any", key_id = key.Id });
        Assert.Equal(HttpStatusCode.OK, code);
        var created = (await Store.FindProjectByPathAsync(user.Username + "/new-thing"))!.Project;
        Assert.Equal(Visibility.Private, created.Visibility);
        Assert.Equal(created.GlRepository, body.GetProperty("gl_repository").GetString());
        var message = await Store.TakeMessageAsync(GitLabStore.CreatedMessageKey(id, created.GlRepository));
        Assert.Equal($"\nThe private project {created.FullPath} was successfully created.\n\nTo configure the remote, run:\n  git remote add origin git@127.0.0.1:{created.FullPath}.git\n\nTo view the project, visit:\n  http://127.0.0.1:7071/{created.FullPath}\n\n", message);

        (code, body) = await AllowedAsync(new { action = Push, project = user.Username + "/-bad", protocol = "ssh", changes = "_any", key_id = key.Id });
        Assert.Equal(HttpStatusCode.UnprocessableEntity, code);
        Assert.StartsWith("Could not create project: ", body.GetProperty("message").GetString(), StringComparison.Ordinal);

        // Pulls and Gitaly's pushes with real changes never create anything.
        (code, _) = await AllowedAsync(new { action = Pull, project = user.Username + "/other", protocol = "ssh", changes = "_any", key_id = key.Id });
        Assert.Equal(HttpStatusCode.NotFound, code);
        Assert.Null(await Store.FindProjectByPathAsync(user.Username + "/other"));
    }

    [Theory]
    [InlineData("%%%")]
    [InlineData("WzEsMl0=")]
    public async Task Allowed_Rejects_A_Malformed_Client_Context(string value)
    {
        var (code, body) = await AllowedAsync(new { action = Pull, project = "x/y", protocol = "ssh", gitaly_client_context_bin = value });
        Assert.Equal(HttpStatusCode.BadRequest, code);
        Assert.StartsWith("400 Bad request - ", body.GetProperty("message").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Allowed_Without_A_Jwt_Is_401()
    {
        using var response = await fixture.App.Client.PostAsync("/api/v4/internal/allowed", JsonContent.Create(new { action = Pull }));
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("""{"message":"401 Unauthorized"}""", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Allowed_Answers_503_When_The_Decision_Runs_Out_Of_Time()
    {
        await using var app = await TestApp.StartAsync(fixture.Azurite.ConnectionString, settings: new Dictionary<string, string?>
        {
            ["Queues:DispatcherEnabled"] = "false",
            ["GitLab:AccessCheckTimeout"] = "00:00:00.0000001",
        });
        using var request = app.ShellRequest(HttpMethod.Post, "/api/v4/internal/allowed", new StringContent("""{"action":"git-upload-pack","project":"a/b","protocol":"ssh"}""", Encoding.UTF8, "application/json"));
        using var response = await app.Client.SendAsync(request);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        Assert.False(body.GetProperty("status").GetBoolean());
        Assert.StartsWith("Push operation timed out", body.GetProperty("message").GetString(), StringComparison.Ordinal);
    }
}
