using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using InternalApi.Functions.Hosting;
using InternalApi.Tests.Import;
using InternalApi.Tests.Infrastructure;

namespace InternalApi.Tests.Conformance;

/// <summary>An app loaded with data/demo.json, the dataset that makes the doc's examples work verbatim.</summary>
public sealed class DemoFixture : IsolatedAppFixture
{
    public const string ErrorTrackingToken = "demo-error-tracking-token";

    protected override IDictionary<string, string?> Settings => new Dictionary<string, string?>
    {
        ["GitLab:ErrorTrackingAccessToken"] = ErrorTrackingToken,
        ["Queues:DispatcherEnabled"] = "false",
        ["Scim:InstanceSamlEnabled"] = "true",
        ["Subscriptions:GitLabCom"] = "true",
    };

    public async Task ImportDemoAsync()
    {
        using var error = new StringWriter();
        var code = await ImportCommand.RunAsync([ImportTests.FindDemo(), "--AzureWebJobsStorage=" + Azurite.ConnectionString, ImportFixture.OtpKeyArgument], TextWriter.Null, error);
        Assert.True(code == 0, error.ToString());
    }
}

[CollectionDefinition("doc-examples")]
public sealed class DocExampleCollection : ICollectionFixture<DemoFixture>;

/// <summary>
/// Sends every example request of the newest internal API doc (Git and shell part), once form-encoded as
/// its curl examples do and once as JSON as gitlab-shell does, and checks the documented response shape.
/// Where spec §7.1 lists a doc erratum, GitLab's real behaviour is asserted instead (noted per case).
/// </summary>
[Collection("doc-examples")]
public sealed class DocExampleTests(DemoFixture fixture) : IAsyncLifetime
{
    public Task InitializeAsync() => fixture.ImportDemoAsync();

    public Task DisposeAsync() => Task.CompletedTask;

    private async Task<(HttpStatusCode Status, JsonNode? Body)> SendAsync(HttpMethod method, string path, Dictionary<string, object>? parameters, bool json, Action<HttpRequestMessage>? auth = null)
    {
        HttpContent? content = null;
        if (parameters is not null)
        {
            if (json)
            {
                content = new StringContent(JsonSerializer.Serialize(parameters), Encoding.UTF8, "application/json");
            }
            else
            {
                var pairs = parameters.SelectMany(p => p.Value is string[] many
                    ? many.Select(v => new KeyValuePair<string, string>(p.Key + "[]", v))
                    : [new KeyValuePair<string, string>(p.Key, Convert.ToString(p.Value, System.Globalization.CultureInfo.InvariantCulture)!)]);
                content = new FormUrlEncodedContent(pairs);
            }
        }

        using var request = new HttpRequestMessage(method, path) { Content = content };
        if (auth is null)
        {
            request.Headers.Add(RequestAuthenticator.ShellHeader, fixture.App.ShellToken());
        }
        else
        {
            auth(request);
        }

        using var response = await fixture.App.Client.SendAsync(request);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        var text = await response.Content.ReadAsStringAsync();
        return (response.StatusCode, JsonNode.Parse(text));
    }

