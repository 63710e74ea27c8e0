using System.Globalization;
using System.Net;
using InternalApi.Core.Access;
using InternalApi.Core.Model;
using InternalApi.Tests.Infrastructure;
using static InternalApi.Tests.Git.AllowedFixture;

namespace InternalApi.Tests.Git;

/// <summary>
/// EE's limits from the top-level group on <c>/allowed</c>: gitlab-sshd's <c>namespace_path</c> after a login with a
/// group's SSH certificate, the group's <c>enforce_ssh_certificates</c>, and its IP allow-list against <c>check_ip</c>.
/// </summary>
[Collection(AllowedCollection.Name)]
public sealed class AllowedGroupLimitsTests(AllowedFixture fixture)
{
    private const string Pull = "git-upload-pack";
    private const string Push = "git-receive-pack";
    private static readonly string[] AllowList = ["192.0.2.0/24", "2001:db8::/32"];

    private static string S(long id) => id.ToString(CultureInfo.InvariantCulture);

    private static string Changes(string branch = "feature") => $"{Blank} {RevA} refs/heads/{branch}";

    /// <summary>A top-level group with the given settings.</summary>
    private async Task<GitLabNamespace> GroupAsync(IReadOnlyList<string>? ipRestrictions = null, bool enforceSshCertificates = false)
    {
        var group = await fixture.GroupAsync() with { IpRestrictions = ipRestrictions ?? [], EnforceSshCertificates = enforceSshCertificates };
        await fixture.Stores.Namespaces.UpsertNamespaceAsync(group);
        return group;
    }

    private async Task<GitLabNamespace> SubgroupAsync(GitLabNamespace parent)
    {
        var id = TestIds.Next();
        var sub = new GitLabNamespace { Id = id, Name = $"Sub {id}", FullPath = parent.FullPath + "/" + TestIds.Name("sub"), ParentId = parent.Id, RootId = parent.RootId };
        await fixture.Stores.Namespaces.UpsertNamespaceAsync(sub);
        return sub;
    }

    /// <summary>A developer of a project in <paramref name="ns"/> with an SSH key.</summary>
    private async Task<(Project Project, User User, SshKey Key)> DeveloperAsync(GitLabNamespace ns, Func<Project, Project>? change = null)
    {
        var project = await fixture.ProjectAsync(ns, change);
        var user = await fixture.MemberAsync(project, AccessLevel.Developer);
        return (project, user, await fixture.KeyAsync(user.Id));
    }

    private static void AssertGranted((HttpStatusCode Status, string Body) answer, Project project)
    {
        Assert.True(answer.Status == HttpStatusCode.OK, answer.Body);
        Assert.Equal(project.GlRepository, Str(answer.Body, "gl_repository"));
    }

    private static void AssertDenied((HttpStatusCode Status, string Body) answer, HttpStatusCode status, string message) =>
        Assert.Equal((status, Denial(message)), answer);

    // ---- namespace_path (a login with a group's SSH certificate) ----

    [Fact]
    public async Task A_Certificate_Of_The_Projects_Top_Level_Group_Is_Allowed_In_Its_Subgroups_Too()
    {
        var group = await GroupAsync();
        var (project, user, _) = await DeveloperAsync(group);
        var (nested, nestedUser, _) = await DeveloperAsync(await SubgroupAsync(group));

        // gitlab-sshd names the user (certificate logins have no key id) and sends the CA's group.
        AssertGranted(await fixture.AllowedAsync(new { action = Pull, project = project.FullPath + ".git", changes = "_any", protocol = "ssh", username = user.Username, namespace_path = group.FullPath }), project);
        AssertGranted(await fixture.AllowedAsync(new { action = Push, project = nested.FullPath, changes = "_any", protocol = "ssh", username = nestedUser.Username, namespace_path = group.FullPath.ToUpperInvariant() }), nested);
    }

