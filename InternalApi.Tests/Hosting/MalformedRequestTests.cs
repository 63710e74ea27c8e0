using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using InternalApi.Core.Kubernetes;
using InternalApi.Core.Model;
using InternalApi.Core.Receive;
using InternalApi.Core.Scim;
using Azure.Data.Tables;
using Azure.Storage.Queues;
using InternalApi.Functions.Functions.Kubernetes;
using InternalApi.Functions.Hosting;
using InternalApi.Tests.Import;
using InternalApi.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Xunit.Abstractions;

namespace InternalApi.Tests.Hosting;

/// <summary>
/// Its own app: a small body limit (oversize cases stay cheap), no queue dispatcher (nothing is consumed
/// behind the snapshot's back), an error tracking token, a few stored entities no case names, and the demo
/// groups and user the CustomersDot and Admin Area routes are aimed at (imported from data/demo.json).
/// </summary>
public sealed class MalformedRequestFixture : IsolatedAppFixture
{
    /// <summary>The configured error tracking access token.</summary>
    public const string ErrorTrackingToken = "et-malformed-0123456789";

    /// <summary>The id of every seeded entity.</summary>
    public const long SeededId = 777_000_000_123;

    /// <summary>The seeded group's SCIM token.</summary>
    public const string ScimGroupToken = "seeded-malformed-group-scim-token";

    /// <summary>The instance SCIM token.</summary>
    public const string ScimInstanceToken = "seeded-malformed-instance-scim-token";
    /// <summary>The seeded administrator's personal access token (<c>api</c>).</summary>
    public const string AdminToken = "glpat-seeded-malformed-admin-token";

    /// <summary>The seeded agent's active token.</summary>
    public const string AgentToken = "glagent-seeded-malformed-agent-token";

    /// <inheritdoc/>
    protected override IDictionary<string, string?> Settings => new Dictionary<string, string?>
    {
        ["Http:MaxRequestBodyBytes"] = MalformedRequests.BodyLimit.ToString(CultureInfo.InvariantCulture),
        ["Queues:DispatcherEnabled"] = "false",
        ["GitLab:ErrorTrackingAccessToken"] = ErrorTrackingToken,
        ["Scim:InstanceSamlEnabled"] = "true",
        ["Subscriptions:GitLabCom"] = "true",

        // The seeded agent token's last use is recorded at seeding, and then not again for a day: the agent
        // endpoints authenticate every request with it, and the run must not write.
        ["Kas:AgentTokenUsageInterval"] = "1.00:00:00",
    };

    /// <inheritdoc/>
    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();

        // Ids and names far from anything the generator produces, so that no case can reach them.
        const long id = SeededId;
        var stores = StoreSet.Of(App.Services);
        await stores.Users.UpsertUserAsync(new User { Id = id, Username = "seeded-malformed-user", Name = "Seeded", CanCreatePersonalAccessToken = true });
        await stores.Namespaces.UpsertNamespaceAsync(new GitLabNamespace { Id = id, Name = "seeded", FullPath = MalformedRequests.ScimGroupPath, RootId = id });
        var scim = App.Services.GetRequiredService<ScimStore>();
        await scim.UpsertSamlProviderAsync(new SamlProvider(id, true, AccessLevel.Developer));
        await scim.UpsertTokenAsync(SecretDigest.Sha256Hex(ScimGroupToken), ScimTables.GroupScope(id));
        await scim.UpsertTokenAsync(SecretDigest.Sha256Hex(ScimInstanceToken), ScimTables.InstanceScope);
        await stores.Projects.UpsertProjectAsync(new Project { Id = id, Name = "p", NamespaceId = id, FullPath = "seeded-malformed-group/p", DefaultBranch = "main", Visibility = Visibility.Public });
        var blob = Convert.ToBase64String(Encoding.ASCII.GetBytes("seeded-malformed-key-blob-that-no-case-sends"));
        await stores.Keys.UpsertKeyAsync(new SshKey { Id = id, UserId = id, Title = "seeded", KeyType = "ssh-ed25519", Blob = blob, Fingerprint = SshKey.FingerprintOf(blob) ?? "seeded-fingerprint" });
        await stores.ErrorTrackingKeys.UpsertErrorTrackingKeyAsync(new ErrorTrackingClientKey(id, "seeded-public-key", true));
        await stores.Users.UpsertUserAsync(new User { Id = id + 1, Username = "seeded-malformed-admin", Name = "Seeded admin", Admin = true });
        await stores.AccessTokens.UpsertPersonalAccessTokenAsync(new PersonalAccessToken { Id = id, UserId = id + 1, Name = "seeded", Digest = SecretDigest.Sha256Hex(AdminToken), Scopes = ["api"] });
        await App.Services.GetRequiredService<ReferenceCounter>().IncrementAsync("project-" + id.ToString(CultureInfo.InvariantCulture));
        var agents = App.Services.GetRequiredService<AgentStore>();
        await agents.UpsertAgentAsync(new ClusterAgent { Id = id, Name = "seeded-malformed-agent", ProjectId = id, CreatedById = id });
        await agents.UpsertTokenAsync(new AgentToken
        {
            Id = id,
            AgentId = id,
            Digest = SecretDigest.Sha256Hex(AgentToken),
            Name = "seeded",
            LastUsedAt = DateTimeOffset.UtcNow,
        });

