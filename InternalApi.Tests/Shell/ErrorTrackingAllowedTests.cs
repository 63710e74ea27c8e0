using System.Net;
using InternalApi.Core.Model;
using InternalApi.Tests.Infrastructure;

namespace InternalApi.Tests.Shell;

[Collection(ShellCollection.Name)]
public sealed class ErrorTrackingAllowedTests(ShellFixture fixture)
{
    private const string Path = "/api/v4/internal/error_tracking/allowed";

    private const string Header = "Gitlab-Error-Tracking-Token";

    private async Task<Project> ProjectAsync(bool errorTracking = true)
    {
        var id = TestIds.Next();
        var project = new Project { Id = id, Name = "p", NamespaceId = TestIds.Next(), FullPath = TestIds.Name("group/p"), ErrorTrackingEnabled = errorTracking };
        await fixture.Stores.Projects.UpsertProjectAsync(project);
        return project;
    }

    private static async Task<(HttpStatusCode Status, string Body)> PostAsync(TestApp app, HttpContent content, string? header = ShellFixture.ErrorTrackingToken, string query = "")
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, Path + query) { Content = content };
        if (header is not null)
        {
            request.Headers.Add(Header, header);
        }

        using var response = await app.Client.SendAsync(request);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        return (response.StatusCode, await response.Content.ReadAsStringAsync());
    }

    private Task<(HttpStatusCode Status, string Body)> PostAsync(string json, string? header = ShellFixture.ErrorTrackingToken) =>
        PostAsync(fixture.App, ShellFixture.Json(json), header);

    [Fact]
    public async Task ErrorTracking_Is_Enabled_For_An_Active_Key_Of_A_Project_With_The_Feature()
    {
        var project = await ProjectAsync();
        await fixture.Stores.ErrorTrackingKeys.UpsertErrorTrackingKeyAsync(new ErrorTrackingClientKey(project.Id, "pk-active", true));

        var (status, body) = await PostAsync($$"""{"project_id":{{project.Id}},"public_key":"pk-active"}""");

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("""{"enabled":true}""", body);
    }

    [Theory]
    [InlineData("inactive key")]
    [InlineData("unknown key")]
    [InlineData("project feature off")]
    [InlineData("key of another project")]
    public async Task ErrorTracking_Is_Disabled_Otherwise(string situation)
    {
        var project = await ProjectAsync(errorTracking: situation != "project feature off");
        var other = await ProjectAsync();
        await fixture.Stores.ErrorTrackingKeys.UpsertErrorTrackingKeyAsync(new ErrorTrackingClientKey(project.Id, "pk-on", true));
        await fixture.Stores.ErrorTrackingKeys.UpsertErrorTrackingKeyAsync(new ErrorTrackingClientKey(project.Id, "pk-off", false));
        await fixture.Stores.ErrorTrackingKeys.UpsertErrorTrackingKeyAsync(new ErrorTrackingClientKey(other.Id, "pk-other", true));
        var publicKey = situation switch
        {
            "inactive key" => "pk-off",
            "unknown key" => "pk-nope",
            "key of another project" => "pk-other",
            _ => "pk-on",
        };

        var (status, body) = await PostAsync($$"""{"project_id":{{project.Id}},"public_key":"{{publicKey}}"}""");

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("""{"enabled":false}""", body);
    }

    [Fact]
    public async Task ErrorTracking_Is_Disabled_When_The_Instance_Setting_Is_Off()
    {
        await using var app = await TestApp.StartAsync(fixture.Azurite.ConnectionString, settings: new Dictionary<string, string?>
        {
            ["Queues:DispatcherEnabled"] = "false",
            ["GitLab:ErrorTrackingAccessToken"] = ShellFixture.ErrorTrackingToken,
            ["GitLab:ErrorTrackingEnabled"] = "false",
        });
        var project = await ProjectAsync();
        await fixture.Stores.ErrorTrackingKeys.UpsertErrorTrackingKeyAsync(new ErrorTrackingClientKey(project.Id, "pk", true));

        var (status, body) = await PostAsync(app, ShellFixture.Json($$"""{"project_id":{{project.Id}},"public_key":"pk"}"""));

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("""{"enabled":false}""", body);
    }

    [Fact]
    public async Task ErrorTracking_Accepts_The_Token_As_A_Parameter_In_Json_Form_Or_Query()
    {
        var project = await ProjectAsync();
        await fixture.Stores.ErrorTrackingKeys.UpsertErrorTrackingKeyAsync(new ErrorTrackingClientKey(project.Id, "pk", true));
        var id = project.Id.ToString(System.Globalization.CultureInfo.InvariantCulture);

        var json = await PostAsync(fixture.App, ShellFixture.Json($$"""{"project_id":"{{id}}","public_key":"pk","error_tracking_token":"{{ShellFixture.ErrorTrackingToken}}"}"""), header: null);
        var form = await PostAsync(fixture.App, new FormUrlEncodedContent([new("project_id", id), new("public_key", "pk"), new("error_tracking_token", ShellFixture.ErrorTrackingToken)]), header: null);
        var query = await PostAsync(fixture.App, ShellFixture.Json($$"""{"project_id":{{id}},"public_key":"pk"}"""), header: null, query: "?error_tracking_token=" + ShellFixture.ErrorTrackingToken);

        Assert.Equal((HttpStatusCode.OK, """{"enabled":true}"""), json);
        Assert.Equal((HttpStatusCode.OK, """{"enabled":true}"""), form);
        Assert.Equal((HttpStatusCode.OK, """{"enabled":true}"""), query);
    }

    [Fact]
    public async Task ErrorTracking_Strips_One_Trailing_Newline_From_The_Token()
    {
        var project = await ProjectAsync();

        var (status, _) = await PostAsync($$"""{"project_id":{{project.Id}},"public_key":"pk","error_tracking_token":"{{ShellFixture.ErrorTrackingToken}}\n"}""", header: null);

        Assert.Equal(HttpStatusCode.OK, status);
    }

    public static TheoryData<string, string?, string?> Unauthorized => new()
    {
        { "no credential", null, null },
        { "wrong header", "wrong-token", null },
        { "empty header", "", null },
        { "wrong parameter beats right header", ShellFixture.ErrorTrackingToken, "wrong-token" },
        { "prefix of the token", ShellFixture.ErrorTrackingToken[..5], null },
    };

    [Theory]
    [MemberData(nameof(Unauthorized))]
    public async Task ErrorTracking_Without_The_Right_Token_Is_401(string situation, string? header, string? parameter)
    {
        var project = await ProjectAsync();
        var tokenField = parameter is null ? "" : $$""","error_tracking_token":"{{parameter}}" """;

        var (status, body) = await PostAsync($$"""{"project_id":{{project.Id}},"public_key":"pk"{{tokenField}}}""", header);

        Assert.True(status == HttpStatusCode.Unauthorized, situation);
        Assert.Equal("""{"message":"401 Unauthorized"}""", body);
    }

    [Fact]
    public async Task ErrorTracking_Ignores_The_Shell_Jwt()
    {
        var project = await ProjectAsync();
        using var request = fixture.App.ShellRequest(HttpMethod.Post, Path, ShellFixture.Json($$"""{"project_id":{{project.Id}},"public_key":"pk"}"""));

        using var response = await fixture.App.Client.SendAsync(request);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task ErrorTracking_Is_Always_401_When_No_Token_Is_Configured()
    {
        await using var app = await TestApp.StartAsync(fixture.Azurite.ConnectionString, settings: new Dictionary<string, string?>
        {
            ["Queues:DispatcherEnabled"] = "false",
        });
        var project = await ProjectAsync();

        var withHeader = await PostAsync(app, ShellFixture.Json($$"""{"project_id":{{project.Id}},"public_key":"pk"}"""), header: "");
        var withParam = await PostAsync(app, ShellFixture.Json($$"""{"project_id":{{project.Id}},"public_key":"pk","error_tracking_token":""}"""), header: null);

        Assert.Equal((HttpStatusCode.Unauthorized, """{"message":"401 Unauthorized"}"""), withHeader);
        Assert.Equal((HttpStatusCode.Unauthorized, """{"message":"401 Unauthorized"}"""), withParam);
    }

    [Fact]
    public async Task ErrorTracking_Checks_The_Token_Before_The_Parameters()
    {
        var (status, body) = await PostAsync("{}", header: "wrong");

        Assert.Equal(HttpStatusCode.Unauthorized, status);
        Assert.Equal("""{"message":"401 Unauthorized"}""", body);
    }

    [Fact]
    public async Task ErrorTracking_Answers_401_Not_400_To_An_Unauthenticated_Malformed_Body()
    {
        var (status, body) = await PostAsync("{not json", header: null);

        Assert.Equal(HttpStatusCode.Unauthorized, status);
        Assert.Equal("""{"message":"401 Unauthorized"}""", body);
    }

    [Theory]
    [InlineData("""{"public_key":"pk"}""")]
    [InlineData("""{"project_id":"","public_key":"pk"}""")]
    [InlineData("""{"project_id":1}""")]
    [InlineData("""{"project_id":1,"public_key":"  "}""")]
    [InlineData("{}")]
    public async Task ErrorTracking_Is_422_When_A_Parameter_Is_Blank(string json)
    {
        var (status, body) = await PostAsync(json);

        Assert.Equal((HttpStatusCode)422, status);
        Assert.Equal("""{"message":"422 Unprocessable Entity"}""", body);
    }

    [Theory]
    [InlineData("999999999999")]
    [InlineData("\"abc\"")]
    public async Task ErrorTracking_Is_404_When_The_Project_Is_Unknown(string projectId)
    {
        var (status, body) = await PostAsync($$"""{"project_id":{{projectId}},"public_key":"pk"}""");

        Assert.Equal(HttpStatusCode.NotFound, status);
        Assert.Equal("""{"message":"404 Not found"}""", body);
    }
}
