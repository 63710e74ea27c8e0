using System.Net;
using System.Text.Json.Nodes;
using Azure.Data.Tables;
using InternalApi.Bench;
using InternalApi.Tests.Infrastructure;

namespace InternalApi.Tests.Bench;

/// <summary>The bench's HTTP floor answers only what its read found, so a row held against it measures a real read.</summary>
[Collection(AppCollection.Name)]
public sealed class BenchHttpFloorTests(AppFixture fixture)
{
    [Fact]
    public async Task The_Floor_Route_Answers_The_Read_Over_Loopback_And_Says_When_It_Found_Nothing()
    {
        var table = new TableClient(fixture.Azurite.ConnectionString, "floor" + Guid.NewGuid().ToString("N")[..12]);
        await table.CreateIfNotExistsAsync();
        var failures = new BenchFailures();
        await using (var floor = await BenchHttpFloor.StartAsync(table, ("1", ""), concurrency: 2, failures))
        {
            Assert.True(floor.Address.IsLoopback);
            Assert.False(await floor.ReadAsync());
            Assert.StartsWith("""1× HTTP floor: 404 {"message":"404 Not found"}""", Assert.Single(failures.Drain()), StringComparison.Ordinal);
            using (var client = new HttpClient())
            using (var missing = await client.GetAsync(floor.Address))
            {
                Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
                Assert.Equal("application/json", missing.Content.Headers.ContentType?.MediaType);
                Assert.Equal("404 Not found", JsonNode.Parse(await missing.Content.ReadAsStringAsync())!["message"]!.GetValue<string>());
            }

            await table.AddEntityAsync(new TableEntity("1", "") { ["Username"] = "root" });
            Assert.True(await floor.ReadAsync());
        }
    }

    [Fact]
    public async Task A_Storage_Failure_Is_A_Json_503_Not_A_500()
    {
        // Nothing listens where this client points, and it does not retry: the read fails at once.
        var nowhere = fixture.Azurite.ConnectionString.Replace(":" + fixture.Azurite.TablePort + "/", ":" + BenchProcess.FreeLoopbackPort() + "/", StringComparison.Ordinal);
        var table = new TableClient(nowhere, "floor", new TableClientOptions { Retry = { MaxRetries = 0 } });
        await using var floor = await BenchHttpFloor.StartAsync(table, ("1", ""), concurrency: 2);
        Assert.False(await floor.ReadAsync());
        using var client = new HttpClient();
        using var failed = await client.GetAsync(floor.Address);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, failed.StatusCode);
        Assert.Equal("503 Service Unavailable", JsonNode.Parse(await failed.Content.ReadAsStringAsync())!["message"]!.GetValue<string>());
    }
}
