using System.Globalization;
using System.Text.Json;
using Azure.Data.Tables;
using Azure.Storage.Queues;
using InternalApi.Core.Audit;
using InternalApi.Core.Data;
using InternalApi.Core.Kubernetes;
using InternalApi.Core.Receive;
using InternalApi.Core.Subscriptions;
using InternalApi.Functions.Functions.Admin;
using InternalApi.Functions.Functions.Kubernetes;
using InternalApi.Functions.Hosting;
using InternalApi.Tests.Import;
using InternalApi.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Xunit.Abstractions;

namespace InternalApi.Tests.Reliability;

/// <summary>
/// The worker killed (SIGKILL) while it works through a batch of every queue function's messages, then started
/// again: every message ends processed exactly once in effect. The app runs as its own OS process on its own
/// Azurite with the demo data; an in-process app on the same storage with its queue listener off enqueues the
/// batch and reads the results through the app's own stores.
/// </summary>
[Collection(HeavyReliabilityCollection.Name)]
public sealed class WorkerCrashTests(ITestOutputHelper output) : IAsyncLifetime
{
    // Sized for a loaded 2-core machine: the usage-metrics messages all land on the same day's totals (hot rows
    // updated under ETag conditions), so that queue takes several seconds at least; the kill comes as soon as
    // every queue has shown progress, long before that. The other queues may or may not have finished by then.
    private const int UsageMessages = 96;
    private const int PushJobs = 48;
    private const int ChangesPerJob = 3;
    private const int AuditEvents = 64;
    private const int Packs = 60;
    private const long PushProject = 7; // gnuwget/wget (demo data)
    private const long AuditProject = 3; // gnuwget/wget2
    private const long MoveSource = 123; // customer-123, owned by root
    private const long MoveTarget = 321; // customer-321, owned by root

    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(120);
    private static readonly DateOnly Day = new(2026, 3, 14);
    private static readonly string Zero = new('0', 40);

    // Both runs lease messages for 3 s (10 min by default): what the killed process held comes back 3 s after
    // the kill. MaxDequeueCount is raised so that a message redelivered by slow lease renewals on a loaded
    // machine is not poisoned for it; a genuinely failing message still would be (and fails the test).
    private static readonly string[] WorkerSettings =
    [
        "--Queues:LeaseDuration=00:00:03",
        "--Queues:MaxPollingInterval=00:00:00.200",
        "--Queues:VisibilityTimeout=00:00:00",
        "--Queues:MaxDequeueCount=10",
        "--Storage:NetworkTimeout=00:00:10",
        "--Storage:MaxRetries=3",
        "--Logging:LogLevel:Default=Warning",
    ];

    private static readonly string[] Queues = [PostReceiveService.QueueName, UsageMetrics.QueueName, GitAuditEventService.QueueName, MinutesMove.QueueName];

    private AzuriteServer _azurite = null!;
    private TestApp _reader = null!;

    private QueueServiceClient QueueService => _reader.Services.GetRequiredService<QueueServiceClient>();

    public async Task InitializeAsync()
    {
        _azurite = await AzuriteServer.StartAsync();
        using (var error = new StringWriter())
        {
            var code = await ImportCommand.RunAsync([ImportTests.FindDemo(), "--AzureWebJobsStorage=" + _azurite.ConnectionString, ImportFixture.OtpKeyArgument], TextWriter.Null, error);
            Assert.True(code == 0, error.ToString());
        }

        // Enqueues and reads; never takes a message.
        _reader = await TestApp.StartAsync(_azurite.ConnectionString, new Dictionary<string, string?> { ["Queues:DispatcherEnabled"] = "false" });
    }

    public async Task DisposeAsync()
    {
        await _reader.DisposeAsync();
        await _azurite.DisposeAsync();
    }

