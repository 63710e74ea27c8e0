using System.Globalization;
using InternalApi.Core.Kubernetes;
using InternalApi.Core.Model;
using InternalApi.Tests.Infrastructure;
using Microsoft.Extensions.Logging;

namespace InternalApi.Tests.Kubernetes;

/// <summary>Spec §4.1: the KAS JWT first, then the agent token, on every agent endpoint.</summary>
[Collection(KasCollection.Name)]
public sealed class AgentTokenAuthTests(KasFixture fixture)
{
    private const string KasInvalid = """{"message":"KAS JWT authentication invalid"}""";
    private const string Unauthorized = """{"message":"401 Unauthorized"}""";

    /// <summary>Every endpoint that takes the agent token, with a request that would otherwise succeed.</summary>
    public static TheoryData<string> Endpoints => new()
    {
        "/api/v4/internal/kubernetes/agent_info",
        "/api/v4/internal/kubernetes/project_info?id={project}",
    };

    private static string Path(string endpoint, SeededAgent agent) =>
        endpoint.Replace("{project}", agent.Project.Id.ToString(CultureInfo.InvariantCulture), StringComparison.Ordinal);

    [Theory]
    [MemberData(nameof(Endpoints))]
    public async Task A_Valid_Jwt_And_Agent_Token_Are_Accepted(string endpoint)
    {
        var agent = await fixture.AgentAsync();
        var (status, body) = await fixture.GetAsync(Path(endpoint, agent), agent.Token);
        Assert.True(status == 200, body);
    }

    [Theory]
    [MemberData(nameof(Endpoints))]
    public async Task Without_A_Valid_Kas_Jwt_The_Answer_Is_401_Kas_Jwt_Authentication_Invalid(string endpoint)
    {
        var agent = await fixture.AgentAsync();
        foreach (var jwt in new[] { KasJwt.None, KasJwt.Garbage, KasJwt.WrongKey, KasJwt.Shell })
        {
            Assert.Equal((401, KasInvalid), await fixture.GetAsync(Path(endpoint, agent), agent.Token, jwt));

            // The JWT is checked first: a bad agent token does not change the answer.
            Assert.Equal((401, KasInvalid), await fixture.GetAsync(Path(endpoint, agent), "glagent-unknown", jwt));
        }
    }

    [Theory]
    [MemberData(nameof(Endpoints))]
    public async Task Without_An_Active_Agent_Token_The_Answer_Is_401_Unauthorized(string endpoint)
    {
        var agent = await fixture.AgentAsync();
        var revoked = await fixture.TokenAsync(agent.Agent, AgentTokenStatus.Revoked);
        var path = Path(endpoint, agent);

        Assert.Equal((401, Unauthorized), await fixture.GetAsync(path, agentToken: null));
        Assert.Equal((401, Unauthorized), await fixture.GetAsync(path, revoked));
        Assert.Equal((401, Unauthorized), await fixture.GetAsync(path, "glagent-" + new string('0', 48)));
        Assert.Equal((401, Unauthorized), await fixture.GetAsync(path, agent.Token + "x"));
        Assert.Equal((401, Unauthorized), await fixture.GetAsync(path, agent.Token.ToUpperInvariant()));
        Assert.Equal((401, Unauthorized), await fixture.GetAsync(path, new string('a', 20_000)));
    }

    [Theory]
    [InlineData("Basic {token}")]
    [InlineData("bearer {token}")]
    [InlineData("Bearer")]
    [InlineData("Bearer ")]
    [InlineData("Bearer{token}")]
    [InlineData("Token token=")]
    [InlineData("{token}")]
    [InlineData("Bearer x{token}")]
    public async Task Malformed_Authorization_Headers_Are_401_Unauthorized(string authorization)
    {
        var agent = await fixture.AgentAsync();
        Assert.Equal((401, Unauthorized), await fixture.SendAsync(HttpMethod.Get, "/api/v4/internal/kubernetes/agent_info", null,
            authorization: authorization.Replace("{token}", agent.Token, StringComparison.Ordinal)));
    }