        // Real targets for the CustomersDot and Admin Area routes, imported as the import command imports them: the demo
        // groups (MalformedRequests.DemoGroups) and user 29. Only those: the demo data's small ids (key 11, user 1,
        // project 1) are values the cases send, and naming them could make a case succeed and write.
        var demo = JsonNode.Parse(await File.ReadAllTextAsync(ImportTests.FindDemo()))!;
        var users = new JsonArray();
        foreach (var user in demo["users"]!.AsArray().Where(u => u!["id"]!.ToJsonString() == MalformedRequests.DemoUserId))
        {
            users.Add(user!.DeepClone());
        }

        var groups = new JsonArray();
        foreach (var group in demo["groups"]!.AsArray().Where(g => MalformedRequests.DemoGroups.Contains(g!["path"]!.GetValue<string>())))
        {
            groups.Add(group!.DeepClone());
        }

        var subset = new JsonObject { ["users"] = users, ["groups"] = groups };
        var file = Path.Combine(Path.GetTempPath(), $"malformed-demo-{Guid.NewGuid():N}.json");
        await File.WriteAllTextAsync(file, subset.ToJsonString());
        try
        {
            using var error = new StringWriter();
            var code = await ImportCommand.RunAsync([file, "--AzureWebJobsStorage=" + Azurite.ConnectionString, ImportFixture.OtpKeyArgument], TextWriter.Null, error);
            Assert.True(code == 0, error.ToString());
        }
        finally
        {
            File.Delete(file);
        }
    }
}

[CollectionDefinition("malformed-requests")]
public sealed class MalformedRequestCollection : ICollectionFixture<MalformedRequestFixture>;

/// <summary>
/// "Bad input never gets a 5xx": every generated malformed request (<see cref="MalformedRequests"/>) is answered
/// with JSON and a 4xx, or with one of the function's documented non-error answers, and nothing is written.
/// Where GitLab's answer is known exactly (<see cref="MalformedRequest.Exact"/>: Grape's parameter refusals on the
/// CustomersDot and Admin Area routes, aimed at real demo entities), it must be that status and body byte for byte.
/// </summary>
[Collection("malformed-requests")]
public sealed class MalformedRequestTests(MalformedRequestFixture fixture, ITestOutputHelper output)
{
    private const int Concurrency = 16;

