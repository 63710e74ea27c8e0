using Azure.Storage.Queues;
using InternalApi.Functions.OpenApi;
using InternalApi.LocalHost.Queues;
using InternalApi.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace InternalApi.Tests.Hosting;

/// <summary>
/// A local host whose queue lease is eight seconds, serving a queue function the test holds open. Renewed at half
/// the lease, it survives a four-second stall of a loaded machine (with two- and four-second leases, one slow renewal
/// under the full suite on two cores let the message come back).
/// </summary>
public sealed class QueueLeaseFixture : IAsyncLifetime
{
    public AzuriteServer Azurite { get; private set; } = null!;

    public TestApp App { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Azurite = await AzuriteServer.StartAsync();
        App = await TestApp.StartAsync(Azurite.ConnectionString, new Dictionary<string, string?>
        {
            ["Queues:LeaseDuration"] = "00:00:08",
            ["Logging:LogLevel:InternalApi.LocalHost.Queues.QueueTriggerListener"] = "Debug",
        }, [TestFunctions.HeldQueueMetadata]);
    }

    public async Task DisposeAsync()
    {
        TestFunctions.Release.TrySetResult();
        await App.DisposeAsync();
        await Azurite.DisposeAsync();
    }
}

[CollectionDefinition("queue-lease")]
public sealed class QueueLeaseCollection : ICollectionFixture<QueueLeaseFixture>;

[Collection("queue-lease")]
public sealed class QueueLeaseTests(QueueLeaseFixture fixture)
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task A_Running_Message_Stays_Leased_Past_The_Lease_Duration_And_Runs_Once()
    {
        var queues = fixture.App.Services.GetRequiredService<QueueServiceClient>();
        var sent = await queues.SendMessageAsync(TestFunctions.HeldQueue, BinaryData.FromString("hold me"));
        await TestFunctions.Started.Task.WaitAsync(Wait);

        // Two renewals (two half-leases: a whole lease) while the function runs: without them the message would be
        // visible again, and delivered a second time, after the first lease. Observed, not slept for.
        var deadline = DateTime.UtcNow + Wait;
        while (fixture.App.Logs.Entries.Count(e => e.EventId.Id == RenewedEvent) < 2)
        {
            Assert.True(DateTime.UtcNow < deadline, "fewer than two renewals within the wait:\n" + Renewals());
            await Task.Delay(100);
        }

        var visible = await queues.PeekMessagesAsync(TestFunctions.HeldQueue, 32);
        Assert.True(visible.Length == 0, "the message came back while its function ran; renewals:\n" + Renewals());

        TestFunctions.Release.TrySetResult();
        var monitor = fixture.App.Dispatches;
        var outcome = await monitor.WaitForAsync(o => o.MessageId == sent.MessageId, Wait);
        Assert.Equal(QueueDispatchStatus.Succeeded, outcome.Status);
        Assert.True(outcome.DequeueCount == 1, $"delivered {outcome.DequeueCount} times; renewals:\n" + Renewals());
        Assert.Equal(0, await queues.CountAsync(TestFunctions.HeldQueue));
        Assert.Empty(fixture.App.Logs.Problems());

    }

    private const int RenewedEvent = 2105;

    private string Renewals() =>
        string.Join('\n', fixture.App.Logs.Entries.Where(e => e.EventId.Id is >= RenewedEvent and <= 2108).Select(e => e.Message));
}