    [Theory]
    [InlineData("Bearer {token}")]
    [InlineData("Bearer   {token}  ")]
    [InlineData("Token {token}")]
    [InlineData("Token token={token}")]
    [InlineData("Token token=\"{token}\", nonce=\"n\"")]
    [InlineData("Bearer {token}; extra")]
    public async Task The_Token_Forms_Rails_Reads_Are_Accepted(string authorization)
    {
        var agent = await fixture.AgentAsync();
        var (status, body) = await fixture.SendAsync(HttpMethod.Get, "/api/v4/internal/kubernetes/agent_info", null,
            authorization: authorization.Replace("{token}", agent.Token, StringComparison.Ordinal));
        Assert.Equal(200, status);
        Assert.Equal(agent.Agent.Id, KasFixture.Parse(body).GetProperty("agent_id").GetInt64());
    }

    /// <summary>Every function declared with the agent token, with a request that needs nothing else to get past auth.</summary>
    public static TheoryData<string, string> AgentEndpoints => new()
    {
        { "GET", "/api/v4/internal/kubernetes/agent_info" },
        { "GET", "/api/v4/internal/kubernetes/project_info?id={project}" },
        { "PUT", "/api/v4/internal/kubernetes/modules/starboard_vulnerability" },
        { "POST", "/api/v4/internal/kubernetes/modules/starboard_vulnerability/scan_result" },
        { "GET", "/api/v4/internal/kubernetes/modules/starboard_vulnerability/scan_execution_policies" },
        { "GET", "/api/v4/internal/kubernetes/modules/starboard_vulnerability/policies_configuration" },
        { "POST", "/api/v4/internal/kubernetes/modules/cilium_alert" },
    };

    private static KeyValuePair<string, string>[] Header(string name, string value) => [KeyValuePair.Create(name, value)];

    private static long AgentId(string body) => KasFixture.Parse(body).GetProperty("agent_id").GetInt64();

    [Theory]
    [MemberData(nameof(AgentEndpoints))]
    public async Task A_Current_Kas_Sending_Only_Gitlab_Agent_Api_Request_Gets_Past_Auth_On_Every_Agent_Endpoint(string method, string endpoint)
    {
        var agent = await fixture.AgentAsync();
        var path = Path(endpoint, agent);
        using var first = method == "GET" ? null : KasFixture.Json("{}");
        var (status, body) = await fixture.SendAsync(new HttpMethod(method), path, agentToken: null, content: first,
            headers: Header(AgentTokenHeader.AgentHeader, agent.Token));

        // What comes after auth (400 for an empty finding, 402/403 for licences and permissions) is each
        // endpoint's business; the two read-only answers that need nothing else are 200.
        Assert.NotEqual(401, status);
        if (method == "GET" && !endpoint.Contains("starboard", StringComparison.Ordinal))
        {
            Assert.True(status == 200, body);
        }

        using var second = method == "GET" ? null : KasFixture.Json("{}");
        Assert.Equal((401, Unauthorized), await fixture.SendAsync(new HttpMethod(method), path, agentToken: null, content: second));
    }

    [Theory]
    [InlineData(AgentTokenHeader.AgentHeader)]
    [InlineData(AgentTokenHeader.AgentkHeader)]
    public async Task Each_Agent_Header_Alone_Is_Accepted(string header)
    {
        var agent = await fixture.AgentAsync();

        var (status, body) = await fixture.SendAsync(HttpMethod.Get, "/api/v4/internal/kubernetes/agent_info", null, headers: Header(header, agent.Token));

        Assert.Equal((200, agent.Agent.Id), (status, AgentId(body)));
    }

    [Theory]
    [InlineData(AgentTokenHeader.AgentHeader)]
    [InlineData(AgentTokenHeader.AgentkHeader)]
    public async Task An_Unknown_Or_Revoked_Token_In_An_Agent_Header_Is_401(string header)
    {
        var agent = await fixture.AgentAsync();
        var revoked = await fixture.TokenAsync(agent.Agent, AgentTokenStatus.Revoked);

        foreach (var token in new[] { revoked, "glagent-" + new string('0', 48), agent.Token + "x", "Bearer " + agent.Token })
        {
            Assert.Equal((401, Unauthorized), await fixture.SendAsync(HttpMethod.Get, "/api/v4/internal/kubernetes/agent_info", null, headers: Header(header, token)));
        }
    }

