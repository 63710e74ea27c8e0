using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;
using InternalApi.Core.Access;
using InternalApi.Core.Data;
using InternalApi.Core.Model;
using InternalApi.Tests.Infrastructure;
using static InternalApi.Tests.Git.AllowedFixture;

namespace InternalApi.Tests.Git;

[Collection(AllowedCollection.Name)]
public sealed class AllowedTests(AllowedFixture fixture)
{
    private static string S(long id) => id.ToString(CultureInfo.InvariantCulture);

    [Fact]
    public async Task Allowed_Returns_The_Exact_Success_Payload_For_A_User_Key()
    {
        var group = await fixture.GroupAsync();
        var project = await fixture.ProjectAsync(group);
        var user = await fixture.MemberAsync(project, AccessLevel.Developer);
        var key = await fixture.KeyAsync(user.Id);

        var (status, body) = await fixture.AllowedAsync(new { action = "git-upload-pack", project = project.FullPath + ".git", changes = "_any", protocol = "ssh", key_id = S(key.Id), check_ip = "203.0.113.9" });

        Assert.Equal(HttpStatusCode.OK, status);
        var expected = string.Concat(
            $"{{\"status\":true,\"gl_repository\":\"{project.GlRepository}\",\"gl_project_path\":\"{project.FullPath}\",\"gl_project_id\":{project.Id},\"gl_root_namespace_id\":{group.Id},",
            $"\"gl_id\":\"user-{user.Id}\",\"gl_username\":\"{user.Username}\",\"git_config_options\":[\"uploadpack.allowFilter=true\",\"uploadpack.allowAnySHA1InWant=true\",\"receive.maxInputSize=104857600\"],",
            $"\"gitaly\":{{\"repository\":{{\"storage_name\":\"default\",\"relative_path\":\"{project.DiskPath}\",\"git_object_directory\":\"\",\"git_alternate_object_directories\":[],\"gl_repository\":\"{project.GlRepository}\",\"gl_project_path\":\"{project.FullPath}\"}},",
            $"\"address\":\"{GitalyAddress}\",\"token\":null,\"features\":{{\"gitaly-feature-cool-thing\":\"true\",\"gitaly-feature-old-thing\":\"false\"}}}},",
            $"\"gl_console_messages\":[],\"need_audit\":false,\"gl_key_type\":\"key\",\"gl_key_id\":{key.Id}}}");
        Assert.Equal(expected, body);
    }