    [Fact]
    public async Task A_Certificate_Of_Another_Group_Is_401_You_Are_Not_Allowed_To_Access_Projects_In_This_Namespace()
    {
        var group = await GroupAsync();
        var other = await GroupAsync();
        var sub = await SubgroupAsync(group);
        var (project, user, _) = await DeveloperAsync(sub);

        foreach (var namespacePath in new[] { other.FullPath, sub.FullPath, "no-such-group", group.FullPath + "/", " " + group.FullPath })
        {
            foreach (var action in new[] { Pull, Push })
            {
                AssertDenied(await fixture.AllowedAsync(new { action, project = project.FullPath, changes = "_any", protocol = "ssh", username = user.Username, namespace_path = namespacePath }),
                    HttpStatusCode.Unauthorized, AccessMessages.NamespaceForbidden);
            }
        }

        // Wikis are judged the same way (GitLab checks project repositories only; see docs/git-access.md).
        AssertDenied(await fixture.AllowedAsync(new { action = Pull, project = project.FullPath + ".wiki.git", changes = "_any", protocol = "ssh", username = user.Username, namespace_path = other.FullPath }),
            HttpStatusCode.Unauthorized, AccessMessages.NamespaceForbidden);
    }

    [Fact]
    public async Task The_Namespace_Rule_Comes_Before_Not_Found_And_Covers_A_Push_That_Would_Create_A_Project()
    {
        var group = await GroupAsync();
        var other = await GroupAsync();
        var user = await fixture.UserAsync();
        await fixture.Stores.Members.UpsertMembershipAsync(new Membership(MemberSource.Group, group.Id, user.Id, AccessLevel.Developer));
        var missing = group.FullPath + "/" + TestIds.Name("missing");

        AssertDenied(await fixture.AllowedAsync(new { action = Pull, project = missing, changes = "_any", protocol = "ssh", username = user.Username, namespace_path = other.FullPath }),
            HttpStatusCode.Unauthorized, AccessMessages.NamespaceForbidden);
        AssertDenied(await fixture.AllowedAsync(new { action = Push, project = missing, changes = "_any", protocol = "ssh", username = user.Username, namespace_path = other.FullPath }),
            HttpStatusCode.Unauthorized, AccessMessages.NamespaceForbidden);
        Assert.Null(await fixture.Stores.Projects.FindProjectByPathAsync(missing));

        // A namespace that does not exist cannot be the certificate's.
        AssertDenied(await fixture.AllowedAsync(new { action = Pull, project = "nowhere-" + TestIds.Next() + "/x", changes = "_any", protocol = "ssh", username = user.Username, namespace_path = group.FullPath }),
            HttpStatusCode.Unauthorized, AccessMessages.NamespaceForbidden);

        // In the certificate's own group the ordinary answers follow.
        AssertDenied(await fixture.AllowedAsync(new { action = Pull, project = missing, changes = "_any", protocol = "ssh", username = user.Username, namespace_path = group.FullPath }),
            HttpStatusCode.NotFound, AccessMessages.ProjectNotFound);
        var (status, body) = await fixture.AllowedAsync(new { action = Push, project = missing, changes = "_any", protocol = "ssh", username = user.Username, namespace_path = group.FullPath });
        Assert.True(status == HttpStatusCode.OK, body);
        Assert.NotNull(await fixture.Stores.Projects.FindProjectByPathAsync(missing));
    }