    [Fact]
    public async Task The_Newest_Header_Wins_Gitlab_Agent_Then_Gitlab_Agentk_Then_Authorization()
    {
        var newest = await fixture.AgentAsync();
        var previous = await fixture.AgentAsync();
        var oldest = await fixture.AgentAsync();
        const string AgentInfo = "/api/v4/internal/kubernetes/agent_info";
        KeyValuePair<string, string>[] both = [KeyValuePair.Create(AgentTokenHeader.AgentHeader, newest.Token), KeyValuePair.Create(AgentTokenHeader.AgentkHeader, previous.Token)];

        var (status, body) = await fixture.SendAsync(HttpMethod.Get, AgentInfo, oldest.Token, headers: both);
        Assert.Equal((200, newest.Agent.Id), (status, AgentId(body)));

        (status, body) = await fixture.SendAsync(HttpMethod.Get, AgentInfo, oldest.Token, headers: Header(AgentTokenHeader.AgentkHeader, previous.Token));
        Assert.Equal((200, previous.Agent.Id), (status, AgentId(body)));

        (status, body) = await fixture.SendAsync(HttpMethod.Get, AgentInfo, oldest.Token, headers: Header(AgentTokenHeader.AgentHeader, newest.Token));
        Assert.Equal((200, newest.Agent.Id), (status, AgentId(body)));

        // An Authorization header that carries no token does not hide a token in the agent headers.
        (status, body) = await fixture.SendAsync(HttpMethod.Get, AgentInfo, null, authorization: "Basic x", headers: Header(AgentTokenHeader.AgentkHeader, previous.Token));
        Assert.Equal((200, previous.Agent.Id), (status, AgentId(body)));
    }

    [Fact]
    public async Task A_Bad_Token_In_A_Newer_Header_Is_Not_Rescued_By_An_Older_One()
    {
        var agent = await fixture.AgentAsync();
        const string AgentInfo = "/api/v4/internal/kubernetes/agent_info";

        Assert.Equal((401, Unauthorized), await fixture.SendAsync(HttpMethod.Get, AgentInfo, null,
            headers: [KeyValuePair.Create(AgentTokenHeader.AgentHeader, "glagent-unknown"), KeyValuePair.Create(AgentTokenHeader.AgentkHeader, agent.Token)]));
        Assert.Equal((401, Unauthorized), await fixture.SendAsync(HttpMethod.Get, AgentInfo, agent.Token,
            headers: Header(AgentTokenHeader.AgentkHeader, "glagent-unknown")));
    }

    [Fact]
    public async Task A_Blank_Agent_Header_Counts_As_Absent()
    {
        var agent = await fixture.AgentAsync();

        var (status, body) = await fixture.SendAsync(HttpMethod.Get, "/api/v4/internal/kubernetes/agent_info", agent.Token,
            headers: [KeyValuePair.Create(AgentTokenHeader.AgentHeader, " "), KeyValuePair.Create(AgentTokenHeader.AgentkHeader, "")]);
        Assert.Equal((200, agent.Agent.Id), (status, AgentId(body)));

        Assert.Equal((401, Unauthorized), await fixture.SendAsync(HttpMethod.Get, "/api/v4/internal/kubernetes/agent_info", null,
            headers: Header(AgentTokenHeader.AgentHeader, " ")));
    }

    [Fact]
    public async Task A_Token_Of_Another_Agent_Acts_As_That_Agent()
    {
        var mine = await fixture.AgentAsync();
        var theirs = await fixture.AgentAsync();

        var (status, body) = await fixture.GetAsync("/api/v4/internal/kubernetes/agent_info", theirs.Token);
        Assert.Equal((200, theirs.Agent.Id, theirs.Project.Id), (status, KasFixture.Parse(body).GetProperty("agent_id").GetInt64(), KasFixture.Parse(body).GetProperty("project_id").GetInt64()));

        // My private configuration project is invisible to the other agent.
        Assert.Equal((404, """{"message":"404 Not Found"}"""), await fixture.GetAsync($"/api/v4/internal/kubernetes/project_info?id={mine.Project.Id}", theirs.Token));
    }

