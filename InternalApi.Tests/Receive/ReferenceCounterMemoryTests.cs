using System.Globalization;
using Azure.Data.Tables;
using InternalApi.Core.Data;
using InternalApi.Core.Receive;
using InternalApi.Core.Storage;
using InternalApi.Functions.Hosting;
using InternalApi.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace InternalApi.Tests.Receive;

/// <summary>
/// The counter writes from the version of a shard it last wrote or read, conditional on its ETag: one storage call
/// per change while nobody else touches the shard, and the exact count still when another instance did (its write
/// then fails, and the change goes on from a fresh read). Each counter here is its own instance, as two app
/// instances would be, over its own counted storage client against the test Azurite.
/// </summary>
[Collection("receive-hooks")]
public sealed class ReferenceCounterMemoryTests(ReceiveHookFixture fixture)
{
    [Fact]
    public async Task A_Change_To_A_Shard_This_Instance_Knows_Is_One_Storage_Call()
    {
        var repository = await ShardedAsync(count: 2);
        var (counter, calls) = Instance();
        Assert.Equal(2 * ReferenceCounter.Shards, await counter.GetAsync(repository));

        var before = calls.Count;
        Assert.True(await counter.IncrementAsync(repository));
        Assert.Equal(1, calls.Count - before);

        before = calls.Count;
        Assert.True(await counter.DecrementAsync(repository));
        Assert.True(await counter.DecrementAsync(repository));
        Assert.Equal(2, calls.Count - before);

        Assert.Equal((2 * ReferenceCounter.Shards) - 1, await Instance().Counter.GetAsync(repository));
    }

    [Fact]
    public async Task Shards_Changed_By_Another_Instance_Are_Read_Again_And_The_Count_Stays_Exact()
    {
        var repository = await ShardedAsync(count: 1);
        var (mine, myCalls) = Instance();
        Assert.Equal(ReferenceCounter.Shards, await mine.GetAsync(repository));

        // Another writer adds one to every shard: each version this instance remembers is now stale.
        await foreach (var row in Tables.ReferenceCounters.QueryAsync<TableEntity>(TableClient.CreateQueryFilter($"PartitionKey eq {TableKey.Encode(repository)}")))
        {
            row["Count"] = row.GetInt64("Count") + 1;
            await Tables.ReferenceCounters.UpdateEntityAsync(row, row.ETag, TableUpdateMode.Replace);
        }

        var before = myCalls.Count;
        Assert.True(await mine.IncrementAsync(repository));
        Assert.True(await mine.DecrementAsync(repository));
        Assert.True(await mine.DecrementAsync(repository));

        // Each change tried its stale version (412), then read and wrote: more than one call each.
        Assert.True(myCalls.Count - before > 3, $"{myCalls.Count - before} calls for three changes from stale versions");
        Assert.Equal((2 * ReferenceCounter.Shards) - 1, await Instance().Counter.GetAsync(repository));
    }

    [Fact]
    public async Task A_Remembered_Shard_Deleted_Since_Is_Written_Anew()
    {
        var repository = await ShardedAsync(count: 3);
        var (counter, _) = Instance();
        Assert.Equal(3 * ReferenceCounter.Shards, await counter.GetAsync(repository));
        await foreach (var row in Tables.ReferenceCounters.QueryAsync<TableEntity>(TableClient.CreateQueryFilter($"PartitionKey eq {TableKey.Encode(repository)}")))
        {
            await Tables.ReferenceCounters.DeleteEntityAsync(row.PartitionKey, row.RowKey);
        }

        Assert.True(await counter.IncrementAsync(repository));
        Assert.True(await counter.IncrementAsync(repository));
        Assert.True(await counter.DecrementAsync(repository));
        Assert.Equal(1, await Instance().Counter.GetAsync(repository));
    }

    [Fact]
    public async Task Many_Instances_Changing_One_Repository_At_Once_Keep_The_Count_Exact()
    {
        var repository = "project-" + TestIds.Next();
        var instances = Enumerable.Range(0, 4).Select(_ => Instance().Counter).ToList();
        var increments = await Task.WhenAll(Enumerable.Range(0, 48).Select(i => instances[i % instances.Count].IncrementAsync(repository)));
        Assert.All(increments, Assert.True);

        // Every instance now remembers some shards that the others have changed since.
        var decrements = await Task.WhenAll(Enumerable.Range(0, 40).Select(i => instances[(i + 1) % instances.Count].DecrementAsync(repository)));
        Assert.All(decrements, Assert.True);
        Assert.Equal(8, await Instance().Counter.GetAsync(repository));
    }

    private GitLabTables Tables => fixture.App.Services.GetRequiredService<GitLabTables>();

    /// <summary>A counter of its own (its own remembered versions) over a storage client whose requests are counted.</summary>
    private (ReferenceCounter Counter, StorageCallCounter Calls) Instance()
    {
        var calls = new StorageCallCounter();
        var options = new TableClientOptions();
        options.AddPolicy(calls, Azure.Core.HttpPipelinePosition.PerCall);
        var tables = new GitLabTables(new TableServiceClient(fixture.Azurite.ConnectionString, options), fixture.App.Services.GetRequiredService<IOptions<StorageOptions>>());
        return (new ReferenceCounter(tables, TimeProvider.System), calls);
    }

    /// <summary>A repository each of whose shards holds <paramref name="count"/>.</summary>
    private async Task<string> ShardedAsync(long count)
    {
        var repository = "project-" + TestIds.Next();
        var key = TableKey.Encode(repository);
        for (var shard = 0; shard < ReferenceCounter.Shards; shard++)
        {
            await Tables.ReferenceCounters.AddEntityAsync(new TableEntity(key, shard == 0 ? "" : shard.ToString("00", CultureInfo.InvariantCulture))
            {
                ["Count"] = count,
                ["ExpiresAt"] = DateTimeOffset.UtcNow + TimeSpan.FromMinutes(5),
            });
        }

        return repository;
    }
}
