using System.Net;
using System.Text;
using System.Text.Json;
using InternalApi.Tests.Infrastructure;

namespace InternalApi.Tests.Hosting;

[Collection(AppCollection.Name)]
public sealed class RequestHandlingTests(AppFixture fixture)
{
    private readonly HttpClient _client = fixture.EchoApp.Client;

    private static async Task<JsonElement> JsonAsync(HttpResponseMessage response)
    {
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        return JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
    }

    [Fact]
    public async Task Json_Body_Binds_With_Numeric_Strings_Arrays_And_Objects()
    {
        var body = """{"name":"n","key_id":"11","flag":true,"scopes":["api","read_user"],"counters":{"gitops_sync":"3"},"unknown":1}""";
        using var response = await _client.PostAsync("/api/test/echo", new StringContent(body, Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var json = await JsonAsync(response);
        Assert.Equal(11, json.GetProperty("key_id").GetInt64());
        Assert.Equal(["api", "read_user"], json.GetProperty("scopes").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal(3, json.GetProperty("counters").GetProperty("gitops_sync").GetInt64());
    }

    [Fact]
    public async Task Form_Body_Binds_The_Same_Model_Including_Bracket_Arrays_And_Hashes()
    {
        var form = new FormUrlEncodedContent(
        [
            new("name", "n"), new("key_id", "11"), new("scopes[]", "api"), new("scopes[]", "read_user"), new("counters[gitops_sync]", "3"),
        ]);
        using var response = await _client.PostAsync("/api/test/echo", form);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var json = await JsonAsync(response);
        Assert.Equal("n", json.GetProperty("name").GetString());
        Assert.Equal(11, json.GetProperty("key_id").GetInt64());
        Assert.Equal(["api", "read_user"], json.GetProperty("scopes").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal(3, json.GetProperty("counters").GetProperty("gitops_sync").GetInt64());
    }

    [Fact]
    public async Task Query_Parameters_Merge_With_The_Body_And_The_Body_Wins()
    {
        using var response = await _client.PostAsync("/api/test/echo?name=fromquery&key_id=5", new StringContent("""{"key_id":7}""", Encoding.UTF8, "application/json"));
        var json = await JsonAsync(response);
        Assert.Equal("fromquery", json.GetProperty("name").GetString());
        Assert.Equal(7, json.GetProperty("key_id").GetInt64());

        using var get = await _client.GetAsync("/api/test/echo?name=q&scopes[]=a&scopes[]=b");
        Assert.Equal(["a", "b"], (await JsonAsync(get)).GetProperty("scopes").EnumerateArray().Select(e => e.GetString()));
    }

    [Fact]
    public async Task Missing_Required_Parameter_Is_400_In_Grape_Shape()
    {
        using var response = await _client.PostAsync("/api/test/echo", new StringContent("{}", Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("name is missing", (await JsonAsync(response)).GetProperty("error").GetString());
    }

    [Theory]
    [InlineData("""{"name":"n","key_id":"eleven"}""", "key_id is invalid")]
    [InlineData("""{"name":"n","scopes":"api"}""", "scopes is invalid")]
    [InlineData("""{"name":"n","counters":{"gitops_sync":"x"}}""", "counters[gitops_sync] is invalid")]
    [InlineData("""{"name":"n","counters":[1]}""", "counters is invalid")]
    public async Task Wrong_Types_Are_400_Naming_The_Parameter(string body, string expected)
    {
        using var response = await _client.PostAsync("/api/test/echo", new StringContent(body, Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(expected, (await JsonAsync(response)).GetProperty("error").GetString());
    }

    [Theory]
    [InlineData("{\"name\":")]
    [InlineData("[1,2]")]
    [InlineData("\"text\"")]
    public async Task Malformed_Or_Non_Object_Json_Is_400_Json(string body)
    {
        using var response = await _client.PostAsync("/api/test/echo", new StringContent(body, Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.StartsWith("400 Bad request", (await JsonAsync(response)).GetProperty("message").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Oversized_Body_Is_413_Json()
    {
        var big = new string('x', 70_000);
        using var response = await _client.PostAsync("/api/test/echo", new StringContent($$"""{"name":"{{big}}"}""", Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Equal("413 Request Entity Too Large", (await JsonAsync(response)).GetProperty("message").GetString());
    }

    [Fact]
    public async Task Unknown_Route_Is_404_And_Wrong_Method_Is_405_In_Json()
    {
        using var missing = await _client.GetAsync("/api/v4/internal/nope");
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
        Assert.Equal("404 Not Found", (await JsonAsync(missing)).GetProperty("error").GetString());

        using var wrong = await _client.DeleteAsync("/api/v4/internal/check");
        Assert.Equal(HttpStatusCode.MethodNotAllowed, wrong.StatusCode);
        Assert.Equal("405 Not Allowed", (await JsonAsync(wrong)).GetProperty("error").GetString());
    }

    [Fact]
    public async Task Unhandled_Exception_Is_500_Json_Without_Internals_And_Is_Logged()
    {
        using var response = await _client.GetAsync("/api/test/boom");
        Assert.Equal(HttpStatusCode.InternalServerError, response.StatusCode);
        var text = await response.Content.ReadAsStringAsync();
        Assert.Equal("""{"message":"500 Internal Server Error"}""", text);
        Assert.Contains(fixture.EchoApp.Logs.Entries, e => e.Exception?.Message.Contains("secret internals", StringComparison.Ordinal) == true);
    }

    [Fact]
    public async Task An_Invocation_That_Fails_Outside_The_Pipeline_Is_The_Hosts_500_Json_Not_The_Workers_Empty_200()
    {
        // The result throws while the worker writes it, after our pipeline returned: the worker's Kestrel has answered
        // 200 with an empty body, and the invocation reports Failure over gRPC. The host answers by the invocation.
        using var response = await _client.GetAsync("/api/test/bad-result");
        Assert.Equal(HttpStatusCode.InternalServerError, response.StatusCode);
        Assert.Equal("""{"message":"500 Internal Server Error"}""", await response.Content.ReadAsStringAsync());
        Assert.Contains(fixture.EchoApp.Logs.Entries, e => e.EventId.Id == 3030 && e.Message.Contains("BadResult", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Authentication_Runs_Before_The_Body_Is_Looked_At()
    {
        using var response = await _client.PostAsync("/api/test/shell-echo", new StringContent("{not json", Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("401 Unauthorized", (await JsonAsync(response)).GetProperty("message").GetString());

        using var authorized = fixture.EchoApp.ShellRequest(HttpMethod.Post, "/api/test/shell-echo", new StringContent("""{"name":"n"}""", Encoding.UTF8, "application/json"));
        using var ok = await _client.SendAsync(authorized);
        Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
    }

    [Fact]
    public async Task Queue_Functions_Have_No_Http_Route()
    {
        // Only HTTP triggers are served over HTTP: a queue function's name is no route.
        using var response = await fixture.App.Client.PostAsync("/Ping", new StringContent("""{"id":"x"}""", Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        using var prefixed = await fixture.App.Client.PostAsync("/api/Ping", new StringContent("""{"id":"x"}""", Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.NotFound, prefixed.StatusCode);
    }
}
