using System.Net;
using InternalApi.Core.Access;
using InternalApi.Core.Model;

namespace InternalApi.Tests.Git;

/// <summary>
/// Visibility × actor × action, as gitlab-shell asks (<c>changes=_any</c>, <c>protocol=ssh</c>), with the
/// expected status and message of spec §3.1.5/§3.1.7 (note the 404-vs-401 asymmetry).
/// </summary>
[Collection(AllowedCollection.Name)]
public sealed class AllowedMatrixTests(AllowedFixture fixture)
{
    public enum Vis
    {
        Private,
        Internal,
        Public,
        PublicMembersOnlyRepository,
    }

    public enum Who
    {
        Anonymous,
        NonMember,
        Guest,
        Reporter,
        Developer,
        Maintainer,
        Admin,
        DeployKey,
        DeployKeyWithPush,
    }

    private const string Ok = "";
    private const string NotFound = AccessMessages.ProjectNotFound;

    public static TheoryData<Vis, Who, string, int, string> Matrix()
    {
        var data = new TheoryData<Vis, Who, string, int, string>();
        foreach (var vis in Enum.GetValues<Vis>())
        {
            foreach (var who in Enum.GetValues<Who>())
            {
                var download = ExpectedDownload(vis, who);
                data.Add(vis, who, GitActions.UploadPack, download.Status, download.Message);
                data.Add(vis, who, GitActions.UploadArchive, download.Status, download.Message);
                var push = ExpectedPush(vis, who);
                data.Add(vis, who, GitActions.ReceivePack, push.Status, push.Message);
            }
        }

        return data;
    }

    private static bool Sees(Vis vis, Who who) => vis switch
    {
        Vis.Private => who is not (Who.Anonymous or Who.NonMember),
        Vis.Internal => who is not Who.Anonymous,
        _ => true,
    };

    private static (int Status, string Message) ExpectedDownload(Vis vis, Who who)
    {
        if (!Sees(vis, who))
        {
            return (404, NotFound);
        }

        var allowed = who switch
        {
            Who.Reporter or Who.Developer or Who.Maintainer or Who.Admin or Who.DeployKey or Who.DeployKeyWithPush => true,
            Who.Guest or Who.NonMember => vis is Vis.Internal or Vis.Public,
            _ => vis is Vis.Public,
        };
        return allowed ? (200, Ok) : (401, AccessMessages.Download);
    }

    private static (int Status, string Message) ExpectedPush(Vis vis, Who who)
    {
        if (!Sees(vis, who))
        {
            return (404, NotFound);
        }

        return who switch
        {
            Who.Developer or Who.Maintainer or Who.Admin or Who.DeployKeyWithPush => (200, Ok),
            Who.DeployKey => (401, AccessMessages.DeployKeyUpload),
            Who.Anonymous => (401, AccessMessages.Upload),
            _ => (401, AccessMessages.PushCode),
        };
    }

    [Theory]
    [MemberData(nameof(Matrix))]
    public async Task Allowed_Answers_The_Matrix_Of_Visibility_Actor_And_Action(Vis vis, Who who, string action, int status, string message)
    {
        var project = await fixture.ProjectAsync(p => p with
        {
            Visibility = vis switch { Vis.Private => Visibility.Private, Vis.Internal => Visibility.Internal, _ => Visibility.Public },
            RepositoryAccess = vis == Vis.PublicMembersOnlyRepository ? FeatureAccess.Private : FeatureAccess.Enabled,
        });
        var body = new Dictionary<string, object> { ["action"] = action, ["project"] = project.FullPath + ".git", ["changes"] = "_any", ["protocol"] = "ssh" };
        switch (who)
        {
            case Who.Anonymous:
                break;
            case Who.NonMember:
                body["user_id"] = (await fixture.UserAsync()).Id.ToString(System.Globalization.CultureInfo.InvariantCulture);
                break;
            case Who.Admin:
                body["key_id"] = (await fixture.KeyAsync((await fixture.UserAsync(u => u with { Admin = true })).Id)).Id;
                break;
            case Who.DeployKey or Who.DeployKeyWithPush:
                body["key_id"] = (await fixture.DeployKeyAsync(project, who == Who.DeployKeyWithPush)).Id;
                break;
            default:
                var level = who switch
                {
                    Who.Guest => AccessLevel.Guest,
                    Who.Reporter => AccessLevel.Reporter,
                    Who.Developer => AccessLevel.Developer,
                    _ => AccessLevel.Maintainer,
                };
                body["key_id"] = (await fixture.KeyAsync((await fixture.MemberAsync(project, level)).Id)).Id.ToString(System.Globalization.CultureInfo.InvariantCulture);
                break;
        }

        var (actual, text) = await fixture.AllowedAsync(body);

        Assert.Equal((HttpStatusCode)status, actual);
        if (status == 200)
        {
            Assert.Contains("\"status\":true", text, StringComparison.Ordinal);
            Assert.Equal(project.GlRepository, AllowedFixture.Str(text, "gl_repository"));
        }
        else
        {
            Assert.Equal(AllowedFixture.Denial(message), text);
        }
    }
}