    private static string[] Keys(JsonNode? node) => node!.AsObject().Select(p => p.Key).ToArray();

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Allowed_Example(bool json)
    {
        var (status, body) = await SendAsync(HttpMethod.Post, "/api/v4/internal/allowed",
            new() { ["key_id"] = "11", ["project"] = "gnuwget/wget2", ["action"] = "git-upload-pack", ["protocol"] = "ssh" }, json);
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.True((bool)body!["status"]!);
        Assert.Equal("project-3", (string?)body["gl_repository"]);
        Assert.Equal("gnuwget/wget2", (string?)body["gl_project_path"]);
        Assert.Equal("user-1", (string?)body["gl_id"]);
        Assert.Equal("root", (string?)body["gl_username"]);
        Assert.Empty(body["gl_console_messages"]!.AsArray());
        var repository = body["gitaly"]!["repository"]!;
        Assert.Equal("default", (string?)repository["storage_name"]);
        Assert.Equal("@hashed/4e/07/4e07408562bedb8b60ce05c1decfe3ad16b72230967de01f640b7e4729b49fce.git", (string?)repository["relative_path"]);
        Assert.Equal("", (string?)repository["git_object_directory"]);
        Assert.Empty(repository["git_alternate_object_directories"]!.AsArray());
        Assert.Null(body["gitaly"]!["token"]);
        Assert.Contains("token", Keys(body["gitaly"]));
        // Doc era showed [] here; current GitLab always sends the two uploadpack options (spec §3.1.2).
        Assert.Equal(2, body["git_config_options"]!.AsArray().Count);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Lfs_Authenticate_Example(bool json)
    {
        var (status, body) = await SendAsync(HttpMethod.Post, "/api/v4/internal/lfs_authenticate", new() { ["key_id"] = "11", ["project"] = "gnuwget/wget2" }, json);
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(["username", "lfs_token", "repository_http_path", "expires_in"], Keys(body));
        Assert.Equal("root", (string?)body!["username"]);
        Assert.Equal(3, ((string)body["lfs_token"]!).Split('.').Length);
        Assert.Equal("http://127.0.0.1:7071/gnuwget/wget2.git", (string?)body["repository_http_path"]);
        // Erratum 3: the doc shows 1800; current GitLab issues 7200-second tokens.
        Assert.Equal(7200, (int)body["expires_in"]!);
    }

    [Fact]
    public async Task Authorized_Keys_Example()
    {
        var demo = JsonNode.Parse(await File.ReadAllTextAsync(ImportTests.FindDemo()))!;
        var key11 = demo["keys"]!.AsArray().Single(k => (long)k!["id"]! == 11)!;
        var blob = ((string)key11["key"]!).Split(' ')[1];
        var (status, body) = await SendAsync(HttpMethod.Get, "/api/v4/internal/authorized_keys?key=" + Uri.EscapeDataString(blob), null, json: false);
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(11, (int)body!["id"]!);
        Assert.Equal("admin@example.com", (string?)body["title"]);
        Assert.StartsWith("ssh-ed25519 " + blob + " ", (string)body["key"]!, StringComparison.Ordinal);
        Assert.Equal("2019-06-27T15:29:02.219Z", (string?)body["created_at"]);
    }

    [Fact]
    public async Task Discover_Example()
    {
        var (status, body) = await SendAsync(HttpMethod.Get, "/api/v4/internal/discover?key_id=7", null, json: false);
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(7, (int)body!["id"]!);
        Assert.Equal("Dede Eichmann", (string?)body["name"]);
        Assert.Equal("rubi", (string?)body["username"]);
        Assert.Equal(3, Keys(body).Length);
    }

    [Fact]
    public async Task Check_Example()
    {
        var (status, body) = await SendAsync(HttpMethod.Get, "/api/v4/internal/check", null, json: false);
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(["api_version", "gitlab_version", "gitlab_rev", "redis"], Keys(body));
        Assert.Equal("v4", (string?)body!["api_version"]);
        Assert.True((bool)body["redis"]!);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Two_Factor_Recovery_Codes_Example(bool json)
    {
        // Erratum 1: the doc's heading says GET; the example (and GitLab) use POST.
        var (status, body) = await SendAsync(HttpMethod.Post, "/api/v4/internal/two_factor_recovery_codes", new() { ["key_id"] = "7" }, json);
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.True((bool)body!["success"]!);
        var codes = body["recovery_codes"]!.AsArray().Select(c => (string)c!).ToList();
        Assert.Equal(10, codes.Count);
        Assert.All(codes, c => Assert.Matches("^[0-9a-f]{16}$", c));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Personal_Access_Token_Example(bool json)
    {
        var (status, body) = await SendAsync(HttpMethod.Post, "/api/v4/internal/personal_access_token",
            new() { ["user_id"] = "29", ["name"] = "mytokenname", ["scopes"] = new[] { "read_user", "read_repository" }, ["expires_at"] = "2020-07-24" }, json);
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.True((bool)body!["success"]!, body.ToJsonString());
        Assert.Equal(["success", "token", "scopes", "expires_at"], Keys(body));
        Assert.Equal(["read_user", "read_repository"], body["scopes"]!.AsArray().Select(s => (string)s!));
        Assert.Equal("2020-07-24", (string?)body["expires_at"]);
        Assert.StartsWith("glpat-", (string)body["token"]!, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Error_Tracking_Allowed_Example(bool json)
    {
        // Erratum 2: GitLab authenticates this call with the error tracking token, not the shell JWT.
        var (status, body) = await SendAsync(HttpMethod.Post, "/api/v4/internal/error_tracking/allowed",
            new() { ["project_id"] = "111", ["public_key"] = "generated-error-tracking-key" }, json,
            r => r.Headers.Add("Gitlab-Error-Tracking-Token", DemoFixture.ErrorTrackingToken));
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("""{"enabled":true}""", body!.ToJsonString());
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Pre_And_Post_Receive_Examples(bool json)
    {
        var (status, body) = await SendAsync(HttpMethod.Post, "/api/v4/internal/pre_receive", new() { ["gl_repository"] = "project-7" }, json);
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("""{"reference_counter_increased":true}""", body!.ToJsonString());

        // The doc's curl sends "...gh-pages\n" inside double quotes: a literal backslash-n, and a bare ref.
        (status, body) = await SendAsync(HttpMethod.Post, "/api/v4/internal/post_receive",
            new() { ["gl_repository"] = "project-7", ["identifier"] = "user-1", ["changes"] = "0000000000000000000000000000000000000000 fd9e76b9136bdd9fe217061b497745792fe5a5ee gh-pages\\n" }, json);
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("""{"messages":[{"message":"Hello from post-receive","type":"alert"}],"reference_counter_decreased":true}""", body!.ToJsonString());
    }
}