    /// <summary>
    /// The 2xx answers a function may legitimately give to a request that reaches it (anything else must be
    /// a 4xx with an error body). Functions not listed here have none: for them a malformed request that is
    /// not refused would be a bug (<c>/allowed</c>, <c>lfs_authenticate</c>, <c>authorized_keys</c> deny with
    /// 401/404 and GitLab's bodies; the receive hooks only ever get requests that must be refused).
    /// </summary>
    private static readonly Dictionary<string, Func<int, JsonNode?, bool>> DocumentedAnswers = new(StringComparer.OrdinalIgnoreCase)
    {
        // Liveness never reads the request.
        ["/api/health"] = (status, body) => status == 200 && Text(body, "status") == "ok",

        // The OpenAPI document never reads the request either.
        ["/api/openapi.json"] = (status, body) => status == 200 && Text(body, "openapi") == "3.1.0",

        // Never reads parameters: 200 once authenticated.
        ["/api/v4/internal/check"] = (status, body) => status == 200 && Text(body, "api_version") == "v4",

        // Nobody found: the literal body null (gitlab-shell then greets "Anonymous").
        ["/api/v4/internal/discover"] = (status, body) => status == 200 && body is null,

        // Business failures of the shell commands are 200 {"success":false,"message":...} (spec §1.6).
        ["/api/v4/internal/two_factor_recovery_codes"] = (status, body) => status == 200 && IsShellFailure(body),
        ["/api/v4/internal/personal_access_token"] = (status, body) => status == 200 && IsShellFailure(body),
        ["/api/v4/internal/two_factor_manual_otp_check"] = (status, body) => status == 200 && IsShellFailure(body),
        ["/api/v4/internal/two_factor_push_otp_check"] = (status, body) => status == 200 && IsShellFailure(body),

        // Audit events are off by default (GitLab CE's answer once the access check passed).
        ["/api/v4/internal/shellhorse/git_audit_event"] = (status, body) =>
            status == 200 && body?["status"]?.GetValueKind() == JsonValueKind.False && Text(body, "message") == "No git audit event needed",

        // A known project with an unknown key: not enabled.
        ["/api/v4/internal/error_tracking/allowed"] = (status, body) => status == 200 && body?["enabled"]?.GetValueKind() == JsonValueKind.False,

        // Pages: a host nothing is served at is GitLab's 204 (blank, hostile and over-long hosts alike); a top-level
        // namespace's name answers its (here empty) sites.
        ["/api/v4/internal/pages"] = (status, body) => status == 204 || (status == 200 && body?["lookup_paths"] is JsonArray),
        ["/api/v4/internal/pages/status"] = (status, _) => status == 204,

        // Validation passed and nothing was counted (zero counts, unknown names): 204 without a body.
        ["/api/v4/internal/kubernetes/usage_metrics"] = (status, _) => status == 204,

        // Takes no parameters: the seeded agent, whatever the request carries.
        // An empty array upserts nothing: 200 with GitLab's body 200.
        ["/api/v4/internal/upcoming_reconciliations"] = (status, body) => status == 200 && body is JsonValue v && v.ToJsonString() == "200",

        // No exclusion is stored: an empty page.
        ["/api/v4/namespaces/storage/limit_exclusions"] = (status, body) => status == 200 && body is JsonArray { Count: 0 },

        ["/api/v4/internal/kubernetes/agent_info"] = (status, body) => status == 200 && body?["agent_id"]?.GetValue<long>() == MalformedRequestFixture.SeededId,
        ["/api/v4/internal/agents/agentk/agent_info"] = (status, body) => status == 200 && body?["agent_id"]?.GetValue<long>() == MalformedRequestFixture.SeededId,

        // Validated, and no case names a known event: nothing queued, 204 without a body.
        ["/api/v4/internal/kubernetes/agent_events"] = (status, _) => status == 204,

        // Read nothing: the seeded agent's project has no policy configuration.
        ["/api/v4/internal/kubernetes/modules/starboard_vulnerability/scan_execution_policies"] = (status, body) => status == 200 && body?["policies"] is JsonArray { Count: 0 },
        ["/api/v4/internal/kubernetes/modules/starboard_vulnerability/policies_configuration"] = (status, body) => status == 200 && body?["configurations"] is JsonArray { Count: 0 },

        // The CustomersDot and Admin Area reads, aimed at demo group acme (101) and user kristina (29): acme has no
        // subscription (the entity with empty leaves), no owner among the imported users, and kristina may not edit its billing.
        ["/api/v4/namespaces/" + MalformedRequests.DemoGroupId + "/gitlab_subscription"] = (status, body) => status == 200 && body?["plan"] is JsonObject && body["billing"] is JsonObject,
        ["/api/v4/internal/gitlab_subscriptions/namespaces/" + MalformedRequests.DemoGroupId + "/gitlab_subscription"] = (status, body) => status == 200 && body?["plan"] is JsonObject && body["billing"] is JsonObject,
        ["/api/v4/internal/gitlab_subscriptions/namespaces/" + MalformedRequests.DemoGroupId] = (status, body) => status == 200 && body?["id"]?.ToJsonString() == MalformedRequests.DemoGroupId,
        ["/api/v4/internal/gitlab_subscriptions/namespaces/" + MalformedRequests.DemoGroupId + "/owners"] = (status, body) => status == 200 && body is JsonArray { Count: 0 },
        ["/api/v4/internal/gitlab_subscriptions/users/" + MalformedRequests.DemoUserId] = (status, body) => status == 200 && body?["id"]?.ToJsonString() == MalformedRequests.DemoUserId,
        ["/api/v4/internal/gitlab_subscriptions/namespaces/" + MalformedRequests.DemoGroupId + "/user_permissions/" + MalformedRequests.DemoUserId] = (status, body) =>
            status == 200 && body?["edit_billing"]?.GetValueKind() == JsonValueKind.False,

        // Nobody is provisioned in the seeded scopes: an empty list.
        ["/api/scim/v2/groups/" + MalformedRequests.ScimGroupPath + "/Users"] = (status, body) => status == 200 && body?["totalResults"]?.GetValue<int>() == 0,
        ["/api/scim/v2/application/Users"] = (status, body) => status == 200 && body?["totalResults"]?.GetValue<int>() == 0,
    };