    [Fact]
    public async Task Gitalys_Push_Check_Is_Not_Judged_By_The_Namespace_Rule()
    {
        // GitLab judges the namespace only on the command's first check (changes "_any"), as gitlab-shell sends it.
        var (project, user, _) = await DeveloperAsync(await GroupAsync());
        var other = await GroupAsync();

        AssertGranted(await fixture.AllowedAsync(new { action = Push, gl_repository = project.GlRepository, project = project.FullPath, changes = Changes(), protocol = "ssh", user_id = S(user.Id), namespace_path = other.FullPath }), project);
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    public async Task A_Blank_Namespace_Path_Is_A_Login_Without_Certificate(string namespacePath)
    {
        var (project, _, key) = await DeveloperAsync(await GroupAsync());

        AssertGranted(await fixture.AllowedAsync(new { action = Pull, project = project.FullPath, changes = "_any", protocol = "ssh", key_id = S(key.Id), namespace_path = namespacePath }), project);
    }

    [Fact]
    public async Task A_Namespace_Path_That_Is_Not_Text_Is_Refused_Not_Ignored()
    {
        var group = await GroupAsync();
        var (project, user, _) = await DeveloperAsync(group);

        foreach (var body in new[]
        {
            $$"""{"action":"git-upload-pack","project":"{{project.FullPath}}","changes":"_any","protocol":"ssh","username":"{{user.Username}}","namespace_path":["{{group.FullPath}}"]}""",
            $$"""{"action":"git-upload-pack","project":"{{project.FullPath}}","changes":"_any","protocol":"ssh","username":"{{user.Username}}","namespace_path":{"path":"{{group.FullPath}}"} }""",
        })
        {
            AssertDenied(await fixture.AllowedAsync(body), HttpStatusCode.Unauthorized, AccessMessages.NamespaceForbidden);
        }

        // JSON null is "not sent".
        AssertGranted(await fixture.AllowedAsync($$"""{"action":"git-upload-pack","project":"{{project.FullPath}}","changes":"_any","protocol":"ssh","username":"{{user.Username}}","namespace_path":null}"""), project);
    }

    [Fact]
    public async Task Without_The_Ssh_Certificates_Licence_Any_Namespace_Path_Is_Refused_And_Nothing_Is_Enforced()
    {
        var group = await GroupAsync(enforceSshCertificates: true);
        var (project, user, key) = await DeveloperAsync(group);
        var settings = BaseSettings;
        settings["Shell:SshCertificatesLicensed"] = "false";
        await using var app = await TestApp.StartAsync(fixture.Azurite.ConnectionString, settings: settings);

        var (status, body, _) = await PostAsync(app, "/api/v4/internal/allowed",
            Json(new { action = Pull, project = project.FullPath, changes = "_any", protocol = "ssh", username = user.Username, namespace_path = group.FullPath }));
        Assert.Equal((HttpStatusCode.Unauthorized, Denial(AccessMessages.NamespaceForbidden)), (status, body));

        (status, body, _) = await PostAsync(app, "/api/v4/internal/allowed", Json(new { action = Pull, project = project.FullPath, changes = "_any", protocol = "ssh", key_id = S(key.Id) }));
        Assert.True(status == HttpStatusCode.OK, body);
    }

    // ---- enforce_ssh_certificates ----

    [Fact]
    public async Task A_Group_That_Enforces_Ssh_Certificates_Refuses_Human_Users_Without_One()
    {
        var group = await GroupAsync(enforceSshCertificates: true);
        var (project, user, key) = await DeveloperAsync(group);
        var (nested, nestedUser, nestedKey) = await DeveloperAsync(await SubgroupAsync(group));

        foreach (var (p, actor) in new (Project, object)[]
        {
            (project, new { key_id = S(key.Id) }),
            (project, new { user_id = S(user.Id) }),
            (nested, new { key_id = S(nestedKey.Id) }),
            (nested, new { username = nestedUser.Username }),
        })
        {
            var body = Merge(new { action = Pull, project = p.FullPath, changes = "_any", protocol = "ssh" }, actor);
            AssertDenied(await fixture.AllowedAsync(body), HttpStatusCode.Unauthorized, AccessMessages.NamespaceForbidden);
        }

        // The same user with the group's certificate.
        AssertGranted(await fixture.AllowedAsync(new { action = Pull, project = project.FullPath, changes = "_any", protocol = "ssh", username = user.Username, namespace_path = group.FullPath }), project);
    }

    [Fact]
    public async Task Enforced_Certificates_Do_Not_Concern_Deploy_Keys_Anonymous_Pulls_Or_Gitalys_Push_Check()
    {
        var group = await GroupAsync(enforceSshCertificates: true);
        var (project, user, _) = await DeveloperAsync(group, p => p with { Visibility = Visibility.Public });
        var deployKey = await fixture.DeployKeyAsync(project, canPush: false);

        AssertGranted(await fixture.AllowedAsync(new { action = Pull, project = project.FullPath, changes = "_any", protocol = "ssh", key_id = S(deployKey.Id) }), project);
        AssertGranted(await fixture.AllowedAsync(new { action = Pull, project = project.FullPath, changes = "_any", protocol = "ssh" }), project);
        AssertGranted(await fixture.AllowedAsync(new { action = Push, gl_repository = project.GlRepository, project = project.FullPath, changes = Changes(), protocol = "ssh", user_id = S(user.Id) }), project);
    }

    // ---- IP allow-list (check_ip) ----

    [Theory]
    [InlineData("192.0.2.77")]
    [InlineData("192.0.2.0")]
    [InlineData("192.0.2.255")]
    [InlineData("2001:db8::1")]
    [InlineData("2001:DB8:FFFF:FFFF:FFFF:FFFF:FFFF:FFFF")]
    [InlineData("[2001:db8::1]")]
    [InlineData("::ffff:192.0.2.5")]
    public async Task An_Address_Inside_The_Top_Level_Groups_Allow_List_Is_Allowed(string checkIp)
    {
        var group = await GroupAsync(AllowList);
        var (project, _, key) = await DeveloperAsync(group);
        var (nested, _, nestedKey) = await DeveloperAsync(await SubgroupAsync(group));

        AssertGranted(await fixture.AllowedAsync(new { action = Pull, project = project.FullPath, changes = "_any", protocol = "ssh", key_id = S(key.Id), check_ip = checkIp }), project);
        AssertGranted(await fixture.AllowedAsync(new { action = Push, project = nested.FullPath, changes = "_any", protocol = "ssh", key_id = S(nestedKey.Id), check_ip = checkIp }), nested);
    }

    [Theory]
    [InlineData("198.51.100.7")]
    [InlineData("192.0.3.1")]
    [InlineData("2001:db9::1")]
    [InlineData("::192.0.2.5")]
    [InlineData("::1")]
    [InlineData("127.0.0.1")]
    public async Task An_Address_Outside_The_Allow_List_Sees_No_Project_404(string checkIp)
    {
        var group = await GroupAsync(AllowList);
        var (project, user, key) = await DeveloperAsync(group);
        var (nested, _, nestedKey) = await DeveloperAsync(await SubgroupAsync(group));

        AssertDenied(await fixture.AllowedAsync(new { action = Pull, project = project.FullPath, changes = "_any", protocol = "ssh", key_id = S(key.Id), check_ip = checkIp }),
            HttpStatusCode.NotFound, AccessMessages.ProjectNotFound);
        AssertDenied(await fixture.AllowedAsync(new { action = Push, project = nested.FullPath, changes = "_any", protocol = "ssh", key_id = S(nestedKey.Id), check_ip = checkIp }),
            HttpStatusCode.NotFound, AccessMessages.ProjectNotFound);

        // Gitaly's push check carries the address too.
        AssertDenied(await fixture.AllowedAsync(new { action = Push, gl_repository = project.GlRepository, project = project.FullPath, changes = Changes(), protocol = "ssh", user_id = S(user.Id), check_ip = checkIp }),
            HttpStatusCode.NotFound, AccessMessages.ProjectNotFound);
    }

    [Fact]
    public async Task Without_Check_Ip_There_Is_No_Address_To_Check()
    {
        var (project, user, key) = await DeveloperAsync(await GroupAsync(AllowList));

        AssertGranted(await fixture.AllowedAsync(new { action = Pull, project = project.FullPath, changes = "_any", protocol = "ssh", key_id = S(key.Id) }), project);
        AssertGranted(await fixture.AllowedAsync(new { action = Push, gl_repository = project.GlRepository, project = project.FullPath, changes = Changes(), protocol = "http", user_id = S(user.Id) }), project);
        AssertGranted(await fixture.AllowedAsync($$"""{"action":"git-upload-pack","project":"{{project.FullPath}}","changes":"_any","protocol":"ssh","key_id":{{key.Id}},"check_ip":null}"""), project);
    }

    [Fact]
    public async Task The_Allow_List_Binds_Deploy_Keys_And_Anonymous_Pulls_But_Not_Administrators()
    {
        var group = await GroupAsync(AllowList);
        var (project, _, _) = await DeveloperAsync(group, p => p with { Visibility = Visibility.Public });
        var deployKey = await fixture.DeployKeyAsync(project, canPush: true);
        var admin = await fixture.UserAsync(u => u with { Admin = true });

        AssertDenied(await fixture.AllowedAsync(new { action = Pull, project = project.FullPath, changes = "_any", protocol = "ssh", key_id = S(deployKey.Id), check_ip = "198.51.100.7" }),
            HttpStatusCode.NotFound, AccessMessages.ProjectNotFound);
        AssertGranted(await fixture.AllowedAsync(new { action = Push, project = project.FullPath, changes = "_any", protocol = "ssh", key_id = S(deployKey.Id), check_ip = "192.0.2.7" }), project);

        AssertDenied(await fixture.AllowedAsync(new { action = Pull, project = project.FullPath, changes = "_any", protocol = "http", check_ip = "198.51.100.7" }),
            HttpStatusCode.NotFound, AccessMessages.ProjectNotFound);
        AssertGranted(await fixture.AllowedAsync(new { action = Pull, project = project.FullPath, changes = "_any", protocol = "http", check_ip = "192.0.2.7" }), project);

        AssertGranted(await fixture.AllowedAsync(new { action = Push, project = project.FullPath, changes = "_any", protocol = "ssh", user_id = S(admin.Id), check_ip = "198.51.100.7" }), project);
    }

    [Fact]
    public async Task Groups_Without_An_Allow_List_And_Personal_Namespaces_Check_Nothing()
    {
        var (project, _, key) = await DeveloperAsync(await GroupAsync());
        var (owner, personal) = await fixture.UserWithNamespaceAsync();
        var own = await fixture.ProjectAsync(personal);

        AssertGranted(await fixture.AllowedAsync(new { action = Pull, project = project.FullPath, changes = "_any", protocol = "ssh", key_id = S(key.Id), check_ip = "198.51.100.7" }), project);
        AssertGranted(await fixture.AllowedAsync(new { action = Pull, project = own.FullPath, changes = "_any", protocol = "ssh", user_id = S(owner.Id), check_ip = "not an address" }), own);
    }

    /// <summary>Values that are not one address: outside every list (GitLab fails these with a 500).</summary>
    public static TheoryData<string> MalformedCheckIps => new()
    {
        "\"not-an-ip\"",
        "\"\"",
        "\"192.0.2\"",
        "\"192.0.2.1.5\"",
        "\"192.0.2.256\"",
        "\"192.0.02.1\"",
        "\"0xc0.0.2.1\"",
        "\"192.0.2.1:22\"",
        "\"192.0.2.0/24\"",
        "\"[192.0.2.1]\"",
        "\"2001:db8::1%eth0\"",
        "\"2001:db8:::1\"",
        "\" 192.0.2.1x\"",
        "3221225985",
        "true",
        "[\"192.0.2.1\"]",
        "{\"ip\":\"192.0.2.1\"}",
    };

    [Theory]
    [MemberData(nameof(MalformedCheckIps))]
    public async Task A_Check_Ip_That_Is_Not_An_Address_Is_Outside_The_Allow_List(string checkIpJson)
    {
        var (project, _, key) = await DeveloperAsync(await GroupAsync(AllowList));

        var answer = await fixture.AllowedAsync($$"""{"action":"git-upload-pack","project":"{{project.FullPath}}","changes":"_any","protocol":"ssh","key_id":"{{key.Id}}","check_ip":{{checkIpJson}}}""");

        AssertDenied(answer, HttpStatusCode.NotFound, AccessMessages.ProjectNotFound);
    }

    [Fact]
    public async Task Check_Ip_Works_In_Form_Bodies_As_In_Json()
    {
        var (project, _, key) = await DeveloperAsync(await GroupAsync(AllowList));

        foreach (var (ip, expected) in new[] { ("192.0.2.9", HttpStatusCode.OK), ("198.51.100.9", HttpStatusCode.NotFound), ("2001:db8::9", HttpStatusCode.OK) })
        {
            using var form = new FormUrlEncodedContent(new Dictionary<string, string>
            {
                ["action"] = Pull, ["project"] = project.FullPath, ["changes"] = "_any", ["protocol"] = "ssh", ["key_id"] = S(key.Id), ["check_ip"] = ip,
            });
            var (status, body, _) = await PostAsync(fixture.App, "/api/v4/internal/allowed", form);
            Assert.True(status == expected, $"{ip}: {status} {body}");
        }
    }

    [Fact]
    public async Task A_Push_That_Would_Create_A_Project_From_Outside_The_Allow_List_Creates_Nothing()
    {
        var group = await GroupAsync(AllowList);
        var user = await fixture.UserAsync();
        await fixture.Stores.Members.UpsertMembershipAsync(new Membership(MemberSource.Group, group.Id, user.Id, AccessLevel.Developer));
        var path = group.FullPath + "/" + TestIds.Name("new");

        AssertDenied(await fixture.AllowedAsync(new { action = Push, project = path, changes = "_any", protocol = "ssh", user_id = S(user.Id), check_ip = "198.51.100.7" }),
            HttpStatusCode.NotFound, AccessMessages.ProjectNotFound);
        Assert.Null(await fixture.Stores.Projects.FindProjectByPathAsync(path));

        var (status, body) = await fixture.AllowedAsync(new { action = Push, project = path, changes = "_any", protocol = "ssh", user_id = S(user.Id), check_ip = "192.0.2.7" });
        Assert.True(status == HttpStatusCode.OK, body);
        Assert.NotNull(await fixture.Stores.Projects.FindProjectByPathAsync(path));
    }

    [Fact]
    public async Task Both_Limits_Together_As_Gitlab_Sshd_Sends_Them()
    {
        var group = await GroupAsync(AllowList, enforceSshCertificates: true);
        var (project, user, _) = await DeveloperAsync(group);

        AssertGranted(await fixture.AllowedAsync(new { action = Pull, project = project.FullPath, changes = "_any", protocol = "ssh", username = user.Username, namespace_path = group.FullPath, check_ip = "192.0.2.1" }), project);

        // The namespace rule is judged first (step 9, before the project's visibility).
        AssertDenied(await fixture.AllowedAsync(new { action = Pull, project = project.FullPath, changes = "_any", protocol = "ssh", username = user.Username, check_ip = "198.51.100.1" }),
            HttpStatusCode.Unauthorized, AccessMessages.NamespaceForbidden);
        AssertDenied(await fixture.AllowedAsync(new { action = Pull, project = project.FullPath, changes = "_any", protocol = "ssh", username = user.Username, namespace_path = group.FullPath, check_ip = "198.51.100.1" }),
            HttpStatusCode.NotFound, AccessMessages.ProjectNotFound);
    }

    /// <summary>Two anonymous objects' properties as one JSON object.</summary>
    private static string Merge(object first, object second)
    {
        var a = System.Text.Json.Nodes.JsonNode.Parse(System.Text.Json.JsonSerializer.Serialize(first))!.AsObject();
        foreach (var (name, value) in System.Text.Json.Nodes.JsonNode.Parse(System.Text.Json.JsonSerializer.Serialize(second))!.AsObject().ToList())
        {
            a[name] = value?.DeepClone();
        }

        return a.ToJsonString();
    }
}
