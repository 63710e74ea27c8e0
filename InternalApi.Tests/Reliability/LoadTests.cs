using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Azure.Data.Tables;
using Azure.Storage.Queues;
using InternalApi.Core.Kubernetes;
using InternalApi.Core.Receive;
using InternalApi.Functions.Functions.Kubernetes;
using InternalApi.Functions.Hosting;
using InternalApi.Tests.Import;
using InternalApi.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Xunit.Abstractions;

namespace InternalApi.Tests.Reliability;

/// <summary>
/// 64 concurrent clients against one app (the local host in-process, its own Azurite, the demo data) for
/// <c>INTERNALAPI_LOAD_SECONDS</c> (default <see cref="DefaultSeconds"/>), mixing the hot endpoints with about 5 %
/// malformed requests. Afterwards: no 5xx at all, every malformed request a 4xx with a JSON body, and the writes
/// exact (reference counter back to where it started, one push event per accepted post_receive, usage-metrics
/// totals equal to the sum of the accepted increments).
/// </summary>
[Collection(HeavyReliabilityCollection.Name)]
public sealed class LoadTests(ITestOutputHelper output) : IAsyncLifetime, IDisposable
{
    /// <summary>Seconds of load when <c>INTERNALAPI_LOAD_SECONDS</c> is not set (the issue's 60 s is an option).</summary>
    public const int DefaultSeconds = 20;

    private const int Clients = 64;
    private const double MalformedShare = 0.05;
    // Pushes go to three demo projects by turn. One repository's reference counter is a single ETag-guarded row:
    // with Azurite saturated on two cores (round trips of hundreds of ms), a dozen pushes at once to one
    // repository is a contention test of that row, not a load test of the app.
    private static readonly long[] PushProjects = [3, 7, 21];
    private const string AdminToken = "glpat-demo-admin-token-0001";
    private const string AgentToken = "glagent-demo-agent-token-0001";
    private const string ScimToken = "glsoat-demo-acme-scim-token-0001";
    private const string RootKey = "AAAAC3NzaC1lZDI1NTE5AAAAIIZLoVGw7mESHED7PLdyhKend81F4Vo%2B5oSRFFqdyCfS";
    private static readonly string Zero = new('0', 40);

    private AzuriteServer _azurite = null!;
    private TestApp _app = null!;
    private HttpClient _client = null!;