    [Fact]
    public async Task Malformed_Requests_Get_Json_4xx_Or_A_Documented_Answer_And_Write_Nothing()
    {
        var clock = Stopwatch.StartNew();
        var targets = MalformedRequests.Targets();
        var requests = MalformedRequests.Generate(targets);
        var generated = clock.Elapsed;
        Assert.True(requests.Count >= 10_000, $"only {requests.Count} requests generated");
        Assert.All(targets, t => Assert.Contains(requests, r => r.Target == t));

        var before = await SnapshotAsync(fixture.App.Services);
        Assert.True(before.Count >= 6, "the snapshot does not see the seeded rows");
        var failures = new ConcurrentBag<(MalformedRequest Request, string Problem, string Text)>();
        var statuses = new ConcurrentDictionary<string, int>(StringComparer.Ordinal);
        clock.Restart();
        await Parallel.ForEachAsync(requests, new ParallelOptions { MaxDegreeOfParallelism = Concurrency }, async (request, cancellationToken) =>
        {
            using var message = request.ToHttpRequest(fixture.App.Client.BaseAddress!, Credential);

            // The server closes a connection whose oversize body it did not read; pooling it would race the close.
            message.Headers.ConnectionClose = request.Body?.Length > MalformedRequests.BodyLimit;
            int status;
            string? mediaType;
            byte[] body;
            try
            {
                using var response = await fixture.App.Client.SendAsync(message, cancellationToken);
                status = (int)response.StatusCode;
                mediaType = response.Content.Headers.ContentType?.MediaType;
                body = await response.Content.ReadAsByteArrayAsync(cancellationToken);
            }
            catch (HttpRequestException ex) when (request.Body?.Length > MalformedRequests.BodyLimit && ex.InnerException is IOException)
            {
                // The server answered and closed the connection without reading an oversize body (a route that reads
                // none) while the client was still sending it: the client sees a failed send, not the answer. Closing
                // rather than reading such a body is what the limit is for (nginx does the same); nothing was written,
                // which the snapshot below still checks.
                statuses.AddOrUpdate($"{request.Target.Method} {request.Target.Route} closed while sending an oversize body", 1, (_, n) => n + 1);
                return;
            }
            catch (HttpRequestException ex)
            {
                failures.Add((request, "no answer", $"{request.Describe()}\n    no answer: {ex.Message}"));
                return;
            }

            statuses.AddOrUpdate($"{request.Target.Method} {request.Target.Route} {status}", 1, (_, n) => n + 1);
            if (Problem(request, status, mediaType, body) is { } problem)
            {
                failures.Add((request, problem, $"{request.Describe()}\n    -> {status} {mediaType ?? "(no content type)"} {MalformedRequest.Printable(body, 200)}\n    {problem}"));
            }
        });
        clock.Stop();
        var after = await SnapshotAsync(fixture.App.Services);

        output.WriteLine($"{requests.Count} requests ({requests.Count(r => r.Expectation == MalformedExpectation.Rejected)} that must be refused, {requests.Count(r => r.Exact is not null)} with GitLab's exact answer) in {clock.Elapsed.TotalSeconds:0.0} s, {Concurrency} at a time (generated in {generated.TotalSeconds:0.0} s), seed {MalformedRequests.Seed}");
        foreach (var (key, count) in statuses.OrderBy(s => s.Key, StringComparer.Ordinal))
        {
            output.WriteLine($"  {key}: {count}");
        }

        // The distinct server-side failures behind any 5xx, to point at the cause.
        foreach (var error in fixture.App.Logs.Entries.Where(e => e.Level >= LogLevel.Error && e.Exception is not null)
                     .GroupBy(e => $"{e.Exception!.GetType().Name}: {e.Exception.Message} at {e.Exception.StackTrace?.Split('\n').FirstOrDefault()?.Trim()}")
                     .OrderByDescending(g => g.Count()))
        {
            output.WriteLine($"  logged {error.Count()}x {error.Key}");
        }

        // One example (the lowest number) per function, family and problem, so every distinct cause shows.
        var groups = failures.GroupBy(f => (f.Request.Target.Method, f.Request.Target.Route, f.Request.Family, f.Problem))
            .Select(g => (Count: g.Count(), First: g.MinBy(f => f.Request.Number).Text))
            .OrderBy(g => g.First, StringComparer.Ordinal)
            .ToList();
        Assert.True(groups.Count == 0, $"{failures.Count} of {requests.Count} requests were answered wrongly:\n" + string.Join("\n", groups.Take(80).Select(g => $"[{g.Count}x] {g.First}")) + "\nhost failures:\n" + string.Join("\n", fixture.App.Logs.Entries.Where(e => e.EventId.Id is 3030 or 3031 or 1000 or 1001).Take(10).Select(e => e.Category + ": " + e.Message + " " + e.Exception)));

        var changed = before.Keys.Union(after.Keys).Where(k => before.GetValueOrDefault(k) != after.GetValueOrDefault(k)).ToList();
        Assert.True(changed.Count == 0, "malformed requests changed the store:\n" + string.Join("\n", changed.Take(30).Select(k => $"  {k}: {before.GetValueOrDefault(k) ?? "(absent)"} -> {after.GetValueOrDefault(k) ?? "(absent)"}")));
    }

