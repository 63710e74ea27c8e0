using Azure.Data.Tables;
using InternalApi.Functions.Hosting;
using InternalApi.Tests.Infrastructure;

namespace InternalApi.Tests.Hosting;

/// <summary>The bench's HTTP floor answers only what its read found, so a row held against it measures a real read.</summary>
[Collection(AppCollection.Name)]
public sealed class BenchHttpFloorTests(AppFixture fixture)
{
    [Fact]
    public async Task The_Floor_Route_Answers_The_Read_Over_Loopback_And_Says_When_It_Found_Nothing()
    {
        var table = new TableClient(fixture.Azurite.ConnectionString, "floor" + Guid.NewGuid().ToString("N")[..12]);
        await table.CreateIfNotExistsAsync();
        await using (var floor = await BenchHttpFloor.StartAsync(table, ("1", ""), concurrency: 2))
        {
            Assert.False(await floor.ReadAsync());
            await table.AddEntityAsync(new TableEntity("1", "") { ["Username"] = "root" });
            Assert.True(await floor.ReadAsync());
        }
    }
}
