using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Azure.Storage.Queues;
using InternalApi.Core.Kubernetes;
using InternalApi.Core.Model;
using InternalApi.Core.Receive;
using InternalApi.Functions.Functions.Kubernetes;
using InternalApi.Functions.Hosting;
using InternalApi.Functions.OpenApi;
using InternalApi.LocalHost.Queues;
using InternalApi.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace InternalApi.Tests.Reliability;

/// <summary>
/// An Azurite of its own that keeps its data on disk, so that it can be stopped and started again on the same
/// ports with the same data, and the local host (with its queue listener) on it.
/// </summary>
public sealed class StorageFaultFixture : IAsyncLifetime
{
    /// <summary>The server (on disk).</summary>
    public AzuriteServer Azurite { get; private set; } = null!;

    /// <summary>The app.</summary>
    public TestApp App { get; private set; } = null!;

    /// <inheritdoc/>
    public async Task InitializeAsync()
    {
        Azurite = await AzuriteServer.StartAsync(onDisk: true);
        // The app's own retry defaults (TestApp relaxes them for the loaded test machine), and a short lease: a
        // message in flight when storage goes away comes back when its lease runs out (10 min by default).
        App = await TestApp.StartAsync(Azurite.ConnectionString, new Dictionary<string, string?>
        {
            ["Storage:NetworkTimeout"] = "00:00:02",
            ["Storage:MaxRetries"] = "1",
            ["Queues:LeaseDuration"] = "00:00:03",
        });
    }

    /// <inheritdoc/>
    public async Task DisposeAsync()
    {
        await App.DisposeAsync();
        await Azurite.DisposeAsync();
    }
}

[CollectionDefinition("storage-faults")]
public sealed class StorageFaultCollection : ICollectionFixture<StorageFaultFixture>;

/// <summary>
/// Azurite stopped mid-run: requests answer 503 JSON well before the client gives up, queued work waits, and once
/// Azurite is back everything completes exactly once. Each test stops and restarts Azurite itself.
/// </summary>
[Collection("storage-faults")]
public sealed class StorageFaultTests(StorageFaultFixture fixture) : IAsyncLifetime, IDisposable
{
    private const string Unavailable = """{"message":"503 Service Unavailable"}""";
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(60);
    private static readonly string Zero = new('0', 40);
    private static readonly string A = new('a', 40);
    private static readonly string B = new('b', 40);

    // Well below the SDK's defaults: an answer within this proves the request did not hang on storage.
    private readonly HttpClient _client = new() { BaseAddress = fixture.App.Client.BaseAddress, Timeout = TimeSpan.FromSeconds(15) };

    private StoreSet Stores => StoreSet.Of(fixture.App.Services);

    private PushHistory History => fixture.App.Services.GetRequiredService<PushHistory>();

    public Task InitializeAsync() => Task.CompletedTask;

    public void Dispose() => _client.Dispose();

    public async Task DisposeAsync()
    {
        // Whatever happened in the test, the next one starts with storage up.
        if (!await StorageUpAsync())
        {
            await fixture.Azurite.RestartAsync();
        }
    }