    [Fact]
    public async Task A_Worker_Killed_Mid_Batch_Ends_With_Every_Message_Processed_Exactly_Once()
    {
        var started = DateTimeOffset.UtcNow;
        var expected = await EnqueueBatchAsync();
        output.WriteLine($"enqueued {UsageMessages} usage-metrics, {PushJobs} post-receive, {AuditEvents} git-audit-events, 1 minutes-move ({Packs} packs) in {(DateTimeOffset.UtcNow - started).TotalSeconds:F1} s");

        Progress atKill;
        await using var app = await AppProcess.StartAsync(_azurite.ConnectionString, [.. AppProcess.SecretArguments(), .. WorkerSettings]);

        // Kill the worker process as soon as every queue has shown some effect.
        var deadline = DateTimeOffset.UtcNow + Wait;
        while (true)
        {
            var now = await ProgressAsync();
            if (now.GitopsSync > 0 && now.PushEvents > 0 && now.AuditEvents > 0)
            {
                break;
            }

            Assert.True(DateTimeOffset.UtcNow < deadline, $"no progress on every queue within {Wait.TotalSeconds} s ({now}):\n{app.Output}");
            Assert.False(app.HasExited, $"the host gave up on the worker:\n{app.Output}");
            await Task.Delay(20);
        }

        var killed = app.Id;
        await app.KillWorkerAsync();
        atKill = await ProgressAsync();
        output.WriteLine($"killed worker {killed} after {(DateTimeOffset.UtcNow - started).TotalSeconds:F1} s: {atKill}");

        // Mid-batch: some effects visible, not all.
        Assert.InRange(atKill.GitopsSync, 1, expected.GitopsSync - 1);
        Assert.True(atKill.Pending > 0, $"every queue was already drained at the kill: {atKill}");

        // The host starts another worker, which finishes the batch: messages of the killed one come back when their lease ends.
        await app.WaitForNewWorkerAsync(killed, Wait);
        Assert.NotEqual(killed, app.Id);
        deadline = DateTimeOffset.UtcNow + Wait;
        while (true)
        {
            var counts = await CountsAsync(Queues);
            var poisoned = await CountsAsync(Queues.Select(q => q + "-poison"));
            Assert.True(poisoned.Values.All(c => c == 0), $"poisoned: {string.Join(", ", poisoned.Where(p => p.Value > 0))}:\n{app.Output}");
            if (counts.Values.All(c => c == 0))
            {
                break;
            }

            Assert.True(DateTimeOffset.UtcNow < deadline, $"queues not drained within {Wait.TotalSeconds} s: {string.Join(", ", counts)}:\n{app.Output}");
            Assert.False(app.HasExited, $"the host gave up on the restarted worker:\n{app.Output}");
            await Task.Delay(100);
        }

        output.WriteLine($"drained after {(DateTimeOffset.UtcNow - started).TotalSeconds:F1} s");

        // Exactly once in effect.
        var report = _reader.Services.GetRequiredService<UsageMetricsReport>();
        Assert.Equal(expected.GitopsSync, await report.TotalAsync("gitops_sync", Day, Day));
        Assert.Equal(expected.ProxyRequests, await report.TotalAsync("k8s_api_proxy_request", Day, Day));
        Assert.Equal(UsageMessages, await report.DistinctAsync("agent_users_using_ci_tunnel", Day, Day));

        var events = await EntitiesAsync(_reader.Services.GetRequiredService<ReceiveTables>().PushEvents, PushProject);
        var perJob = events.GroupBy(e => e.GetString("JobId")).ToDictionary(g => g.Key!, g => g.Count());
        Assert.Equal(expected.JobIds.Order(), perJob.Keys.Order());
        Assert.All(perJob, j => Assert.Equal(ChangesPerJob, j.Value));
        Assert.Equal(PushJobs * ChangesPerJob, events.Select(e => e.GetString("Ref")).Distinct().Count());
        Assert.Equal(PushJobs * ChangesPerJob, (await _reader.Services.GetRequiredService<PushHistory>().GetRefsAsync(PushProject)).Count(r => r.Ref.StartsWith("refs/heads/crash-", StringComparison.Ordinal)));

        var audits = await EntitiesAsync(_reader.Services.GetRequiredService<AuditEventTables>().AuditEvents, AuditProject);
        Assert.Equal(expected.AuditIds.Order(), audits.Select(a => a.GetString("EventId")!).Order());

        var packs = _reader.Services.GetRequiredService<MinutePackService>();
        Assert.Empty(await packs.ListAsync(MoveSource));
        var moved = await packs.ListAsync(MoveTarget);
        Assert.Equal(Enumerable.Range(0, Packs).Select(Xid).Order(), moved.Select(p => p.PurchaseXid).Order());
        Assert.All(moved, p => Assert.Equal(Minutes(p.PurchaseXid), p.NumberOfMinutes));
        output.WriteLine($"total {(DateTimeOffset.UtcNow - started).TotalSeconds:F1} s");
    }