    [Fact]
    public async Task A_Token_Whose_Agent_Is_Gone_Is_401()
    {
        var agent = await fixture.AgentAsync();
        await fixture.Agents.Tables.Agents.DeleteEntityAsync(agent.Agent.Id.ToString(CultureInfo.InvariantCulture), "");
        Assert.Equal((401, Unauthorized), await fixture.GetAsync("/api/v4/internal/kubernetes/agent_info", agent.Token));
    }

    [Fact]
    public async Task Last_Used_At_Is_Written_On_First_Use_And_Then_At_Most_Once_A_Minute()
    {
        var agent = await fixture.AgentAsync();
        var digest = SecretDigest.Sha256Hex(agent.Token);
        Assert.Null((await fixture.Agents.FindTokenAsync(digest))!.Token.LastUsedAt);

        Assert.Equal(200, (await fixture.GetAsync("/api/v4/internal/kubernetes/agent_info", agent.Token)).Status);
        var first = (await fixture.Agents.FindTokenAsync(digest))!;
        Assert.NotNull(first.Token.LastUsedAt);
        Assert.True(DateTimeOffset.UtcNow - first.Token.LastUsedAt!.Value < TimeSpan.FromMinutes(1));

        // Within the minute: no write at all (same ETag), however many requests.
        await Task.WhenAll(Enumerable.Range(0, 10).Select(_ => fixture.GetAsync("/api/v4/internal/kubernetes/agent_info", agent.Token)));
        Assert.Equal(first.ETag, (await fixture.Agents.FindTokenAsync(digest))!.ETag);

        // Older than a minute: the next use writes it again.
        var stale = first.Token with { LastUsedAt = DateTimeOffset.UtcNow.AddMinutes(-2) };
        await fixture.Agents.UpsertTokenAsync(stale);
        Assert.Equal(200, (await fixture.GetAsync("/api/v4/internal/kubernetes/agent_info", agent.Token)).Status);
        Assert.True((await fixture.Agents.FindTokenAsync(digest))!.Token.LastUsedAt > stale.LastUsedAt!.Value.AddMinutes(1));
    }

    [Fact]
    public async Task Concurrent_First_Uses_Write_Last_Used_At_Without_Failing_Any_Request()
    {
        var agent = await fixture.AgentAsync();
        var answers = await Task.WhenAll(Enumerable.Range(0, 20).Select(_ => fixture.GetAsync("/api/v4/internal/kubernetes/agent_info", agent.Token)));
        Assert.All(answers, a => Assert.Equal(200, a.Status));
        Assert.NotNull((await fixture.Agents.FindTokenAsync(SecretDigest.Sha256Hex(agent.Token)))!.Token.LastUsedAt);
    }

    [Fact]
    public async Task Tokens_Are_Never_Logged_And_Rejections_Say_Why()
    {
        var agent = await fixture.AgentAsync();
        var revoked = await fixture.TokenAsync(agent.Agent, AgentTokenStatus.Revoked);
        await fixture.GetAsync("/api/v4/internal/kubernetes/agent_info", agent.Token);
        await fixture.GetAsync("/api/v4/internal/kubernetes/agent_info", revoked);

        var entries = fixture.App.Logs.Entries;
        Assert.DoesNotContain(entries, e => e.Message.Contains(agent.Token, StringComparison.Ordinal) || e.Message.Contains(revoked, StringComparison.Ordinal));
        Assert.Contains(entries, e => e.Message.Contains("revoked agent token", StringComparison.Ordinal));
        Assert.DoesNotContain(entries, e => e.Level >= LogLevel.Warning && e.Category.Contains("Kubernetes", StringComparison.Ordinal));
    }
}
