using System.Globalization;
using System.Text.Json;
using Azure.Data.Tables;
using Azure.Storage.Queues;
using InternalApi.Core.Audit;
using InternalApi.Core.Model;
using InternalApi.Core.Subscriptions;
using InternalApi.Functions.Functions.Admin;
using InternalApi.Functions.OpenApi;
using InternalApi.LocalHost.Queues;
using InternalApi.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace InternalApi.Tests.Reliability;

/// <summary>
/// Minutes moves and Git audit events across a storage outage (the pushes and usage metrics are in
/// <see cref="StorageFaultTests"/>, on the same on-disk Azurite): queued before the outage and due during it,
/// they are all carried out once Azurite is back, each exactly once.
/// </summary>
[Collection("storage-faults")]
public sealed class StorageFaultQueueTests(StorageFaultFixture fixture) : IAsyncLifetime
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(90);

    private IServiceProvider Services => fixture.App.Services;

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        // Whatever happened in the test, the next one starts with storage up.
        try
        {
            await Services.GetRequiredService<QueueServiceClient>().GetPropertiesAsync();
        }
        catch (Exception ex) when (ex is Azure.RequestFailedException or HttpRequestException or AggregateException)
        {
            await fixture.Azurite.RestartAsync();
        }
    }

    [Fact]
    public async Task Minutes_Moves_And_Audit_Events_Queued_Around_An_Outage_Complete_Exactly_Once()
    {
        var packs = Services.GetRequiredService<MinutePackService>();
        var queues = Services.GetRequiredService<QueueServiceClient>();
        var projectId = TestIds.Next();

        // Two moves: one due at once (it may run before the stop, or be cut off by it mid-way: it has many packs),
        // one that becomes due while storage is down.
        var now = await MoveAsync(packs, 40);
        var later = await MoveAsync(packs, 5);
        var audits = new[] { Audit(projectId), Audit(projectId) };
        var delayed = TimeSpan.FromSeconds(2);
        var sent = new List<string>
        {
            (await queues.GetQueueClient(MinutesMove.QueueName).SendMessageAsync(Body(later.Message), delayed)).Value.MessageId,
            (await queues.GetQueueClient(GitAuditEventService.QueueName).SendMessageAsync(Body(audits[1]), delayed)).Value.MessageId,
            (await queues.GetQueueClient(GitAuditEventService.QueueName).SendMessageAsync(Body(audits[0]))).Value.MessageId,
            (await queues.GetQueueClient(MinutesMove.QueueName).SendMessageAsync(Body(now.Message))).Value.MessageId,
        };

        var due = DateTimeOffset.UtcNow + delayed;
        var warningsBefore = fixture.App.Logs.Entries.Count(e => e.EventId.Id == 2100);
        await fixture.Azurite.StopAsync();
        var deadline = DateTimeOffset.UtcNow + Wait;

        // Storage stays down until the listener has met the outage and the delayed messages have become due.
        while (fixture.App.Logs.Entries.Count(e => e.EventId.Id == 2100) <= warningsBefore || DateTimeOffset.UtcNow < due)
        {
            Assert.True(DateTimeOffset.UtcNow < deadline, "the queue listener never noticed the outage");
            await Task.Delay(100);
        }

        await fixture.Azurite.RestartAsync();
        var monitor = fixture.App.Dispatches;
        foreach (var id in sent)
        {
            await monitor.WaitForAsync(o => o.MessageId == id && o.Status == QueueDispatchStatus.Succeeded, deadline - DateTimeOffset.UtcNow);
        }

        // A delivery cut off by the outage comes back when its lease runs out: wait until nothing is left.
        foreach (var queue in new[] { MinutesMove.QueueName, GitAuditEventService.QueueName })
        {
            while (await queues.CountAsync(queue) > 0)
            {
                Assert.True(DateTimeOffset.UtcNow < deadline, $"{queue} not drained");
                await Task.Delay(100);
            }

            Assert.Equal(0, await queues.CountAsync(queue + "-poison"));
        }

        foreach (var move in new[] { now, later })
        {
            Assert.Empty(await packs.ListAsync(move.Message.SourceId));
            Assert.Equal(move.Packs, (await packs.ListAsync(move.Message.TargetId)).Select(p => (p.PurchaseXid, p.NumberOfMinutes)).OrderBy(p => p.PurchaseXid, StringComparer.Ordinal));
        }

        var recorded = new List<string>();
        await foreach (var e in Services.GetRequiredService<AuditEventTables>().AuditEvents.QueryAsync<TableEntity>(
            TableClient.CreateQueryFilter($"PartitionKey eq {projectId.ToString(CultureInfo.InvariantCulture)}")))
        {
            recorded.Add(e.GetString("EventId")!);
        }

        Assert.Equal(audits.Select(a => a.EventId).Order(StringComparer.Ordinal), recorded.Order(StringComparer.Ordinal));
        Assert.DoesNotContain(fixture.App.Logs.Entries, e => e.EventId.Id is 1000 or 2102);
    }

    /// <summary>Two fresh top-level namespaces, the first with <paramref name="count"/> packs, and the move between them.</summary>
    private async Task<(MinutesMoveMessage Message, List<(string Xid, long Minutes)> Packs)> MoveAsync(MinutePackService packs, int count)
    {
        var stores = StoreSet.Of(Services);
        var source = new GitLabNamespace { Id = TestIds.Next(), Name = "s", FullPath = TestIds.Name("fault-src-") };
        var target = new GitLabNamespace { Id = TestIds.Next(), Name = "t", FullPath = TestIds.Name("fault-dst-") };
        await stores.Namespaces.UpsertNamespaceAsync(source with { RootId = source.Id });
        await stores.Namespaces.UpsertNamespaceAsync(target with { RootId = target.Id });
        var wanted = Enumerable.Range(0, count).Select(i => ($"fault-{source.Id}-{i:D3}", 10L + i)).ToList();
        await packs.AddAsync(source, [.. wanted.Select(p => new MinutePackOrder(new DateOnly(2031, 1, 1), p.Item2, p.Item1))]);
        return (new MinutesMoveMessage(source.Id, target.Id, DateTimeOffset.UtcNow), wanted);
    }

    private static GitAuditEventMessage Audit(long projectId) => new()
    {
        EventId = Guid.NewGuid().ToString("N"),
        OccurredAt = DateTimeOffset.UtcNow,
        ProjectId = projectId,
        ProjectPath = "fault/project",
        Action = "git-receive-pack",
        Protocol = "ssh",
        Verb = "push",
        UserId = 1,
        Username = "faulty",
    };

    private static BinaryData Body(MinutesMoveMessage message) => BinaryData.FromBytes(JsonSerializer.SerializeToUtf8Bytes(message, AdminJsonContext.Default.MinutesMoveMessage));

    private static BinaryData Body(GitAuditEventMessage message) => BinaryData.FromBytes(JsonSerializer.SerializeToUtf8Bytes(message, AuditJsonContext.Default.GitAuditEventMessage));
}