    public async Task InitializeAsync()
    {
        _azurite = await AzuriteServer.StartAsync();
        using (var error = new StringWriter())
        {
            var code = await ImportCommand.RunAsync([ImportTests.FindDemo(), "--AzureWebJobsStorage=" + _azurite.ConnectionString, ImportFixture.OtpKeyArgument], TextWriter.Null, error);
            Assert.True(code == 0, error.ToString());
        }

        _app = await TestApp.StartAsync(_azurite.ConnectionString, new Dictionary<string, string?>
        {
            // 64 clients on a shared 2-core machine: logging every request at Information would be most of the work.
            ["Logging:LogLevel:Default"] = "Warning",
        });
        _client = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = Clients, PooledConnectionLifetime = TimeSpan.FromMinutes(5) })
        {
            BaseAddress = _app.Client.BaseAddress,
            Timeout = TimeSpan.FromSeconds(90),
        };
    }

    public void Dispose() => _client?.Dispose();

    public async Task DisposeAsync()
    {
        _client.Dispose();
        await _app.DisposeAsync();
        await _azurite.DisposeAsync();
    }

    [Fact]
    public async Task Sixty_Four_Clients_With_Malformed_Requests_Mixed_In_Get_No_5xx_And_Lose_No_Write()
    {
        var seconds = Environment.GetEnvironmentVariable("INTERNALAPI_LOAD_SECONDS") is { Length: > 0 } text && int.TryParse(text, CultureInfo.InvariantCulture, out var given) && given > 0 ? given : DefaultSeconds;

        // The subscription the GET reads (namespace 1234 of the demo data has none).
        using (var create = Admin(HttpMethod.Post, "/api/v4/namespaces/1234/gitlab_subscription?start_date=2020-07-15&plan_code=premium&seats=10"))
        using (var created = await _client.SendAsync(create))
        {
            Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        }

        var counter = _app.Services.GetRequiredService<ReferenceCounter>();
        var countersBefore = await Task.WhenAll(PushProjects.Select(p => counter.GetAsync(Repository(p))));
        var report = _app.Services.GetRequiredService<UsageMetricsReport>();
        var today = DateOnly.FromDateTime(DateTime.UtcNow);
        var usageBefore = await report.TotalAsync("gitops_sync", today.AddDays(-1), today.AddDays(1));

        var tally = new Tally();
        var clock = Stopwatch.StartNew();
        var end = clock.Elapsed + TimeSpan.FromSeconds(seconds);
        await Task.WhenAll(Enumerable.Range(0, Clients).Select(c => Task.Run(() => ClientAsync(c, end, clock, tally))));
        var loadTime = clock.Elapsed;

        var total = tally.Kinds.Values.Sum(k => k.Count);
        output.WriteLine($"{Clients} clients, {loadTime.TotalSeconds:F1} s of load: {total} requests ({total / loadTime.TotalSeconds:F0}/s)");
        foreach (var (kind, stats) in tally.Kinds.OrderBy(k => k.Key, StringComparer.Ordinal))
        {
            output.WriteLine($"  {kind,-28} {stats.Count,6}  {string.Join(" ", stats.Statuses.OrderBy(s => s.Key).Select(s => $"{s.Key}×{s.Value}"))}");
        }

        Assert.True(tally.Failures.IsEmpty, $"{tally.Failures.Count} failed requests, e.g.:\n{string.Join("\n", tally.Failures.Take(10))}");
        Assert.True(tally.Kinds.Where(k => k.Key.StartsWith("malformed", StringComparison.Ordinal)).Sum(k => k.Value.Count) > 0, "no malformed request was sent");

        // Writes: wait for the queue work the run left behind, then compare.
        var queues = _app.Services.GetRequiredService<QueueServiceClient>();
        var deadline = DateTimeOffset.UtcNow + TimeSpan.FromSeconds(180);
        while (await queues.CountAsync(PostReceiveService.QueueName) + await queues.CountAsync(UsageMetrics.QueueName) > 0)
        {
            Assert.True(DateTimeOffset.UtcNow < deadline, $"queues not drained: post-receive {await queues.CountAsync(PostReceiveService.QueueName)}, usage-metrics {await queues.CountAsync(UsageMetrics.QueueName)}");
            await Task.Delay(200);
        }

        output.WriteLine($"queues drained {(clock.Elapsed - loadTime).TotalSeconds:F1} s after the load");
        Assert.Equal(0, await queues.CountAsync(PostReceiveService.QueueName + "-poison"));
        Assert.Equal(0, await queues.CountAsync(UsageMetrics.QueueName + "-poison"));

        // Spec §3.8.1: false only when the store failed, and it never fails here. A false would not be a lost write
        // (the caller is told), so the exact check below still accounts for one, but the sharded counter must
        // not give any for contention (docs/reliability.md#load).
        output.WriteLine($"counter updates answered false: {tally.CounterIncrementsRefused.Values.Sum()} increments, {tally.CounterDecrementsMissed.Values.Sum()} decrements");
        Assert.Equal(0, tally.CounterIncrementsRefused.Values.Sum() + tally.CounterDecrementsMissed.Values.Sum());
        Assert.Equal(
            PushProjects.Select((p, i) => countersBefore[i] + tally.CounterDecrementsMissed.GetValueOrDefault(p)),
            await Task.WhenAll(PushProjects.Select(p => counter.GetAsync(Repository(p)))));
        var events = new List<string>();
        foreach (var project in PushProjects)
        {
            await foreach (var e in _app.Services.GetRequiredService<ReceiveTables>().PushEvents.QueryAsync<TableEntity>(
                TableClient.CreateQueryFilter($"PartitionKey eq {project.ToString(CultureInfo.InvariantCulture)}"), select: ["Ref"]))
            {
                events.Add(project.ToString(CultureInfo.InvariantCulture) + ":" + (e.GetString("Ref") ?? ""));
            }
        }

        Assert.Equal(tally.PostReceives.Order(StringComparer.Ordinal), events.Order(StringComparer.Ordinal));
        Assert.Equal(usageBefore + Interlocked.Read(ref tally.UsageAccepted), await report.TotalAsync("gitops_sync", today.AddDays(-1), today.AddDays(1)));
        output.WriteLine($"exact: reference counters {string.Join("/", countersBefore)}, {events.Count} push events, gitops_sync +{tally.UsageAccepted}");
    }

    private async Task ClientAsync(int client, TimeSpan end, Stopwatch clock, Tally tally)
    {
        var random = new Random(client * 7919 + 17);
        var n = 0;
        while (clock.Elapsed < end)
        {
            n++;
            if (random.NextDouble() < MalformedShare)
            {
                var (name, build) = Malformed[random.Next(Malformed.Length)];
                await SendAsync(tally, "malformed " + name, build(this), expect: null, malformed: true);
                continue;
            }

            switch (random.Next(100))
            {
                case < 12:
                    await SendAsync(tally, "authorized_keys", Shell(HttpMethod.Get, "/api/v4/internal/authorized_keys?key=" + RootKey), 200);
                    break;
                case < 24:
                    await SendAsync(tally, "allowed pull", Shell(HttpMethod.Post, "/api/v4/internal/allowed", Json("""{"action":"git-upload-pack","project":"gnuwget/wget2.git","changes":"_any","protocol":"ssh","key_id":"11"}""")), 200);
                    break;
                case < 32:
                    // A maintainer's push to acme/platform/api's protected main.
                    await SendAsync(tally, "allowed push protected", Shell(HttpMethod.Post, "/api/v4/internal/allowed", Json(
                        $$"""{"action":"git-receive-pack","gl_repository":"project-20","protocol":"http","user_id":"13","changes":"{{new string('1', 40)}} {{new string('2', 40)}} refs/heads/main"}""")), 200);
                    break;
                case < 42:
                    await PushAsync(tally, PushProjects[(client + n) % PushProjects.Length], $"refs/heads/load-{client}-{n}");
                    break;
                case < 52:
                    await SendAsync(tally, "discover", Shell(HttpMethod.Get, "/api/v4/internal/discover?key_id=11"), 200);
                    break;
                case < 60:
                    await SendAsync(tally, "lfs_authenticate", Shell(HttpMethod.Post, "/api/v4/internal/lfs_authenticate", Json("""{"project":"gnuwget/wget2.git","key_id":11,"operation":"download"}""")), 200);
                    break;
                case < 70:
                    await SendAsync(tally, "kas agent_info", Agent(AgentToken), 200);
                    break;
                case < 80:
                    await SendAsync(tally, "scim list filter", Scim(ScimToken), 200);
                    break;
                case < 88:
                    await SendAsync(tally, "subscription get", Admin(HttpMethod.Get, "/api/v4/namespaces/1234/gitlab_subscription"), 200);
                    break;
                default:
                    var increment = random.Next(1, 6);
                    if (await SendAsync(tally, "kas usage_metrics", Kas(HttpMethod.Post, "/api/v4/internal/kubernetes/usage_metrics", Json($$$"""{"counters":{"gitops_sync":{{{increment}}}}}""")), 204))
                    {
                        Interlocked.Add(ref tally.UsageAccepted, increment);
                    }

                    break;
            }
        }
    }

    private static string Repository(long project) => "project-" + project.ToString(CultureInfo.InvariantCulture);

    /// <summary>pre_receive then post_receive of one new branch, as Gitaly sends them around a push.</summary>
    private async Task PushAsync(Tally tally, long project, string branch)
    {
        var repository = Repository(project);
        var pre = await SendForJsonAsync(tally, "pre_receive", Shell(HttpMethod.Post, "/api/v4/internal/pre_receive", Json($$"""{"gl_repository":"{{repository}}"}""")));
        if (pre is null)
        {
            return;
        }

        if (!pre.Value.GetProperty("reference_counter_increased").GetBoolean())
        {
            // The counter row lost its ETag races for its whole budget (a saturated Azurite): GitLab's answer for a
            // counter it could not change; Gitaly refuses the push, as here (no post_receive follows).
            tally.CounterIncrementsRefused.AddOrUpdate(project, 1, (_, v) => v + 1);
            return;
        }

        var body = JsonSerializer.Serialize(new Dictionary<string, string> { ["gl_repository"] = repository, ["identifier"] = "user-1", ["changes"] = $"{Zero} {new string('a', 40)} {branch}\n" });
        var post = await SendForJsonAsync(tally, "post_receive", Shell(HttpMethod.Post, "/api/v4/internal/post_receive", Json(body)));
        if (post is null)
        {
            return;
        }

        tally.PostReceives.Add(project.ToString(CultureInfo.InvariantCulture) + ":" + branch);
        if (!post.Value.GetProperty("reference_counter_decreased").GetBoolean())
        {
            tally.CounterDecrementsMissed.AddOrUpdate(project, 1, (_, v) => v + 1);
        }
    }

    private async Task<JsonElement?> SendForJsonAsync(Tally tally, string kind, HttpRequestMessage request)
    {
        JsonElement? json = null;
        await SendAsync(tally, kind, request, 200, inspect: body => json = JsonDocument.Parse(body).RootElement.Clone());
        return json;
    }

    /// <summary>Sends, tallies the status, records anything unexpected; true when the expected status came back.</summary>
    private async Task<bool> SendAsync(Tally tally, string kind, HttpRequestMessage request, int? expect, bool malformed = false, Action<string>? inspect = null)
    {
        using (request)
        {
            int status;
            string body;
            string? type;
            try
            {
                using var response = await _client.SendAsync(request);
                status = (int)response.StatusCode;
                type = response.Content.Headers.ContentType?.MediaType;
                body = await response.Content.ReadAsStringAsync();
            }
            catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
            {
                // A request the server never answered is as bad as a 5xx: its write may or may not have happened.
                tally.Count(kind, 0);
                tally.Failures.Add($"{kind}: no answer ({ex.GetType().Name}: {ex.Message})");
                return false;
            }

            tally.Count(kind, status);
            if (status >= 500)
            {
                tally.Failures.Add($"{kind}: {status} {body}");
                return false;
            }

            if (malformed)
            {
                if (status is < 400 or > 499 || type is not ("application/json" or "application/scim+json") || !IsJson(body))
                {
                    tally.Failures.Add($"{kind}: expected a 4xx JSON answer, got {status} {type} {body}");
                }

                return false;
            }

            if (status != expect)
            {
                tally.Failures.Add($"{kind}: expected {expect}, got {status} {body}");
                return false;
            }

            try
            {
                inspect?.Invoke(body);
            }
            catch (JsonException ex)
            {
                tally.Failures.Add($"{kind}: unreadable body ({ex.Message}) {body}");
                return false;
            }

            return true;
        }
    }

    private static bool IsJson(string body)
    {
        try
        {
            using var _ = JsonDocument.Parse(body);
            return true;
        }
        catch (JsonException)
        {
            return false;
        }
    }

    /// <summary>Malformed requests: bad JSON, wrong types, missing parameters, bad credentials.</summary>
    private static readonly (string Name, Func<LoadTests, HttpRequestMessage> Build)[] Malformed =
    [
        ("bad json allowed", t => t.Shell(HttpMethod.Post, "/api/v4/internal/allowed", Json("""{"action":"git-upload-pack","project":"""))),
        ("bad json usage_metrics", t => t.Kas(HttpMethod.Post, "/api/v4/internal/kubernetes/usage_metrics", Json("""{"counters":{"gitops_sync":1"""))),
        ("wrong type usage_metrics", t => t.Kas(HttpMethod.Post, "/api/v4/internal/kubernetes/usage_metrics", Json("""{"counters":{"gitops_sync":"many"}}"""))),
        ("negative usage_metrics", t => t.Kas(HttpMethod.Post, "/api/v4/internal/kubernetes/usage_metrics", Json("""{"counters":{"gitops_sync":-4}}"""))),
        ("missing key authorized_keys", t => t.Shell(HttpMethod.Get, "/api/v4/internal/authorized_keys")),
        ("bad jwt post_receive", t => WithHeader(new HttpRequestMessage(HttpMethod.Post, "/api/v4/internal/post_receive") { Content = Json($$"""{"gl_repository":"{{Repository(PushProjects[0])}}","identifier":"user-1","changes":""}""") }, RequestAuthenticator.ShellHeader, "x.y.z")),
        ("bad jwt pre_receive", t => WithHeader(new HttpRequestMessage(HttpMethod.Post, "/api/v4/internal/pre_receive") { Content = Json($$"""{"gl_repository":"{{Repository(PushProjects[0])}}"}""") }, RequestAuthenticator.ShellHeader, "x.y.z")),
        ("bad agent token", t => t.Agent("glagent-not-a-token")),
        ("bad scim token", _ => Scim("glsoat-not-a-token")),
        ("missing host pages", t => WithHeader(new HttpRequestMessage(HttpMethod.Get, "/api/v4/internal/pages"), global::InternalApi.Core.Pages.PagesAuthenticator.Header, t._app.PagesToken())),
        ("bad jwt pages", _ => WithHeader(new HttpRequestMessage(HttpMethod.Get, "/api/v4/internal/pages?host=gnuwget.pages.localhost"), global::InternalApi.Core.Pages.PagesAuthenticator.Header, "x.y.z")),
        ("shell jwt pages", t => WithHeader(new HttpRequestMessage(HttpMethod.Get, "/api/v4/internal/pages?host=gnuwget.pages.localhost"), global::InternalApi.Core.Pages.PagesAuthenticator.Header, t._app.ShellToken())),
        ("bad private token", t => WithHeader(new HttpRequestMessage(HttpMethod.Get, "/api/v4/namespaces/1234/gitlab_subscription"), AdminTokenGate.PrivateTokenHeader, "glpat-not-a-token")),
    ];

    private HttpRequestMessage Shell(HttpMethod method, string path, HttpContent? content = null) => _app.ShellRequest(method, path, content);

    private HttpRequestMessage Kas(HttpMethod method, string path, HttpContent? content = null) =>
        WithHeader(new HttpRequestMessage(method, path) { Content = content }, RequestAuthenticator.KasHeader, _app.KasToken());

    private HttpRequestMessage Agent(string token)
    {
        var request = Kas(HttpMethod.Get, "/api/v4/internal/kubernetes/agent_info");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return request;
    }

    private static HttpRequestMessage Scim(string token)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, "/api/scim/v2/groups/acme/Users?filter=" + Uri.EscapeDataString("id eq \"0b1d561c-21ff-4092-beab-8154b17f82f2\""));
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return request;
    }

    private static HttpRequestMessage Admin(HttpMethod method, string path) => WithHeader(new HttpRequestMessage(method, path), AdminTokenGate.PrivateTokenHeader, AdminToken);

    private static HttpRequestMessage WithHeader(HttpRequestMessage request, string header, string value)
    {
        request.Headers.TryAddWithoutValidation(header, value);
        return request;
    }

    private static StringContent Json(string json) => new(json, Encoding.UTF8, "application/json");

    private sealed class Tally
    {
        public long UsageAccepted;

        public ConcurrentDictionary<string, KindStats> Kinds { get; } = new(StringComparer.Ordinal);

        public ConcurrentBag<string> Failures { get; } = [];

        public ConcurrentBag<string> PostReceives { get; } = [];

        /// <summary>Counter updates that answered false (GitLab's documented degraded answer, never a 5xx), per project.</summary>
        public ConcurrentDictionary<long, int> CounterIncrementsRefused { get; } = new();

        /// <summary>Decrements that answered false: the counter keeps that push's increment.</summary>
        public ConcurrentDictionary<long, int> CounterDecrementsMissed { get; } = new();

        public void Count(string kind, int status)
        {
            var stats = Kinds.GetOrAdd(kind, _ => new KindStats());
            Interlocked.Increment(ref stats.Count);
            stats.Statuses.AddOrUpdate(status, 1, (_, v) => v + 1);
        }
    }

    private sealed class KindStats
    {
        public int Count;

        public ConcurrentDictionary<int, int> Statuses { get; } = new();
    }
}