    [Fact]
    public void Generation_Is_Deterministic_And_Covers_Every_Family_For_Every_Function()
    {
        var targets = MalformedRequests.Targets();
        var first = MalformedRequests.Generate(targets);
        var second = MalformedRequests.Generate(targets);
        Assert.Equal(first.Select(r => r.Describe()), second.Select(r => r.Describe()));

        // Functions that read parameters get every kind of malformation that can be refused.
        string[] families = ["duplicate-keys", "invalid-utf8-json", "invalid-utf8-form", "invalid-utf8-query", "content-type", "multipart", "charset", "wrong-type-json", "deep-nesting", "oversize", "broken-form", "random"];
        foreach (var target in targets.Where(t => t.Route.Contains("/internal/", StringComparison.Ordinal)))
        {
            var present = first.Where(r => r.Target == target).Select(r => r.Family).ToHashSet(StringComparer.Ordinal);
            Assert.All(families, family => Assert.True(present.Contains(family), $"{target.Method} {target.Route} has no {family} case"));
        }
    }

    /// <summary>Bodies as Latin-1 text, so that <c>\u00ff</c> is the byte 0xFF (invalid UTF-8).</summary>
    public static TheoryData<string, string?, string, int, string> Refusals => new()
    {
        { "pre_receive", "application/json", """{"gl_repository":"a","gl_repository":"b"}""", 400, """{"message":"400 Bad request - malformed JSON body"}""" },
        { "pre_receive", "application/json", "{\"gl_repository\":\"\u00ff\"}", 400, """{"message":"400 Bad request - malformed JSON body"}""" },
        { "pre_receive", "application/json", """{"gl_repository":"\ud800"}""", 400, """{"message":"400 Bad request - malformed JSON body"}""" },
        { "pre_receive", "application/json; charset=utf-16", "{\0\"\0}\0", 400, """{"message":"400 Bad request - malformed JSON body"}""" },
        { "pre_receive", "application/json", "{\"gl_repository\":" + new string('[', 5000) + new string(']', 5000) + "}", 400, """{"message":"400 Bad request - malformed JSON body"}""" },
        { "pre_receive", "application/json", """{"gl_repository":["project-1"]}""", 400, """{"error":"gl_repository is invalid"}""" },
        { "post_receive", "application/json", """{"gl_repository":"project-1","changes":{"a":1}}""", 400, """{"error":"changes is invalid"}""" },
        { "pre_receive", "application/json", """{"gl_repository":"a\u0000b"}""", 400, """{"message":"400 Bad request - null byte in parameters"}""" },
        { "pre_receive", "application/xml", "<gl_repository>project-1</gl_repository>", 415, """{"error":"The provided content-type is not supported."}""" },
        { "pre_receive", "application/x-www-form-urlencoded", "gl_repository=%zz", 400, """{"message":"400 Bad request - malformed form body"}""" },
        { "pre_receive", "application/x-www-form-urlencoded", "gl_repository=%FF", 400, """{"message":"400 Bad request - malformed form body"}""" },
        { "pre_receive", "application/x-www-form-urlencoded", "gl_repository" + string.Concat(Enumerable.Repeat("[a]", 40)) + "=1", 400, """{"message":"400 Bad request - malformed form body"}""" },
        { "pre_receive?gl_repository=%C3%28", null, "", 400, """{"message":"400 Bad request - malformed query string"}""" },
        { "pre_receive", "multipart/form-data; boundary=b", "--b\r\nContent-Disposition: form-data; name=\"gl_repository\"\r\n\r\nx", 400, """{"message":"400 Bad request - malformed form body"}""" },
        { "pre_receive", "application/json", "{\"gl_repository\":\"" + new string('x', MalformedRequests.BodyLimit) + "\"}", 413, """{"message":"413 Request Entity Too Large"}""" },
        { "kubernetes/usage_metrics", "application/json", """{"counters":{"gitops_sync":1e400}}""", 400, """{"error":"counters[gitops_sync] is invalid"}""" },
        { "kubernetes/agent_configuration", "application/json", """{"agent_id":1}""", 400, """{"error":"agent_config is missing"}""" },
        { "kubernetes/agent_configuration", "application/json", """{"agent_id":1,"agent_config":{"ci_access":{"projects":"all"}}}""", 400, """{"error":"agent_config is invalid"}""" },
        { "kubernetes/agent_configuration", "application/json", """{"agent_id":1,"agent_config":"{not json"}""", 400, """{"error":"agent_config is invalid"}""" },
        { "kubernetes/agent_configuration", "application/json", """{"agent_id":1,"agent_config":{"a":1,"a":2}}""", 400, """{"message":"400 Bad request - malformed JSON body"}""" },
        { "kubernetes/agent_events", "application/json", """{"events":{"register_agent_at_kas":[{"agent_id":"x"}]}}""", 400, """{"error":"events[register_agent_at_kas][0][agent_id] is invalid"}""" },
        { "kubernetes/agent_events", "application/json", """{"events":"all"}""", 400, """{"error":"events is invalid"}""" },
        { "kubernetes/authorize_proxy_user", "application/json", """{"agent_id":1,"access_type":"personal_access_token"}""", 400, """{"error":"access_key is missing"}""" },
        { "kubernetes/authorize_proxy_user", "application/json", """{"agent_id":1,"access_type":{"a":1},"access_key":"x"}""", 400, """{"error":"access_type is invalid"}""" },
    };

