using System.Globalization;
using System.Net;
using InternalApi.Core.Access;
using InternalApi.Core.Model;
using static InternalApi.Tests.Git.AllowedFixture;

namespace InternalApi.Tests.Git;

/// <summary>
/// Ref-update checks (spec §3.1.7) sent as Gitaly sends them: JSON with <c>gl_repository</c>, the real
/// <c>changes</c>, <c>user_id</c> and the protocol of the original push.
/// </summary>
[Collection(AllowedCollection.Name)]
public sealed class ProtectedRefTests(AllowedFixture fixture)
{
    private const string Ok = "";
    private const string Hex40 = "abcdefabcdefabcdefabcdefabcdefabcdefabcd";

    public static TheoryData<string, string, string, int, string> Table() => new()
    {
        // actor, changes, protocol, status, message
        { "developer", $"{RevA} {RevB} refs/heads/main", "http", 401, AccessMessages.PushProtectedBranch },
        { "maintainer", $"{RevA} {RevB} refs/heads/main", "http", 200, Ok },
        { "admin", $"{RevA} {RevB} refs/heads/main", "ssh", 200, Ok },
        { "developer", $"{Blank} {RevB} refs/heads/feature", "http", 200, Ok },
        { "developer", $"{RevA} {Blank} refs/heads/feature", "http", 200, Ok },
        { "reporter", $"{Blank} {RevB} refs/heads/feature", "http", 401, AccessMessages.PushCode },
        { "developer", $"{Blank} {RevB} refs/heads/release/1.0", "http", 200, Ok },
        { "developer", $"{RevA} {RevB} refs/heads/release/1.0", "ssh", 200, Ok },
        { "maintainer", $"{RevA} {Blank} refs/heads/main", "web", 401, AccessMessages.DeleteDefaultBranch },
        { "developer", $"{RevA} {Blank} refs/heads/stable", "http", 401, AccessMessages.DeleteProtectedBranch },
        { "maintainer", $"{RevA} {Blank} refs/heads/stable", "http", 401, AccessMessages.NonWebDeleteProtectedBranch },
        { "maintainer", $"{RevA} {Blank} refs/heads/stable", "web", 200, Ok },
        { "developer", $"{Blank} {RevB} refs/heads/stable", "http", 401, AccessMessages.NonWebCreateProtectedBranch },
        { "developer", $"{Blank} {RevB} refs/heads/stable", "web", 200, Ok },
        { "maintainer", $"{Blank} {RevB} refs/heads/stable", "http", 200, Ok },
        { "maintainer", $"{Blank} {RevB} refs/heads/hotfix/x", "http", 401, AccessMessages.CreateProtectedBranch },
        { "admin", $"{RevA} {RevB} refs/heads/hotfix/x", "http", 401, AccessMessages.PushProtectedBranch },
        { "developer", $"{Blank} {RevB} refs/heads/{Hex40}", "http", 401, AccessMessages.HexBranchName },
        { "developer", $"{RevA} {RevB} refs/heads/{Hex40}", "http", 401, AccessMessages.HexBranchName },
        { "developer", $"{RevA} {Blank} refs/heads/{Hex40}", "http", 200, Ok },
        { "developer", $"{Blank} {RevB} refs/tags/v1.0", "http", 401, AccessMessages.CreateProtectedTag },
        { "maintainer", $"{Blank} {RevB} refs/tags/v1.0", "http", 200, Ok },
        { "maintainer", $"{RevA} {RevB} refs/tags/v1.0", "http", 401, AccessMessages.ProtectedTagUpdate },
        { "maintainer", $"{RevA} {Blank} refs/tags/v1.0", "http", 401, AccessMessages.NonWebDeleteProtectedTag },
        { "maintainer", $"{RevA} {Blank} refs/tags/v1.0", "web", 200, Ok },
        { "developer", $"{RevA} {Blank} refs/tags/v1.0", "web", 401, AccessMessages.ChangeExistingTags },
        { "developer", $"{RevA} {RevB} refs/tags/build-7", "http", 401, AccessMessages.ChangeExistingTags },
        { "developer", $"{Blank} {RevB} refs/tags/build-7", "http", 200, Ok },
        { "maintainer", $"{RevA} {RevB} refs/tags/build-7", "http", 200, Ok },
        { "developer", $"{Blank} {RevB} refs/tags/main", "http", 401, AccessMessages.DefaultBranchTag },
        { "developer", $"{Blank} {RevB} refs/tags/{Hex40}", "http", 401, AccessMessages.ShaTag },
        { "developer", $"{Blank} {RevB} refs/tags/{Hex40}-suffix", "http", 401, AccessMessages.ShaTag },
        { "developer", $"{Blank} {RevB} refs/tags/bad..name", "http", 401, AccessMessages.ProhibitedTag },
        { "developer", $"{Blank} {RevB} refs/tags/refs/tags/x", "http", 401, AccessMessages.ProhibitedTag },
        { "developer", $"{Blank} {RevB} refs/tags/name.lock", "http", 401, AccessMessages.ProhibitedTag },
        { "developer", $"{Blank} {RevB} refs/notes/commits", "http", 200, Ok },
        { "developer", $"{RevA} {RevB} refs/merge-requests/1/head", "http", 200, Ok },
        { "reporter", $"{Blank} {RevB} refs/notes/commits", "http", 401, AccessMessages.PushCode },
        { "developer", $"{Blank} {RevB} refs/heads/feature\n{RevA} {RevB} refs/heads/main\n", "http", 401, AccessMessages.PushProtectedBranch },
        { "developer", $"\n{Blank} {RevB} refs/heads/a\n\n{Blank} {RevB} refs/heads/b\n", "http", 200, Ok },
        { "deploy", $"{RevA} {RevB} refs/heads/main", "ssh", 401, AccessMessages.PushCode },
        { "deploy", $"{RevA} {RevB} refs/heads/feature", "ssh", 200, Ok },
        { "listed-deploy", $"{RevA} {RevB} refs/heads/main", "ssh", 200, Ok },
        { "developer", "not a change", "http", 401, AccessMessages.MalformedChange("not a change") },
        { "developer", $"0000 1111 refs/heads/x", "http", 401, AccessMessages.MalformedChange("0000 1111 refs/heads/x") },
        { "developer", $"{RevA} {RevB}", "http", 401, AccessMessages.MalformedChange($"{RevA} {RevB}") },
        { "developer", $"{RevA} {RevB} refs/heads/a extra", "http", 401, AccessMessages.MalformedChange($"{RevA} {RevB} refs/heads/a extra") },
    };