    private async Task<Expected> EnqueueBatchAsync()
    {
        var queues = QueueService;
        foreach (var queue in Queues)
        {
            await queues.GetQueueClient(queue).CreateIfNotExistsAsync();
        }

        // The minutes to move (a move of many packs is many writes: the kill may well land inside it).
        var source = await _reader.Services.GetRequiredService<NamespaceStore>().GetNamespaceAsync(MoveSource) ?? throw new InvalidOperationException("demo namespace 123 missing");
        var packs = _reader.Services.GetRequiredService<MinutePackService>();
        await packs.AddAsync(source, [.. Enumerable.Range(0, Packs).Select(i => new MinutePackOrder(new DateOnly(2030, 1, 1), Minutes(Xid(i)), Xid(i)))]);
        Assert.Empty(await packs.ListAsync(MoveTarget));

        var bodies = new List<(string Queue, BinaryData Body)>();
        long gitops = 0, proxy = 0;
        for (var i = 0; i < UsageMessages; i++)
        {
            var message = new UsageMetricsMessage
            {
                ReceivedAt = Day.ToDateTime(new TimeOnly(12, 0), DateTimeKind.Utc),
                Counters = new() { ["gitops_sync"] = i % 7 + 1, ["k8s_api_proxy_request"] = 3 },
                UniqueCounters = new() { ["agent_users_using_ci_tunnel"] = [1000 + i] },
            };
            gitops += i % 7 + 1;
            proxy += 3;
            bodies.Add((UsageMetrics.QueueName, BinaryData.FromBytes(JsonSerializer.SerializeToUtf8Bytes(message, KubernetesJsonContext.Default.UsageMetricsMessage))));
        }

        var jobIds = new List<string>();
        var pushedAt = DateTimeOffset.UtcNow;
        for (var j = 0; j < PushJobs; j++)
        {
            var changes = string.Concat(Enumerable.Range(0, ChangesPerJob).Select(c => $"{Zero} {Sha(j, c)} refs/heads/crash-{j}-{c}\n"));
            var job = new PostReceiveJob { JobId = Guid.NewGuid().ToString("N"), GlRepository = "project-" + PushProject, Identifier = "user-1", Changes = changes, ReceivedAt = pushedAt.AddMilliseconds(j) };
            jobIds.Add(job.JobId);
            bodies.Add((PostReceiveService.QueueName, BinaryData.FromBytes(JsonSerializer.SerializeToUtf8Bytes(job, ReceiveJsonContext.Default.PostReceiveJob))));
        }

        var auditIds = new List<string>();
        for (var a = 0; a < AuditEvents; a++)
        {
            var message = new GitAuditEventMessage
            {
                EventId = Guid.NewGuid().ToString("N"),
                OccurredAt = pushedAt.AddMilliseconds(a),
                ProjectId = AuditProject,
                ProjectPath = "gnuwget/wget2",
                Action = "git-upload-pack",
                Protocol = "ssh",
                Verb = "pull",
                UserId = 1,
                Username = "root",
                KeyId = 11,
                KeyType = "key",
                IpAddress = "127.0.0.1",
            };
            auditIds.Add(message.EventId);
            bodies.Add((GitAuditEventService.QueueName, BinaryData.FromBytes(JsonSerializer.SerializeToUtf8Bytes(message, AuditJsonContext.Default.GitAuditEventMessage))));
        }

        bodies.Add((MinutesMove.QueueName, BinaryData.FromBytes(JsonSerializer.SerializeToUtf8Bytes(new MinutesMoveMessage(MoveSource, MoveTarget, pushedAt), AdminJsonContext.Default.MinutesMoveMessage))));

        // Interleaved, so every queue's backlog is there before the worker starts.
        await Parallel.ForEachAsync(bodies, new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (m, ct) =>
            await queues.GetQueueClient(m.Queue).SendMessageAsync(m.Body, cancellationToken: ct));
        return new Expected(gitops, proxy, jobIds, auditIds);
    }

    private async Task<Progress> ProgressAsync()
    {
        var report = _reader.Services.GetRequiredService<UsageMetricsReport>();
        var counts = await CountsAsync(Queues);
        return new Progress(
            await report.TotalAsync("gitops_sync", Day, Day),
            (await EntitiesAsync(_reader.Services.GetRequiredService<ReceiveTables>().PushEvents, PushProject)).Count,
            (await EntitiesAsync(_reader.Services.GetRequiredService<AuditEventTables>().AuditEvents, AuditProject)).Count,
            (await _reader.Services.GetRequiredService<MinutePackService>().ListAsync(MoveTarget)).Count,
            counts.Values.Sum());
    }

    private async Task<Dictionary<string, int>> CountsAsync(IEnumerable<string> queues)
    {
        var counts = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var queue in queues)
        {
            counts[queue] = await QueueService.CountAsync(queue);
        }

        return counts;
    }

    private static async Task<List<TableEntity>> EntitiesAsync(TableClient table, long partition)
    {
        var list = new List<TableEntity>();
        await foreach (var e in table.QueryAsync<TableEntity>(TableClient.CreateQueryFilter($"PartitionKey eq {partition.ToString(CultureInfo.InvariantCulture)}")))
        {
            list.Add(e);
        }

        return list;
    }

    private static string Xid(int i) => "crash-pack-" + i.ToString("D4", CultureInfo.InvariantCulture);

    private static long Minutes(string xid) => 100 + int.Parse(xid[^4..], CultureInfo.InvariantCulture);

    private static string Sha(int job, int change) => (job * 100 + change + 1).ToString("x40", CultureInfo.InvariantCulture);

    private sealed record Expected(long GitopsSync, long ProxyRequests, IReadOnlyList<string> JobIds, IReadOnlyList<string> AuditIds);

    /// <summary>What is visible: effects so far, and the messages still in the queues (leased ones included).</summary>
    private sealed record Progress(long GitopsSync, int PushEvents, int AuditEvents, int PacksMoved, int Pending);
}