    [Theory]
    [MemberData(nameof(Refusals))]
    public async Task Refusals_Use_GitLab_Error_Bodies_And_Write_Nothing(string function, string? contentType, string body, int status, string expected)
    {
        var before = await SnapshotAsync(fixture.App.Services);
        var content = new ByteArrayContent(Encoding.Latin1.GetBytes(body));
        if (contentType is not null)
        {
            content.Headers.TryAddWithoutValidation("Content-Type", contentType);
        }

        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri($"{fixture.App.Client.BaseAddress}api/v4/internal/{function}", new UriCreationOptions { DangerousDisablePathAndQueryCanonicalization = true }))
        {
            Content = content,
        };
        request.Headers.Add(function.StartsWith("kubernetes", StringComparison.Ordinal) ? RequestAuthenticator.KasHeader : RequestAuthenticator.ShellHeader,
            function.StartsWith("kubernetes", StringComparison.Ordinal) ? fixture.App.KasToken() : fixture.App.ShellToken());
        request.Headers.ConnectionClose = true;
        using var response = await fixture.App.Client.SendAsync(request);

        Assert.Equal(status, (int)response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(expected, await response.Content.ReadAsStringAsync());
        Assert.Equal(before, await SnapshotAsync(fixture.App.Services));
    }

    /// <summary>What is wrong with an answer, or null when it is a legitimate one.</summary>
    private static string? Problem(MalformedRequest request, int status, string? mediaType, byte[] body)
    {
        if (status >= 500)
        {
            return "a 5xx for bad input";
        }

        if (status == 204)
        {
            return body.Length == 0 && request.Expectation == MalformedExpectation.Tolerated && Documented(request, status, null)
                ? null
                : "204 is not a legitimate answer here";
        }

        var scim = request.Target.Auth is MalformedAuth.ScimGroup or MalformedAuth.ScimInstance;
        if (mediaType != (scim ? "application/scim+json" : "application/json"))
        {
            return scim ? "not application/scim+json" : "not application/json";
        }

        JsonNode? json;
        try
        {
            json = JsonNode.Parse(body);
        }
        catch (JsonException)
        {
            return "the body is not JSON";
        }

        if (request.Exact is { } exact)
        {
            return status == exact.Status && Encoding.UTF8.GetString(body) == exact.Body ? null : $"not GitLab's exact answer {exact.Status} {exact.Body}";
        }

        // Shell and KAS credentials are checked before anything is read: 401. A function with its own credential
        // may take it from the body (error tracking's token), so it reads first and a bad body keeps its 4xx.
        if (request.Credential != MalformedCredential.Valid && request.Target.Auth is MalformedAuth.Shell or MalformedAuth.Kas or MalformedAuth.Pages or MalformedAuth.KasAgent or MalformedAuth.ScimGroup or MalformedAuth.ScimInstance)
        {
            return status == 401 ? null : "expected 401 without a valid credential";
        }

        // GitLab's require_gitlab_workhorse! answers a missing or bad Workhorse token (or header) with 403.
        if (request.Credential != MalformedCredential.Valid && request.Target.Auth is MalformedAuth.Workhorse)
        {
            return status == 403 ? null : "expected 403 without a valid Workhorse credential";
        }

        if (status is >= 400 and < 500)
        {
            // E1 {"error":...}, E2/E3 {"message":...}, /allowed's E4 {"status":false,"message":...}.
            // SCIM failures past authentication use the SCIM error object (E5) with the status as a number.
            return json is JsonObject error && (error.ContainsKey("message") || error.ContainsKey("error") ||
                (scim && error["status"]?.GetValueKind() == JsonValueKind.Number && error["status"]!.GetValue<int>() == status && error.ContainsKey("detail")))
                ? null
                : "a 4xx without GitLab's error body";
        }

        if (request.Expectation == MalformedExpectation.Rejected)
        {
            return "expected a 4xx: this request can never be read";
        }

        return Documented(request, status, json) ? null : "neither a 4xx nor a documented answer of this function";
    }