    [Fact]
    public async Task Allowed_Names_The_Deploy_Key_Creator_And_Key_Type()
    {
        var project = await fixture.ProjectAsync();
        var key = await fixture.DeployKeyAsync(project, canPush: false);
        var creator = await fixture.Stores.Users.GetUserAsync(key.UserId!.Value);

        var (status, body) = await fixture.AllowedAsync(new { action = "git-upload-pack", project = project.FullPath, changes = "_any", protocol = "ssh", key_id = key.Id });

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("user-" + S(creator!.Id), Str(body, "gl_id"));
        Assert.Equal(creator.Username, Str(body, "gl_username"));
        Assert.Equal("deploy_key", Str(body, "gl_key_type"));
        Assert.Contains($"\"gl_key_id\":{key.Id}", body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Allowed_Omits_Null_Fields_For_An_Anonymous_Public_Pull()
    {
        var project = await fixture.ProjectAsync(p => p with { Visibility = Visibility.Public });

        var (status, body) = await fixture.AllowedAsync(new { action = "git-upload-pack", project = project.FullPath, changes = "_any", protocol = "http" });

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(
            ["status", "gl_repository", "gl_project_path", "gl_project_id", "gl_root_namespace_id", "gl_id", "git_config_options", "gitaly", "gl_console_messages", "need_audit"],
            Keys(body));
        Assert.Equal("", Str(body, "gl_id"));
        Assert.Contains("\"token\":null", body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Allowed_Answers_Json_Denials_With_Status_And_Message_Only()
    {
        var (response, body) = await SendRawAsync(Json(new { action = "git-upload-pack", project = "nobody/nothing", protocol = "ssh" }));

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(Denial(AccessMessages.ProjectNotFound), body);
    }

    [Fact]
    public async Task Allowed_Returns_404_When_Project_And_Gl_Repository_Are_Missing()
    {
        var user = await fixture.UserAsync();

        var (status, body) = await fixture.AllowedAsync(new { action = "git-upload-pack", protocol = "ssh", user_id = user.Id });

        Assert.Equal(HttpStatusCode.NotFound, status);
        Assert.Equal(Denial(AccessMessages.ProjectNotFound), body);
    }

    [Theory]
    [InlineData("project-999999999999")]
    [InlineData("project-abc")]
    [InlineData("garbage")]
    [InlineData("snippet-5")]
    public async Task Allowed_Returns_404_When_Gl_Repository_Is_Unknown_Or_Malformed(string glRepository)
    {
        var (status, body) = await fixture.AllowedAsync(new { action = "git-upload-pack", gl_repository = glRepository, protocol = "ssh" });

        Assert.Equal(HttpStatusCode.NotFound, status);
        Assert.Equal(Denial(AccessMessages.ProjectNotFound), body);
    }

    [Fact]
    public async Task Allowed_Returns_404_When_The_Path_Has_No_Namespace()
    {
        var (status, body) = await fixture.AllowedAsync(new { action = "git-upload-pack", project = "lonely.git", protocol = "ssh" });

        Assert.Equal(HttpStatusCode.NotFound, status);
        Assert.Equal(Denial(AccessMessages.NamespaceNotFound), body);
    }

    [Fact]
    public async Task Allowed_Returns_404_When_The_Repository_Does_Not_Exist()
    {
        var project = await fixture.ProjectAsync(p => p with { RepositoryExists = false });
        var user = await fixture.MemberAsync(project, AccessLevel.Developer);

        var (status, body) = await fixture.AllowedAsync(new { action = "git-upload-pack", project = project.FullPath, protocol = "ssh", user_id = user.Id });

        Assert.Equal(HttpStatusCode.NotFound, status);
        Assert.Equal(Denial(AccessMessages.NoRepository), body);
    }

    [Fact]
    public async Task Allowed_Prefers_Gl_Repository_Over_Project()
    {
        var first = await fixture.ProjectAsync();
        var second = await fixture.ProjectAsync();
        var user = await fixture.MemberAsync(second, AccessLevel.Developer);

        var (status, body) = await fixture.AllowedAsync(new { action = "git-receive-pack", project = first.FullPath, gl_repository = second.GlRepository, changes = $"{RevA} {RevB} refs/heads/feature", protocol = "http", user_id = S(user.Id) });

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(second.GlRepository, Str(body, "gl_repository"));
    }

    [Fact]
    public async Task Allowed_Answers_Form_Bodies_Like_Json()
    {
        var project = await fixture.ProjectAsync();
        var user = await fixture.MemberAsync(project, AccessLevel.Reporter);
        var key = await fixture.KeyAsync(user.Id);
        using var form = new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["action"] = "git-upload-pack", ["project"] = "/" + project.FullPath + ".git", ["changes"] = "_any", ["protocol"] = "ssh", ["key_id"] = S(key.Id),
        });

        var (formResponse, formBody) = await SendRawAsync(form);
        var (jsonStatus, jsonBody) = await fixture.AllowedAsync(new { action = "git-upload-pack", project = "/" + project.FullPath + ".git", changes = "_any", protocol = "ssh", key_id = S(key.Id) });

        Assert.Equal(HttpStatusCode.OK, formResponse.StatusCode);
        Assert.Equal(HttpStatusCode.OK, jsonStatus);
        Assert.Equal(jsonBody, formBody);
    }

    [Fact]
    public async Task Allowed_Accepts_Key_Id_As_Number_And_As_String()
    {
        var project = await fixture.ProjectAsync();
        var user = await fixture.MemberAsync(project, AccessLevel.Reporter);
        var key = await fixture.KeyAsync(user.Id);

        var (asNumber, numberBody) = await fixture.AllowedAsync($$"""{"action":"git-upload-pack","project":"{{project.FullPath}}","protocol":"ssh","key_id":{{key.Id}}}""");
        var (asString, stringBody) = await fixture.AllowedAsync($$"""{"action":"git-upload-pack","project":"{{project.FullPath}}","protocol":"ssh","key_id":"{{key.Id}}"}""");

        Assert.Equal(HttpStatusCode.OK, asNumber);
        Assert.Equal(HttpStatusCode.OK, asString);
        Assert.Equal(numberBody, stringBody);
    }

    [Fact]
    public async Task Allowed_Treats_Odd_Parameter_Types_As_Absent_Not_As_400()
    {
        var project = await fixture.ProjectAsync();

        var (status, body) = await fixture.AllowedAsync($$"""{"action":"git-upload-pack","project":"{{project.FullPath}}","protocol":"ssh","key_id":{"x":1},"user_id":[1],"push_options":null,"unknown":true}""");

        Assert.Equal(HttpStatusCode.NotFound, status);
        Assert.Equal(Denial(AccessMessages.ProjectNotFound), body);
    }

    [Fact]
    public async Task Allowed_Answers_401_Without_A_Valid_Jwt()
    {
        using var missing = new HttpRequestMessage(HttpMethod.Post, "/api/v4/internal/allowed") { Content = Json(new { action = "git-upload-pack" }) };
        using var forged = new HttpRequestMessage(HttpMethod.Post, "/api/v4/internal/allowed") { Content = Json(new { action = "git-upload-pack" }) };
        forged.Headers.Add("Gitlab-Shell-Api-Request", Core.Auth.InternalJwt.Create(Encoding.UTF8.GetBytes("not-the-secret"), "gitlab-shell", null, TimeProvider.System, TimeSpan.FromMinutes(1)));

        foreach (var request in new[] { missing, forged })
        {
            var response = await fixture.App.Client.SendAsync(request);
            Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
            Assert.Equal("""{"message":"401 Unauthorized"}""", await response.Content.ReadAsStringAsync());
        }
    }

    public static TheoryData<string, string> UserStates() => new()
    {
        { "internal", AccessMessages.InternalUser },
        { "pending", AccessMessages.PendingApproval },
        { "deactivated", $"Your account has been deactivated by your administrator. Please log back in from a web browser to reactivate your account at https://{Host}" },
        { "unconfirmed", $"Your primary email address is not confirmed. Please check your inbox for the confirmation instructions. In case the link is expired, you can request a new confirmation email at https://{Host}/users/confirmation/new" },
        { "blocked", "Your account has been blocked." },
        { "password", "Your password expired. Please access GitLab from a web browser to update your password." },
    };

    [Theory]
    [MemberData(nameof(UserStates))]
    public async Task Allowed_Refuses_Users_That_May_Not_Use_Git(string state, string message)
    {
        var project = await fixture.ProjectAsync(p => p with { Visibility = Visibility.Public });
        var user = await fixture.MemberAsync(project, AccessLevel.Maintainer, u => state switch
        {
            "internal" => u with { Type = UserType.Internal },
            "pending" => u with { State = UserState.BlockedPendingApproval },
            "deactivated" => u with { State = UserState.Deactivated },
            "unconfirmed" => u with { EmailConfirmed = false },
            "blocked" => u with { State = UserState.Blocked },
            _ => u with { PasswordExpired = true },
        });
        var key = await fixture.KeyAsync(user.Id);

        var (status, body) = await fixture.AllowedAsync(new { action = "git-upload-pack", project = project.FullPath, changes = "_any", protocol = "ssh", key_id = key.Id });

        Assert.Equal(HttpStatusCode.Unauthorized, status);
        Assert.Equal(Denial(message), body);
    }

    [Fact]
    public async Task Allowed_Refuses_An_Expired_Key_And_Warns_About_One_Expiring_Soon()
    {
        var project = await fixture.ProjectAsync();
        var user = await fixture.MemberAsync(project, AccessLevel.Developer);
        var expired = await fixture.KeyAsync(user.Id, expiresAt: DateTimeOffset.UtcNow.AddMinutes(-1));
        var expiring = await fixture.KeyAsync(user.Id, expiresAt: DateTimeOffset.UtcNow.AddDays(3));
        var later = await fixture.KeyAsync(user.Id, expiresAt: DateTimeOffset.UtcNow.AddDays(30));

        var (expiredStatus, expiredBody) = await fixture.AllowedAsync(new { action = "git-upload-pack", project = project.FullPath, protocol = "ssh", key_id = expired.Id });
        var (soonStatus, soonBody) = await fixture.AllowedAsync(new { action = "git-upload-pack", project = project.FullPath, protocol = "ssh", key_id = expiring.Id });
        var (_, laterBody) = await fixture.AllowedAsync(new { action = "git-upload-pack", project = project.FullPath, protocol = "ssh", key_id = later.Id });

        Assert.Equal(HttpStatusCode.Unauthorized, expiredStatus);
        Assert.Equal(Denial("Your SSH key has expired."), expiredBody);
        Assert.Equal(HttpStatusCode.OK, soonStatus);
        Assert.Contains("\"gl_console_messages\":[\"INFO: Your SSH key is expiring soon. Please generate a new key.\"]", soonBody, StringComparison.Ordinal);
        Assert.Contains("\"gl_console_messages\":[]", laterBody, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("http", "ssh", 401, "Git access over SSH is not allowed")]
    [InlineData("http", "http", 200, "")]
    [InlineData("ssh", "http", 401, "Git access over HTTP is not allowed")]
    [InlineData("ssh", "web", 200, "")]
    [InlineData("all", "ssh", 200, "")]
    public async Task Allowed_Applies_The_Top_Level_Group_Protocol_Setting(string setting, string protocol, int status, string message)
    {
        var group = await fixture.GroupAsync(setting);
        var subgroup = new GitLabNamespace { Id = TestIds.Next(), Name = "sub", FullPath = group.FullPath + "/sub", ParentId = group.Id, RootId = group.Id };
        await fixture.Stores.Namespaces.UpsertNamespaceAsync(subgroup);
        var project = await fixture.ProjectAsync(subgroup);
        var user = await fixture.MemberAsync(project, AccessLevel.Developer);

        var (actual, body) = await fixture.AllowedAsync(new { action = "git-upload-pack", project = project.FullPath, protocol, user_id = user.Id });

        Assert.Equal((HttpStatusCode)status, actual);
        if (status != 200)
        {
            Assert.Equal(Denial(message), body);
        }
        else
        {
            Assert.Contains($"\"gl_root_namespace_id\":{group.Id}", body, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Allowed_Applies_The_Instance_Protocol_Setting_And_Http_Switches()
    {
        var settings = BaseSettings;
        settings["GitLab:EnabledGitAccessProtocol"] = "http";
        settings["GitLab:HttpUploadPack"] = "false";
        settings["GitLab:HttpReceivePack"] = "false";
        await using var app = await TestApp.StartAsync(fixture.Azurite.ConnectionString, settings: settings);
        var project = await fixture.ProjectAsync();
        var user = await fixture.MemberAsync(project, AccessLevel.Developer);

        async Task<(HttpStatusCode, string)> Ask(string action, string protocol)
        {
            var (status, body, _) = await PostAsync(app, "/api/v4/internal/allowed", Json(new { action, project = project.FullPath, changes = "_any", protocol, user_id = user.Id }));
            return (status, body);
        }

        Assert.Equal((HttpStatusCode.Unauthorized, Denial("Git access over SSH is not allowed")), await Ask("git-upload-pack", "ssh"));
        Assert.Equal((HttpStatusCode.Unauthorized, Denial("Pulling over HTTP is not allowed.")), await Ask("git-upload-pack", "http"));
        Assert.Equal((HttpStatusCode.Unauthorized, Denial("Pushing over HTTP is not allowed.")), await Ask("git-receive-pack", "http"));
        Assert.Equal(HttpStatusCode.OK, (await Ask("git-upload-archive", "http")).Item1);
        Assert.Equal(HttpStatusCode.OK, (await Ask("git-receive-pack", "web")).Item1);
    }

    [Theory]
    [InlineData("git-annex-shell")]
    [InlineData("")]
    [InlineData("git-upload-pack; rm -rf /")]
    public async Task Allowed_Refuses_Unknown_Commands(string action)
    {
        var project = await fixture.ProjectAsync(p => p with { Visibility = Visibility.Public });

        var (status, body) = await fixture.AllowedAsync(new { action, project = project.FullPath, protocol = "ssh" });

        Assert.Equal(HttpStatusCode.Unauthorized, status);
        Assert.Equal(Denial("The command you're trying to execute is not allowed."), body);
    }

    [Fact]
    public async Task Allowed_Refuses_Pushes_To_Archived_And_Read_Only_Projects()
    {
        var archived = await fixture.ProjectAsync(p => p with { Archived = true });
        var readOnly = await fixture.ProjectAsync(p => p with { RepositoryReadOnly = true });
        var admin = await fixture.UserAsync(u => u with { Admin = true });

        var (archivedStatus, archivedBody) = await fixture.AllowedAsync(new { action = "git-receive-pack", project = archived.FullPath, changes = "_any", protocol = "ssh", user_id = admin.Id });
        var (readOnlyStatus, readOnlyBody) = await fixture.AllowedAsync(new { action = "git-receive-pack", project = readOnly.FullPath, changes = "_any", protocol = "ssh", user_id = admin.Id });
        var (pullStatus, _) = await fixture.AllowedAsync(new { action = "git-upload-pack", project = archived.FullPath, changes = "_any", protocol = "ssh", user_id = admin.Id });

        Assert.Equal(HttpStatusCode.Unauthorized, archivedStatus);
        Assert.Equal(Denial("You can't push code to an archived project."), archivedBody);
        Assert.Equal(HttpStatusCode.Unauthorized, readOnlyStatus);
        Assert.Equal(Denial("The repository is temporarily read-only. Please try again later."), readOnlyBody);
        Assert.Equal(HttpStatusCode.OK, pullStatus);
    }

    [Fact]
    public async Task Allowed_Treats_A_Deploy_Key_Not_Enabled_For_The_Project_As_An_Outsider()
    {
        var privateProject = await fixture.ProjectAsync();
        var publicProject = await fixture.ProjectAsync(p => p with { Visibility = Visibility.Public });
        var key = await fixture.DeployKeyAsync(await fixture.ProjectAsync(), canPush: true);

        var (privateStatus, privateBody) = await fixture.AllowedAsync(new { action = "git-upload-pack", project = privateProject.FullPath, protocol = "ssh", key_id = key.Id });
        var (publicPull, _) = await fixture.AllowedAsync(new { action = "git-upload-pack", project = publicProject.FullPath, protocol = "ssh", key_id = key.Id });
        var (publicPush, publicPushBody) = await fixture.AllowedAsync(new { action = "git-receive-pack", project = publicProject.FullPath, changes = "_any", protocol = "ssh", key_id = key.Id });

        Assert.Equal(HttpStatusCode.NotFound, privateStatus);
        Assert.Equal(Denial(AccessMessages.ProjectNotFound), privateBody);
        Assert.Equal(HttpStatusCode.OK, publicPull);
        Assert.Equal(HttpStatusCode.Unauthorized, publicPush);
        Assert.Equal(Denial("This deploy key does not have write access to this project."), publicPushBody);
    }

    [Fact]
    public async Task Allowed_Treats_An_Unknown_Key_As_Anonymous()
    {
        var privateProject = await fixture.ProjectAsync();
        var publicProject = await fixture.ProjectAsync(p => p with { Visibility = Visibility.Public });

        var (privateStatus, _) = await fixture.AllowedAsync(new { action = "git-upload-pack", project = privateProject.FullPath, protocol = "ssh", key_id = 999_999_999_999 });
        var (publicStatus, _) = await fixture.AllowedAsync(new { action = "git-upload-pack", project = publicProject.FullPath, protocol = "ssh", key_id = 999_999_999_999 });

        Assert.Equal(HttpStatusCode.NotFound, privateStatus);
        Assert.Equal(HttpStatusCode.OK, publicStatus);
    }

    [Fact]
    public async Task Allowed_Applies_Wiki_Rules()
    {
        var project = await fixture.ProjectAsync();
        var reporter = await fixture.MemberAsync(project, AccessLevel.Reporter);
        var developer = await fixture.MemberAsync(project, AccessLevel.Developer);
        var guest = await fixture.MemberAsync(project, AccessLevel.Guest);

        var (pull, pullBody) = await fixture.AllowedAsync(new { action = "git-upload-pack", project = project.FullPath + ".wiki.git", protocol = "ssh", user_id = reporter.Id });
        var (guestPull, guestBody) = await fixture.AllowedAsync(new { action = "git-upload-pack", project = project.FullPath + ".wiki", protocol = "ssh", user_id = guest.Id });
        var (reporterPush, reporterPushBody) = await fixture.AllowedAsync(new { action = "git-receive-pack", project = project.FullPath + ".wiki", changes = "_any", protocol = "ssh", user_id = reporter.Id });
        var (developerPush, _) = await fixture.AllowedAsync(new { action = "git-receive-pack", gl_repository = "wiki-" + S(project.Id), changes = $"{RevA} {RevB} refs/heads/main", protocol = "http", user_id = developer.Id });

        Assert.Equal(HttpStatusCode.OK, pull);
        Assert.Equal("wiki-" + S(project.Id), Str(pullBody, "gl_repository"));
        Assert.Equal(project.FullPath + ".wiki", Str(pullBody, "gl_project_path"));
        Assert.Contains($"\"relative_path\":\"{Project.HashedPath(project.Id)}.wiki.git\"", pullBody, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Unauthorized, guestPull);
        Assert.Equal(Denial(AccessMessages.Download), guestBody);
        Assert.Equal(HttpStatusCode.Unauthorized, reporterPush);
        Assert.Equal(Denial("You are not allowed to write to this project's wiki."), reporterPushBody);
        Assert.Equal(HttpStatusCode.OK, developerPush);
    }

    [Fact]
    public async Task Allowed_Serves_Design_Repositories_Only_To_The_Web()
    {
        var project = await fixture.ProjectAsync();
        var developer = await fixture.MemberAsync(project, AccessLevel.Developer);

        var (ssh, sshBody) = await fixture.AllowedAsync(new { action = "git-upload-pack", project = project.FullPath + ".design", protocol = "ssh", user_id = developer.Id });
        var (web, webBody) = await fixture.AllowedAsync(new { action = "git-receive-pack", gl_repository = "design-" + S(project.Id), changes = $"{RevA} {RevB} refs/heads/main", protocol = "web", user_id = developer.Id });

        Assert.Equal(HttpStatusCode.Unauthorized, ssh);
        Assert.Equal(Denial(AccessMessages.DesignsWebOnly), sshBody);
        Assert.Equal(HttpStatusCode.OK, web);
        Assert.Equal("design-" + S(project.Id), Str(webBody, "gl_repository"));
    }

    [Fact]
    public async Task Allowed_Refuses_Snippet_Paths_As_Not_Found()
    {
        var user = await fixture.UserAsync(u => u with { Admin = true });

        var (status, body) = await fixture.AllowedAsync(new { action = "git-receive-pack", project = "snippets/5.git", changes = "_any", protocol = "ssh", user_id = user.Id });

        Assert.Equal(HttpStatusCode.NotFound, status);
        Assert.Equal(Denial(AccessMessages.ProjectNotFound), body);
    }

    [Fact]
    public async Task Allowed_Follows_Redirects_And_Stores_The_Moved_Message_On_Push()
    {
        var oldGroup = await fixture.GroupAsync();
        var newGroup = await fixture.GroupAsync();
        var project = await fixture.ProjectAsync(oldGroup);
        var oldPath = project.FullPath;
        project = project with { NamespaceId = newGroup.Id, FullPath = newGroup.FullPath + "/" + project.Path };
        await fixture.Stores.Projects.UpsertProjectAsync(project);
        var user = await fixture.MemberAsync(project, AccessLevel.Developer);
        var key = MessageStore.MovedMessageKey(user.Id, project.GlRepository);

        var (pull, pullBody) = await fixture.AllowedAsync(new { action = "git-upload-pack", project = oldPath + ".git", protocol = "ssh", user_id = user.Id });
        var afterPull = await fixture.Stores.Messages.TakeMessageAsync(key);
        var (push, pushBody) = await fixture.AllowedAsync(new { action = "git-receive-pack", project = oldPath + ".git", changes = "_any", protocol = "ssh", user_id = user.Id });
        var afterSshPush = await fixture.Stores.Messages.TakeMessageAsync(key);
        var (httpPush, _) = await fixture.AllowedAsync(new { action = "git-receive-pack", project = oldPath, changes = "_any", protocol = "http", user_id = user.Id });
        var afterHttpPush = await fixture.Stores.Messages.TakeMessageAsync(key);

        Assert.Equal(HttpStatusCode.OK, pull);
        Assert.Equal(project.FullPath, Str(pullBody, "gl_project_path"));
        Assert.Null(afterPull);
        Assert.Equal(HttpStatusCode.OK, push);
        Assert.Equal(project.GlRepository, Str(pushBody, "gl_repository"));
        Assert.Equal($"Project '{oldPath}' was moved to '{project.FullPath}'.\n\nPlease update your Git remote:\n\n  git remote set-url origin git@{Host}:{project.FullPath}.git\n", afterSshPush);
        Assert.Equal(HttpStatusCode.OK, httpPush);
        Assert.Equal($"Project '{oldPath}' was moved to '{project.FullPath}'.\n\nPlease update your Git remote:\n\n  git remote set-url origin https://{Host}/{project.FullPath}.git\n", afterHttpPush);
    }

    [Fact]
    public async Task Allowed_Creates_A_Private_Project_On_Push_Into_The_Users_Namespace()
    {
        var (user, ns) = await fixture.UserWithNamespaceAsync();
        var key = await fixture.KeyAsync(user.Id);
        var path = ns.FullPath + "/new-thing";

        var (status, body) = await fixture.AllowedAsync(new { action = "git-receive-pack", project = path + ".git", changes = "_any", protocol = "ssh", key_id = S(key.Id) });

        Assert.Equal(HttpStatusCode.OK, status);
        var project = (await fixture.Stores.Projects.FindProjectByPathAsync(path))?.Project;
        Assert.NotNull(project);
        Assert.True(project.Id > 100_000);
        Assert.Equal(Visibility.Private, project.Visibility);
        Assert.Equal(ns.Id, project.NamespaceId);
        Assert.Equal(user.Id, project.CreatorId);
        Assert.Equal(project.GlRepository, Str(body, "gl_repository"));
        Assert.Equal(path, Str(body, "gl_project_path"));
        Assert.Contains($"\"gl_project_id\":{project.Id},\"gl_root_namespace_id\":{ns.Id}", body, StringComparison.Ordinal);
        Assert.Equal(
            $"\nThe private project {path} was successfully created.\n\nTo configure the remote, run:\n  git remote add origin git@{Host}:{path}.git\n\nTo view the project, visit:\n  https://{Host}/{path}\n\n",
            await fixture.Stores.Messages.TakeMessageAsync(MessageStore.CreatedMessageKey(user.Id, project.GlRepository)));
    }

    [Fact]
    public async Task Allowed_Creates_On_Push_Into_A_Group_Only_For_Developers_And_Above()
    {
        var group = await fixture.GroupAsync();
        var developer = await fixture.UserAsync();
        var reporter = await fixture.UserAsync();
        await fixture.Stores.Members.UpsertMembershipAsync(new Membership(MemberSource.Group, group.Id, developer.Id, AccessLevel.Developer));
        await fixture.Stores.Members.UpsertMembershipAsync(new Membership(MemberSource.Group, group.Id, reporter.Id, AccessLevel.Reporter));

        var (refused, refusedBody) = await fixture.AllowedAsync(new { action = "git-receive-pack", project = group.FullPath + "/by-reporter", changes = "_any", protocol = "ssh", user_id = reporter.Id });
        var (created, _) = await fixture.AllowedAsync(new { action = "git-receive-pack", project = group.FullPath + "/by-developer", changes = "_any", protocol = "http", user_id = developer.Id });
        var (notAny, _) = await fixture.AllowedAsync(new { action = "git-receive-pack", project = group.FullPath + "/by-gitaly", changes = $"{Blank} {RevB} refs/heads/main", protocol = "http", user_id = developer.Id });
        var (pull, _) = await fixture.AllowedAsync(new { action = "git-upload-pack", project = group.FullPath + "/by-pull", changes = "_any", protocol = "ssh", user_id = developer.Id });

        Assert.Equal(HttpStatusCode.NotFound, refused);
        Assert.Equal(Denial(AccessMessages.ProjectNotFound), refusedBody);
        Assert.Null(await fixture.Stores.Projects.FindProjectByPathAsync(group.FullPath + "/by-reporter"));
        Assert.Equal(HttpStatusCode.OK, created);
        var project = (await fixture.Stores.Projects.FindProjectByPathAsync(group.FullPath + "/by-developer"))!.Project;
        Assert.Equal(AccessLevel.Maintainer, await fixture.Stores.EffectiveAccess.GetProjectAccessLevelAsync(developer.Id, project));
        Assert.StartsWith("\nThe private project", await fixture.Stores.Messages.TakeMessageAsync(MessageStore.CreatedMessageKey(developer.Id, project.GlRepository)), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NotFound, notAny);
        Assert.Equal(HttpStatusCode.NotFound, pull);
        Assert.Null(await fixture.Stores.Projects.FindProjectByPathAsync(group.FullPath + "/by-gitaly"));
    }

    [Fact]
    public async Task Allowed_Answers_422_When_The_Project_Cannot_Be_Created()
    {
        var (user, ns) = await fixture.UserWithNamespaceAsync();

        var (status, body) = await fixture.AllowedAsync(new { action = "git-receive-pack", project = ns.FullPath + "/bad+name", changes = "_any", protocol = "ssh", user_id = user.Id });

        Assert.Equal(HttpStatusCode.UnprocessableEntity, status);
        Assert.Equal(Denial("Could not create project: Path can contain only letters, digits, '_', '-' and '.'. Cannot start with '-', end in '.git' or end in '.atom'"), body);
        Assert.Null(await fixture.Stores.Projects.FindProjectByPathAsync(ns.FullPath + "/bad+name"));
    }

    [Fact]
    public async Task Allowed_Records_Key_Use_And_User_Activity_On_Download()
    {
        var project = await fixture.ProjectAsync();
        var user = await fixture.MemberAsync(project, AccessLevel.Reporter);
        var key = await fixture.KeyAsync(user.Id);

        var (status, _) = await fixture.AllowedAsync(new { action = "git-upload-pack", project = project.FullPath, protocol = "ssh", key_id = key.Id });

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.NotNull((await fixture.Stores.Keys.GetKeyAsync(key.Id))!.LastUsedAt);
        Assert.NotNull((await fixture.Stores.Users.GetUserAsync(user.Id))!.LastActivityAt);
    }

    [Fact]
    public async Task Key_Use_And_User_Activity_Are_Recorded_Once_A_Day_As_GitLab_Does()
    {
        var project = await fixture.ProjectAsync();
        var user = await fixture.MemberAsync(project, AccessLevel.Reporter);
        var key = await fixture.KeyAsync(user.Id);
        var pull = new { action = "git-upload-pack", project = project.FullPath, protocol = "ssh", key_id = key.Id };

        Assert.Equal(HttpStatusCode.OK, (await fixture.AllowedAsync(pull)).Status);
        var firstUse = (await fixture.Stores.Keys.GetKeyAsync(key.Id))!.LastUsedAt;
        var firstActivity = (await fixture.Stores.Users.GetUserAsync(user.Id))!.LastActivityAt;

        // Recorded within the day: a second pull leaves both as they are (no write on the hot path).
        Assert.Equal(HttpStatusCode.OK, (await fixture.AllowedAsync(pull)).Status);
        Assert.Equal(firstUse, (await fixture.Stores.Keys.GetKeyAsync(key.Id))!.LastUsedAt);
        Assert.Equal(firstActivity, (await fixture.Stores.Users.GetUserAsync(user.Id))!.LastActivityAt);

        // Recorded longer ago than that: the next pull records both again.
        var longAgo = DateTimeOffset.UtcNow.AddDays(-2);
        await fixture.Stores.Keys.UpsertKeyAsync((await fixture.Stores.Keys.GetKeyAsync(key.Id))! with { LastUsedAt = longAgo });
        await fixture.Stores.Users.UpsertUserAsync((await fixture.Stores.Users.GetUserAsync(user.Id))! with { LastActivityAt = longAgo });
        Assert.Equal(HttpStatusCode.OK, (await fixture.AllowedAsync(pull)).Status);
        Assert.True((await fixture.Stores.Keys.GetKeyAsync(key.Id))!.LastUsedAt > longAgo.AddDays(1));
        Assert.True((await fixture.Stores.Users.GetUserAsync(user.Id))!.LastActivityAt > longAgo.AddDays(1));
    }

    [Theory]
    [InlineData("!!!not base64!!!", "400 Bad request - malformed gitaly_client_context_bin")]
    [InlineData("bm90IGpzb24=", "400 Bad request - malformed gitaly_client_context_bin")]
    [InlineData("WzEsMl0=", "400 Bad request - Decoded gitaly_client_context_bin is not a valid JSON object")]
    public async Task Allowed_Answers_400_For_A_Bad_Gitaly_Client_Context(string value, string message)
    {
        var project = await fixture.ProjectAsync(p => p with { Visibility = Visibility.Public });

        var (status, body) = await fixture.AllowedAsync(new { action = "git-upload-pack", project = project.FullPath, protocol = "ssh", gitaly_client_context_bin = value });

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal(JsonSerializer.Serialize(new { message }), body);
    }

    [Fact]
    public async Task Allowed_Accepts_A_Valid_Gitaly_Client_Context()
    {
        var project = await fixture.ProjectAsync(p => p with { Visibility = Visibility.Public });
        var context = Convert.ToBase64String(Encoding.UTF8.GetBytes("""{"scoped-user-id":"5"}"""));

        var (status, _) = await fixture.AllowedAsync(new { action = "git-upload-pack", project = project.FullPath, protocol = "ssh", gitaly_client_context_bin = context });

        Assert.Equal(HttpStatusCode.OK, status);
    }

    [Fact]
    public async Task Allowed_Answers_503_And_Writes_Nothing_When_The_Deadline_Passes()
    {
        var settings = BaseSettings;
        settings["Access:DecisionTimeout"] = "00:00:00.0000001";
        await using var app = await TestApp.StartAsync(fixture.Azurite.ConnectionString, settings: settings);
        var (user, ns) = await fixture.UserWithNamespaceAsync();
        var key = await fixture.KeyAsync(user.Id);

        var (status, body, response) = await PostAsync(app, "/api/v4/internal/allowed", Json(new { action = "git-receive-pack", project = ns.FullPath + "/never", changes = "_any", protocol = "ssh", key_id = key.Id }));

        Assert.Equal(HttpStatusCode.ServiceUnavailable, status);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        using var document = JsonDocument.Parse(body);
        Assert.False(document.RootElement.GetProperty("status").GetBoolean());
        Assert.StartsWith("Push operation timed out\n\nTiming information for debugging purposes:\n", document.RootElement.GetProperty("message").GetString(), StringComparison.Ordinal);
        Assert.Null((await fixture.Stores.Keys.GetKeyAsync(key.Id))!.LastUsedAt);
        Assert.Null(await fixture.Stores.Projects.FindProjectByPathAsync(ns.FullPath + "/never"));
    }

    [Fact]
    public async Task Allowed_Logs_No_Warning_On_The_Happy_Path()
    {
        var project = await fixture.ProjectAsync(p => p with { Visibility = Visibility.Public });
        var before = fixture.App.Logs.Entries.Count;

        var (status, _) = await fixture.AllowedAsync(new { action = "git-upload-pack", project = project.FullPath, protocol = "ssh" });

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.DoesNotContain(fixture.App.Logs.Entries.Skip(before), e => e.Level >= Microsoft.Extensions.Logging.LogLevel.Warning && e.Category.Contains("Access", StringComparison.Ordinal));
    }

    private async Task<(HttpResponseMessage Response, string Body)> SendRawAsync(HttpContent content)
    {
        using var request = fixture.App.ShellRequest(HttpMethod.Post, "/api/v4/internal/allowed", content);
        var response = await fixture.App.Client.SendAsync(request);
        return (response, await response.Content.ReadAsStringAsync());
    }

    private static string[] Keys(string json)
    {
        using var document = JsonDocument.Parse(json);
        return [.. document.RootElement.EnumerateObject().Select(p => p.Name)];
    }
}
