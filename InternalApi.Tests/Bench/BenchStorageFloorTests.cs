using Azure.Core;
using Azure.Data.Tables;
using Azure.Storage.Queues;
using InternalApi.Bench;
using InternalApi.Tests.Infrastructure;

namespace InternalApi.Tests.Bench;

/// <summary>
/// The bench's write and queue floors go through the clients they are given, each write counted as one call and one
/// write by <see cref="StorageCallCounter"/> (reads as calls only, a queue message sent as a write and a send), and
/// leave no table or queue behind.
/// </summary>
[Collection(AppCollection.Name)]
public sealed class BenchStorageFloorTests(AppFixture fixture)
{
    [Fact]
    public async Task Writes_Are_Counted_As_Writes_And_The_Table_Goes_With_The_Floor()
    {
        var counter = new StorageCallCounter();
        var options = new TableClientOptions();
        options.AddPolicy(counter, HttpPipelinePosition.PerCall);
        var service = new TableServiceClient(fixture.Azurite.ConnectionString, options);

        await using (var floor = await BenchWriteFloor.CreateAsync(service))
        {
            var table = service.GetTableClient(BenchWriteFloor.TableName);
            var (calls, writes) = (counter.Count, counter.Writes);
            Assert.True(await floor.WriteAsync());
            Assert.True(await floor.WriteAsync());
            Assert.Equal((calls + 2, writes + 2), (counter.Count, counter.Writes));

            var rows = 0;
            await foreach (var row in table.QueryAsync<TableEntity>())
            {
                rows++;
            }

            Assert.Equal(16, rows);
            Assert.Equal((calls + 3, writes + 2), (counter.Count, counter.Writes));
        }

        var tables = new List<string>();
        await foreach (var item in service.QueryAsync(t => t.Name == BenchWriteFloor.TableName))
        {
            tables.Add(item.Name);
        }

        Assert.Empty(tables);
    }

    [Fact]
    public async Task Sends_Are_Counted_As_Queue_Sends_And_The_Queue_Goes_With_The_Floor()
    {
        var counter = new StorageCallCounter();
        var options = new QueueClientOptions();
        options.AddPolicy(counter, HttpPipelinePosition.PerCall);
        var service = new QueueServiceClient(fixture.Azurite.ConnectionString, options);

        await using (var floor = await BenchQueueFloor.CreateAsync(service))
        {
            var (calls, writes, sends) = (counter.Count, counter.Writes, counter.QueueSends);
            Assert.True(await floor.SendAsync());
            Assert.True(await floor.SendAsync());
            Assert.Equal((calls + 2, writes + 2, sends + 2), (counter.Count, counter.Writes, counter.QueueSends));

            // Reading a message back is a call, not a write; deleting it a write, not a send.
            var received = (await service.GetQueueClient(BenchQueueFloor.QueueName).ReceiveMessageAsync()).Value;
            await service.GetQueueClient(BenchQueueFloor.QueueName).DeleteMessageAsync(received.MessageId, received.PopReceipt);
            Assert.Equal((calls + 4, writes + 3, sends + 2), (counter.Count, counter.Writes, counter.QueueSends));
        }

        Assert.False(await service.GetQueueClient(BenchQueueFloor.QueueName).ExistsAsync());
    }
}