    private static bool Documented(MalformedRequest request, int status, JsonNode? body) =>
        DocumentedAnswers.TryGetValue(request.Target.Route, out var documented) && documented(status, body);

    private IReadOnlyList<(string Header, string Value)> Credential(MalformedAuth auth) => auth switch
    {
        MalformedAuth.Shell => [(RequestAuthenticator.ShellHeader, fixture.App.ShellToken())],
        MalformedAuth.Kas => [(RequestAuthenticator.KasHeader, fixture.App.KasToken())],
        MalformedAuth.Pages => [(global::InternalApi.Core.Pages.PagesAuthenticator.Header, fixture.App.PagesToken())],
        MalformedAuth.KasAgent => [(RequestAuthenticator.KasHeader, fixture.App.KasToken()), ("Authorization", "Bearer " + MalformedRequestFixture.AgentToken)],
        MalformedAuth.Custom => [("Gitlab-Error-Tracking-Token", MalformedRequestFixture.ErrorTrackingToken)],
        MalformedAuth.ScimGroup => [("Authorization", "Bearer " + MalformedRequestFixture.ScimGroupToken)],
        MalformedAuth.ScimInstance => [("Authorization", "Bearer " + MalformedRequestFixture.ScimInstanceToken)],
        MalformedAuth.AdminToken => [("PRIVATE-TOKEN", MalformedRequestFixture.AdminToken)],
        MalformedAuth.Workhorse => [(RequestAuthenticator.WorkhorseHeader, TestApp.WorkhorseToken()), (RequestAuthenticator.WorkhorseVersionHeader, "v18.6.0")],
        _ => [],
    };