    [Theory]
    [MemberData(nameof(Table))]
    public async Task Allowed_Applies_Ref_Checks_To_Gitaly_Changes(string actor, string changes, string protocol, int status, string message)
    {
        var project = await fixture.ProjectAsync();
        var listedKey = await fixture.DeployKeyAsync(project, canPush: true);
        await fixture.Stores.ProtectedRefs.UpsertProtectedRefAsync(new ProtectedRef { ProjectId = project.Id, Kind = RefKind.Branch, Pattern = "main", PushAccessLevels = [AccessLevel.Maintainer], MergeAccessLevels = [AccessLevel.Developer], DeployKeyIds = [listedKey.Id] });
        await fixture.Stores.ProtectedRefs.UpsertProtectedRefAsync(new ProtectedRef { ProjectId = project.Id, Kind = RefKind.Branch, Pattern = "stable", PushAccessLevels = [AccessLevel.Maintainer], MergeAccessLevels = [AccessLevel.Developer] });
        await fixture.Stores.ProtectedRefs.UpsertProtectedRefAsync(new ProtectedRef { ProjectId = project.Id, Kind = RefKind.Branch, Pattern = "release/*", PushAccessLevels = [AccessLevel.Developer], MergeAccessLevels = [AccessLevel.Developer] });
        await fixture.Stores.ProtectedRefs.UpsertProtectedRefAsync(new ProtectedRef { ProjectId = project.Id, Kind = RefKind.Branch, Pattern = "hotfix/*", PushAccessLevels = [AccessLevel.NoAccess], MergeAccessLevels = [AccessLevel.NoAccess] });
        await fixture.Stores.ProtectedRefs.UpsertProtectedRefAsync(new ProtectedRef { ProjectId = project.Id, Kind = RefKind.Tag, Pattern = "v*", PushAccessLevels = [AccessLevel.Maintainer] });

        var body = new Dictionary<string, object>
        {
            ["action"] = "git-receive-pack",
            ["gl_repository"] = project.GlRepository,
            ["project"] = "/var/opt/gitlab/git-data/repositories/" + project.DiskPath,
            ["changes"] = changes,
            ["protocol"] = protocol,
            ["relative_path"] = project.DiskPath,
            ["env"] = """{"GIT_OBJECT_DIRECTORY_RELATIVE":"./objects/incoming-abc","GIT_ALTERNATE_OBJECT_DIRECTORIES_RELATIVE":["./objects"]}""",
            ["push_options"] = Array.Empty<string>(),
        };
        switch (actor)
        {
            case "deploy":
                body["key_id"] = (await fixture.DeployKeyAsync(project, canPush: true)).Id;
                break;
            case "listed-deploy":
                body["key_id"] = listedKey.Id;
                break;
            case "admin":
                body["user_id"] = (await fixture.UserAsync(u => u with { Admin = true })).Id.ToString(CultureInfo.InvariantCulture);
                break;
            default:
                var level = actor switch { "reporter" => AccessLevel.Reporter, "developer" => AccessLevel.Developer, _ => AccessLevel.Maintainer };
                body["user_id"] = (await fixture.MemberAsync(project, level)).Id.ToString(CultureInfo.InvariantCulture);
                break;
        }

        var (actual, text) = await fixture.AllowedAsync(body);

        Assert.Equal((HttpStatusCode)status, actual);
        if (status == 200)
        {
            Assert.Contains("\"status\":true", text, StringComparison.Ordinal);
        }
        else
        {
            Assert.Equal(Denial(message), text);
        }
    }

    [Fact]
    public async Task Allowed_Explains_A_Protected_Push_Into_An_Empty_Repository()
    {
        var project = await fixture.ProjectAsync(p => p with { DefaultBranch = null });
        await fixture.Stores.ProtectedRefs.UpsertProtectedRefAsync(new ProtectedRef { ProjectId = project.Id, Kind = RefKind.Branch, Pattern = "main" });
        var developer = await fixture.MemberAsync(project, AccessLevel.Developer);

        var (status, text) = await fixture.AllowedAsync(new { action = "git-receive-pack", gl_repository = project.GlRepository, changes = $"{Blank} {RevB} refs/heads/main", protocol = "ssh", user_id = developer.Id });

        Assert.Equal(HttpStatusCode.Unauthorized, status);
        Assert.Equal(
            Denial($"\nA default branch (e.g. main) does not yet exist for {project.FullPath}\nAsk a project Owner or Maintainer to create a default branch:\n\n  https://{Host}/{project.FullPath}/-/project_members\n\n"),
            text);
    }
}
