using Azure.Storage.Queues;
using System.Net;
using Azure;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using InternalApi.Core.Kubernetes;
using Azure.Core;
using Azure.Core.Pipeline;
using Azure.Data.Tables;
using InternalApi.Core.Storage;
using InternalApi.Functions.OpenApi;
using InternalApi.LocalHost.Queues;
using Microsoft.Extensions.Options;
using InternalApi.Functions.Functions.Kubernetes;
using InternalApi.Functions.Hosting;
using InternalApi.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace InternalApi.Tests.Kubernetes;

public sealed class UsageMetricsWorkerFixture : IsolatedAppFixture
{
}

[CollectionDefinition("usage-metrics-worker")]
public sealed class UsageMetricsWorkerCollection : ICollectionFixture<UsageMetricsWorkerFixture>;

/// <summary>
/// Counting tests use days far apart per test (the report is per day range), so they never see each
/// other's counts in the shared store.
/// </summary>
[Collection("usage-metrics-worker")]
public sealed class UsageMetricsWorkerTests(UsageMetricsWorkerFixture fixture)
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(60);
    private static int _dayOffset;

    private UsageMetricsProcessor Processor => fixture.App.Services.GetRequiredService<UsageMetricsProcessor>();

    private UsageMetricsReport Report => fixture.App.Services.GetRequiredService<UsageMetricsReport>();

    private static DateTimeOffset NewDay() => new DateTimeOffset(2001, 1, 1, 12, 0, 0, TimeSpan.Zero).AddDays(10 * Interlocked.Increment(ref _dayOffset));

    private static DateOnly D(DateTimeOffset at) => DateOnly.FromDateTime(at.UtcDateTime);

    [Fact]
    public async Task The_Same_Message_Applied_Twice_Counts_Once()
    {
        var day = NewDay();
        var message = new UsageMetricsMessage { ReceivedAt = day, Counters = new() { ["gitops_sync"] = 3 }, UniqueCounters = new() { ["agent_users_using_ci_tunnel"] = [1, 2] } };
        await Processor.ApplyAsync("m-1", message, default);
        await Processor.ApplyAsync("m-1", message, default);
        await Processor.ApplyAsync("m-2", message, default);
        Assert.Equal(6, await Report.TotalAsync("gitops_sync", D(day), D(day)));
        Assert.Equal(6, await Report.TotalAsync("gitops_sync", D(day).AddDays(-1), D(day).AddDays(1)));
        Assert.Equal(2, await Report.DistinctAsync("agent_users_using_ci_tunnel", D(day), D(day)));
    }

    [Fact]
    public async Task A_Message_That_Failed_Half_Way_Then_Is_Redelivered_Counts_Once()
    {
        var day = NewDay();
        // The first attempt applied gitops_sync and died before k8s_api_proxy_request.
        await Processor.ApplyAsync("half", new UsageMetricsMessage { ReceivedAt = day, Counters = new() { ["gitops_sync"] = 2 } }, default);
        var full = new UsageMetricsMessage { ReceivedAt = day, Counters = new() { ["gitops_sync"] = 2, ["k8s_api_proxy_request"] = 4 } };
        await Processor.ApplyAsync("half", full, default);
        Assert.Equal(2, await Report.TotalAsync("gitops_sync", D(day), D(day)));
        Assert.Equal(4, await Report.TotalAsync("k8s_api_proxy_request", D(day), D(day)));
    }

    [Fact]
    public async Task A_Worker_That_Throws_Half_Way_Then_Sees_The_Message_Again_Counts_Once()
    {
        var day = NewDay();
        var message = new UsageMetricsMessage
        {
            ReceivedAt = day,
            Counters = new() { ["gitops_sync"] = 2, ["k8s_api_proxy_request"] = 4 },
            UniqueCounters = new() { ["agent_users_using_ci_tunnel"] = [5, 6] },
        };
        var names = fixture.App.Services.GetRequiredService<UsageMetricsTables>();

        // The first attempt commits gitops_sync, then storage fails on the second counter.
        var failing = FaultyTables.Create(fixture.Azurite.ConnectionString, names, failOnCall: 2, afterCommit: false);
        await Assert.ThrowsAsync<RequestFailedException>(() => new UsageMetricsProcessor(failing).ApplyAsync("throws-half-way", message, default));
        Assert.Equal(2, await Report.TotalAsync("gitops_sync", D(day), D(day)));

        await Processor.ApplyAsync("throws-half-way", message, default);
        Assert.Equal(2, await Report.TotalAsync("gitops_sync", D(day), D(day)));
        Assert.Equal(4, await Report.TotalAsync("k8s_api_proxy_request", D(day), D(day)));
        Assert.Equal(2, await Report.DistinctAsync("agent_users_using_ci_tunnel", D(day), D(day)));
    }

    [Fact]
    public async Task A_Commit_Whose_Answer_Was_Lost_Is_Not_Counted_Again()
    {
        var day = NewDay();
        var message = new UsageMetricsMessage { ReceivedAt = day, Counters = new() { ["gitops_sync"] = 9 } };
        var names = fixture.App.Services.GetRequiredService<UsageMetricsTables>();

        // The transaction lands but the worker never hears back (timeout, crash): the queue redelivers.
        var lost = FaultyTables.Create(fixture.Azurite.ConnectionString, names, failOnCall: 1, afterCommit: true);
        await Assert.ThrowsAsync<RequestFailedException>(() => new UsageMetricsProcessor(lost).ApplyAsync("answer-lost", message, default));
        await Processor.ApplyAsync("answer-lost", message, default);
        Assert.Equal(9, await Report.TotalAsync("gitops_sync", D(day), D(day)));
    }

    [Fact]
    public async Task The_All_Time_Total_Sums_Every_Day_Of_That_Event_Only()
    {
        // k8s_api_proxy_request is a prefix of k8s_api_proxy_requests_via_*: their partitions must not mix.
        var before = await Report.TotalAsync("k8s_api_proxy_request");
        var beforeVia = await Report.TotalAsync("k8s_api_proxy_requests_via_ci_access");
        var day = NewDay();
        await Processor.ApplyAsync("all-time-1", new UsageMetricsMessage { ReceivedAt = day, Counters = new() { ["k8s_api_proxy_request"] = 3, ["k8s_api_proxy_requests_via_ci_access"] = 100 } }, default);
        await Processor.ApplyAsync("all-time-2", new UsageMetricsMessage { ReceivedAt = day.AddDays(3), Counters = new() { ["k8s_api_proxy_request"] = 4 } }, default);
        Assert.Equal(before + 7, await Report.TotalAsync("k8s_api_proxy_request"));
        Assert.Equal(beforeVia + 100, await Report.TotalAsync("k8s_api_proxy_requests_via_ci_access"));
    }

    [Fact]
    public async Task Eight_Concurrent_Workers_Over_Two_Thousand_Messages_With_Duplicates_Count_Exactly()
    {
        var first = NewDay();
        var days = new[] { first, first.AddDays(1) };
        var random = new Random(4242);
        string[] counters = ["gitops_sync", "k8s_api_proxy_request", "flux_git_push_notifications_total"];
        string[] uniques = ["agent_users_using_ci_tunnel", "k8s_api_proxy_requests_unique_agents_via_ci_access"];
        var messages = Enumerable.Range(0, 2000).Select(i => (Id: "bulk-" + i, Message: new UsageMetricsMessage
        {
            ReceivedAt = days[random.Next(2)],
            Counters = counters.Where(_ => random.Next(3) == 0).ToDictionary(c => c, _ => (long)random.Next(1, 50)),
            UniqueCounters = uniques.Where(_ => random.Next(3) == 0).ToDictionary(u => u, _ => Enumerable.Range(0, random.Next(1, 4)).Select(_ => (long)random.Next(1, 300)).ToArray()),
        })).ToList();

        // At-least-once delivery: 400 redeliveries of random messages, everything shuffled.
        var deliveries = messages.Concat(Enumerable.Range(0, 400).Select(_ => messages[random.Next(messages.Count)])).OrderBy(_ => random.Next()).ToList();
        // ... and 100 deliveries right next to their twin, so two workers hold the same message at once.
        for (var twin = 0; twin < 100; twin++)
        {
            var at = random.Next(deliveries.Count);
            deliveries.Insert(at + 1, deliveries[at]);
        }

        var next = -1;
        await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => Task.Run(async () =>
        {
            int i;
            while ((i = Interlocked.Increment(ref next)) < deliveries.Count)
            {
                await Processor.ApplyAsync(deliveries[i].Id, deliveries[i].Message, default);
            }
        })));

        foreach (var name in counters)
        {
            var expected = messages.Sum(m => m.Message.Counters.GetValueOrDefault(name));
            Assert.Equal(expected, await Report.TotalAsync(name, D(days[0]), D(days[1])));
            var firstDay = messages.Where(m => m.Message.ReceivedAt == days[0]).Sum(m => m.Message.Counters.GetValueOrDefault(name));
            Assert.Equal(firstDay, await Report.TotalAsync(name, D(days[0]), D(days[0])));
        }

        foreach (var name in uniques)
        {
            var all = messages.SelectMany(m => m.Message.UniqueCounters.GetValueOrDefault(name) ?? []).Distinct().Count();
            Assert.Equal(all, await Report.DistinctAsync(name, D(days[0]), D(days[1])));
            var secondDay = messages.Where(m => m.Message.ReceivedAt == days[1]).SelectMany(m => m.Message.UniqueCounters.GetValueOrDefault(name) ?? []).Distinct().Count();
            Assert.Equal(secondDay, await Report.DistinctAsync(name, D(days[1]), D(days[1])));
        }
    }

    [Fact]
    public async Task Http_To_Queue_To_Totals_End_To_End()
    {
        var today = DateOnly.FromDateTime(DateTime.UtcNow);
        var before = await Report.TotalAsync("flux_git_push_notifications_total", today, today);
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/v4/internal/kubernetes/usage_metrics")
        {
            Content = new StringContent("""{"counters":{"flux_git_push_notifications_total":7}}""", Encoding.UTF8, "application/json"),
        };
        request.Headers.Add(RequestAuthenticator.KasHeader, fixture.App.KasToken());
        using var response = await fixture.App.Client.SendAsync(request);
        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);

        var monitor = fixture.App.Dispatches;
        var seen = new HashSet<string>();
        var deadline = DateTimeOffset.UtcNow + Wait;
        while (await Report.TotalAsync("flux_git_push_notifications_total", today, today) == before)
        {
            var outcome = await monitor.WaitForAsync(o => o.FunctionName == "UsageMetrics" && o.Status == QueueDispatchStatus.Succeeded && !seen.Contains(o.MessageId), deadline - DateTimeOffset.UtcNow);
            seen.Add(outcome.MessageId);
        }

        Assert.Equal(before + 7, await Report.TotalAsync("flux_git_push_notifications_total", today, today));
    }

    [Fact]
    public async Task The_Function_Counts_Once_Per_Message_Id()
    {
        var day = NewDay();
        var message = JsonSerializer.Serialize(new UsageMetricsMessage { ReceivedAt = day, Counters = new() { ["gitops_sync"] = 5 } }, KubernetesJsonContext.Default.UsageMetricsMessage);
        for (var attempt = 1; attempt <= 2; attempt++)
        {
            await fixture.App.InvokeQueueFunctionAsync("UsageMetrics", BinaryData.FromString(message), "host-message-" + day.Ticks, attempt);
        }

        Assert.Equal(5, await Report.TotalAsync("gitops_sync", D(day), D(day)));
    }

    [Fact]
    public async Task An_Undecodable_Message_Fails_The_Invocation_So_It_Is_Retried()
    {
        await AssertQueueFailure.ThrowsAsync<InvalidDataException>(() =>
            fixture.App.InvokeQueueFunctionAsync("UsageMetrics", BinaryData.FromString("{\"counters\":\"not an object\"}")));
    }

    [Fact]
    public async Task Undecodable_Messages_End_In_The_Poison_Queue()
    {
        var queues = fixture.App.Services.GetRequiredService<QueueServiceClient>();
        var sent = await queues.SendMessageAsync(UsageMetrics.QueueName, BinaryData.FromString("[not a metrics message " + Guid.NewGuid() + "]"));
        var outcome = await fixture.App.Dispatches
            .WaitForAsync(o => o.MessageId == sent.MessageId && o.Status == QueueDispatchStatus.Poisoned, Wait);
        Assert.Equal(5, outcome.DequeueCount);
    }

    [Fact]
    public async Task The_Report_Command_Prints_Every_Event()
    {
        var day = NewDay();
        await Processor.ApplyAsync("cmd", new UsageMetricsMessage { ReceivedAt = day, Counters = new() { ["k8s_api_proxy_requests_via_pat_access"] = 11 } }, default);
        using var output = new StringWriter();
        var d = D(day).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
        Assert.Equal(0, await UsageMetricsCommand.RunAsync(["--from", d, "--to", d, "--AzureWebJobsStorage=" + fixture.Azurite.ConnectionString], output, TextWriter.Null));
        var lines = output.ToString().Split('\n');
        var line = Assert.Single(lines, l => l.Contains("k8s_api_proxy_requests_via_pat_access", StringComparison.Ordinal));
        Assert.Contains(" 11 total", line, StringComparison.Ordinal);
        var allTime = await Report.TotalAsync("k8s_api_proxy_requests_via_pat_access");
        Assert.EndsWith(string.Create(System.Globalization.CultureInfo.InvariantCulture, $" {allTime} all time"), line.TrimEnd(), StringComparison.Ordinal);
        Assert.Contains(lines, l => l.Contains("agent_users_using_ci_tunnel", StringComparison.Ordinal) && l.TrimEnd().EndsWith(" 0 distinct", StringComparison.Ordinal));
        // agent_events' own names are reported too.
        Assert.Equal(
            UsageMetricsEvents.Counters.Count + UsageMetricsEvents.UniqueCounters.Count + UsageMetricsEvents.AgentEventCounters.Count + UsageMetricsEvents.AgentEventUniqueCounters.Count,
            lines.Count(l => l.StartsWith("  ", StringComparison.Ordinal)));
        Assert.Contains(lines, l => l.Contains("register_agent_at_kas_unique_agents", StringComparison.Ordinal));
        Assert.Equal(2, await UsageMetricsCommand.RunAsync(["--from", "yesterday"], TextWriter.Null, TextWriter.Null));
    }
}