    /// <summary>
    /// Every row of every table the app registers, ETag included (any write changes it), plus the number of
    /// messages waiting in the queues the functions write to.
    /// </summary>
    private static async Task<Dictionary<string, string>> SnapshotAsync(IServiceProvider services)
    {
        var snapshot = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var table in services.GetServices<ITableSet>().SelectMany(s => s.All).DistinctBy(t => t.Name, StringComparer.Ordinal))
        {
            await foreach (var entity in table.QueryAsync<TableEntity>())
            {
                snapshot[$"{table.Name} {entity.PartitionKey} {entity.RowKey}"] = entity.ETag + " " + string.Join(", ", entity
                    .OrderBy(p => p.Key, StringComparer.Ordinal)
                    .Select(p => $"{p.Key}={(p.Value is byte[] bytes ? Convert.ToBase64String(bytes) : Convert.ToString(p.Value, CultureInfo.InvariantCulture))}"));
            }
        }

        var queues = services.GetRequiredService<QueueServiceClient>();
        foreach (var queue in new[] { PostReceiveService.QueueName, UsageMetrics.QueueName, AgentEvents.QueueName, InternalApi.Core.Subscriptions.MinutePackService.MoveQueueName })
        {
            snapshot["queue " + queue] = (await queues.CountAsync(queue)).ToString(CultureInfo.InvariantCulture);
        }

        return snapshot;
    }

    private static string? Text(JsonNode? body, string name) =>
        body is JsonObject obj && obj[name] is JsonValue v && v.GetValueKind() == JsonValueKind.String ? v.GetValue<string>() : null;

    private static bool IsShellFailure(JsonNode? body) =>
        body?["success"]?.GetValueKind() == JsonValueKind.False && Text(body, "message") is not null;
}