    [Fact]
    public async Task While_Storage_Is_Down_Requests_Answer_503_Json_And_Check_Reports_It()
    {
        await fixture.Azurite.StopAsync();

        var requests = new (string Name, Func<HttpRequestMessage> Build)[]
        {
            ("allowed", () => Shell(HttpMethod.Post, "/api/v4/internal/allowed", JsonContent.Create(new { action = "git-upload-pack", gl_repository = "project-1", key_id = "1", changes = "_any", protocol = "ssh" }))),
            ("authorized_keys", () => Shell(HttpMethod.Get, "/api/v4/internal/authorized_keys?key=AAAAC3NzaC1lZDI1NTE5AAAAIIZLoVGw7mESHED7PLdyhKend81F4Vo%2B5oSRFFqdyCfS")),
            ("post_receive", () => Shell(HttpMethod.Post, "/api/v4/internal/post_receive", JsonContent.Create(new { gl_repository = "project-1", identifier = "user-1", changes = "" }))),
            ("kas usage_metrics", () => Kas(HttpMethod.Post, "/api/v4/internal/kubernetes/usage_metrics", new StringContent("""{"counters":{"gitops_sync":1}}""", Encoding.UTF8, "application/json"))),
        };
        foreach (var (name, build) in requests)
        {
            using var request = build();
            using var response = await _client.SendAsync(request);
            Assert.True(response.StatusCode == HttpStatusCode.ServiceUnavailable, $"{name}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
            Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
            Assert.Equal(Unavailable, await response.Content.ReadAsStringAsync());
            Assert.Equal(HttpFunctionPipeline.RetryAfterSeconds, response.Headers.GetValues("Retry-After").Single());
        }

        // §3.5: /check is 200 whatever the store does; "redis" says it does not answer.
        Assert.False((await CheckAsync()).GetProperty("redis").GetBoolean());

        // Warnings without stacks, no unhandled-exception errors.
        var logs = fixture.App.Logs.Entries.ToList();
        Assert.Contains(logs, e => e.EventId.Id == 1002 && e.Level == LogLevel.Warning && e.Exception is null);
        Assert.DoesNotContain(logs, e => e.EventId.Id == 1000);

        await fixture.Azurite.RestartAsync();
        Assert.True((await CheckAsync()).GetProperty("redis").GetBoolean());
        using var again = Shell(HttpMethod.Get, "/api/v4/internal/authorized_keys?key=AAAAC3NzaC1lZDI1NTE5AAAAIIZLoVGw7mESHED7PLdyhKend81F4Vo%2B5oSRFFqdyCfS");
        using var answer = await _client.SendAsync(again);
        Assert.Equal(HttpStatusCode.NotFound, answer.StatusCode);
    }

    [Fact]
    public async Task Queued_Work_Waits_Out_An_Outage_And_Completes_Exactly_Once()
    {
        var id = TestIds.Next();
        await Stores.Namespaces.UpsertNamespaceAsync(new GitLabNamespace { Id = id, Name = "f", FullPath = "f" + id, RootId = id });
        var project = new Project { Id = id, Name = "p", NamespaceId = id, FullPath = $"f{id}/p", DefaultBranch = "main" };
        await Stores.Projects.UpsertProjectAsync(project);
        await Stores.Users.UpsertUserAsync(new User { Id = id, Username = "faulty" + id, Name = "Faulty" });
        var today = DateOnly.FromDateTime(DateTime.UtcNow);
        var report = fixture.App.Services.GetRequiredService<UsageMetricsReport>();
        var before = await report.TotalAsync("gitops_sync", today.AddDays(-1), today.AddDays(1));

        // A push before the outage, over HTTP as gitlab-shell does it.
        Assert.True((await ShellJsonAsync("/api/v4/internal/pre_receive", new { gl_repository = project.GlRepository })).GetProperty("reference_counter_increased").GetBoolean());
        Assert.True((await ShellJsonAsync("/api/v4/internal/post_receive", new { gl_repository = project.GlRepository, identifier = "user-" + id, changes = $"{Zero} {A} refs/heads/before\n" })).GetProperty("reference_counter_decreased").GetBoolean());
        using (var metrics = Kas(HttpMethod.Post, "/api/v4/internal/kubernetes/usage_metrics", new StringContent("""{"counters":{"gitops_sync":3}}""", Encoding.UTF8, "application/json")))
        using (var response = await _client.SendAsync(metrics))
        {
            Assert.True(response.IsSuccessStatusCode, $"usage_metrics: {(int)response.StatusCode}");
        }

        // Work that becomes due while storage is down: nothing can take it until storage is back.
        var queues = fixture.App.Services.GetRequiredService<QueueServiceClient>();
        var job = new PostReceiveJob { JobId = Guid.NewGuid().ToString("N"), GlRepository = project.GlRepository, Identifier = "user-" + id, Changes = $"{Zero} {B} refs/heads/during\n", PushOptions = [], ReceivedAt = DateTimeOffset.UtcNow };
        var delayed = TimeSpan.FromSeconds(2);
        var push = await queues.GetQueueClient(PostReceiveService.QueueName).SendMessageAsync(
            BinaryData.FromString(JsonSerializer.Serialize(job, ReceiveJsonContext.Default.PostReceiveJob)), delayed);
        var usage = await queues.GetQueueClient(UsageMetrics.QueueName).SendMessageAsync(
            BinaryData.FromString(JsonSerializer.Serialize(new UsageMetricsMessage { ReceivedAt = DateTimeOffset.UtcNow, Counters = new() { ["gitops_sync"] = 4 } }, KubernetesJsonContext.Default.UsageMetricsMessage)), delayed);

        await fixture.Azurite.StopAsync();
        var monitor = fixture.App.Dispatches;
        // The listener meets the outage and keeps going (it logs the failed poll as a warning).
        var deadline = DateTimeOffset.UtcNow + Wait;
        while (!fixture.App.Logs.Entries.Any(e => e.EventId.Id == 2100))
        {
            Assert.True(DateTimeOffset.UtcNow < deadline, "the queue listener never noticed the outage");
            await Task.Delay(100);
        }

        // A push during the outage: pre_receive keeps its documented answer (200, the counter not increased, so
        // Gitaly refuses the push); post_receive is refused before its first write (enqueueing the job).
        Assert.False((await ShellJsonAsync("/api/v4/internal/pre_receive", new { gl_repository = project.GlRepository })).GetProperty("reference_counter_increased").GetBoolean());

        await fixture.Azurite.RestartAsync();
        await monitor.WaitForAsync(o => o.MessageId == push.Value.MessageId && o.Status == QueueDispatchStatus.Succeeded, Wait);
        await monitor.WaitForAsync(o => o.MessageId == usage.Value.MessageId && o.Status == QueueDispatchStatus.Succeeded, Wait);

        // The HTTP push's job was queued before the outage: wait for it too (it may have run before the stop).
        while ((await History.GetEventsAsync(project.Id)).Count < 2)
        {
            Assert.True(DateTimeOffset.UtcNow < deadline + Wait, "the pre-outage push was lost");
            await Task.Delay(100);
        }

        var events = await History.GetEventsAsync(project.Id);
        Assert.Equal(["refs/heads/before", "refs/heads/during"], events.Select(e => e.Ref).Order());
        Assert.Equal(["refs/heads/before", "refs/heads/during"], (await History.GetRefsAsync(project.Id)).Select(r => r.Ref).Order());
        Assert.Equal(0, await fixture.App.Services.GetRequiredService<ReferenceCounter>().GetAsync(project.GlRepository));

        // Both usage messages counted, once each; the HTTP one may still be on its way.
        while (await report.TotalAsync("gitops_sync", today.AddDays(-1), today.AddDays(1)) < before + 7)
        {
            Assert.True(DateTimeOffset.UtcNow < deadline + Wait, "usage metrics were lost");
            await Task.Delay(100);
        }

        Assert.Equal(before + 7, await report.TotalAsync("gitops_sync", today.AddDays(-1), today.AddDays(1)));
        Assert.DoesNotContain(fixture.App.Logs.Entries, e => e.EventId.Id is 1000 or 2102);
    }

    private HttpRequestMessage Shell(HttpMethod method, string path, HttpContent? content = null) => fixture.App.ShellRequest(method, path, content);

    private HttpRequestMessage Kas(HttpMethod method, string path, HttpContent content)
    {
        var request = new HttpRequestMessage(method, path) { Content = content };
        request.Headers.Add(RequestAuthenticator.KasHeader, fixture.App.KasToken());
        return request;
    }

    private async Task<JsonElement> ShellJsonAsync(string path, object body)
    {
        using var request = Shell(HttpMethod.Post, path, JsonContent.Create(body));
        using var response = await _client.SendAsync(request);
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{path}: {(int)response.StatusCode}");
        return JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.Clone();
    }

    private async Task<JsonElement> CheckAsync()
    {
        using var request = Shell(HttpMethod.Get, "/api/v4/internal/check");
        using var response = await _client.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.Clone();
    }

    private async Task<bool> StorageUpAsync()
    {
        try
        {
            using var tcp = new System.Net.Sockets.TcpClient();
            await tcp.ConnectAsync(IPAddress.Loopback, fixture.Azurite.TablePort);
            return true;
        }
        catch (System.Net.Sockets.SocketException)
        {
            return false;
        }
    }
}