/// <summary>
/// A table pipeline that fails one entity-group transaction ($batch), before it is sent or after the service
/// committed it (the answer lost), so the processor can be tried against both kinds of failure.
/// </summary>
internal sealed class FaultyTables(int failOnCall, bool afterCommit) : HttpPipelinePolicy
{
    private int _calls;

    public static UsageMetricsTables Create(string connectionString, UsageMetricsTables names, int failOnCall, bool afterCommit)
    {
        var options = new TableClientOptions();
        options.AddPolicy(new FaultyTables(failOnCall, afterCommit), HttpPipelinePosition.PerCall);
        var prefix = names.UsageMetrics.Name[..^"UsageMetrics".Length];
        return new UsageMetricsTables(new TableServiceClient(connectionString, options), Options.Create(new StorageOptions { TablePrefix = prefix }));
    }

    public override void Process(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline) => throw new NotSupportedException();

    public override async ValueTask ProcessAsync(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline)
    {
        var isBatch = message.Request.Uri.Path.EndsWith("$batch", StringComparison.Ordinal);
        if (!isBatch || Interlocked.Increment(ref _calls) != failOnCall)
        {
            await ProcessNextAsync(message, pipeline);
            return;
        }

        if (afterCommit)
        {
            await ProcessNextAsync(message, pipeline);
        }

        throw new RequestFailedException(503, "Injected storage failure.");
    }
}
