using Azure.Core;
using Azure.Data.Tables;
using InternalApi.Functions.Hosting;
using InternalApi.Tests.Infrastructure;

namespace InternalApi.Tests.Hosting;

/// <summary>
/// The bench's write floor writes through the client it is given, each write counted as one call and one write by
/// <see cref="StorageCallCounter"/> (reads as calls only), and leaves no table behind.
/// </summary>
[Collection(AppCollection.Name)]
public sealed class BenchWriteFloorTests(AppFixture fixture)
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
}
