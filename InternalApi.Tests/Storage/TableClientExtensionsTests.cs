using Azure;
using Azure.Data.Tables;
using InternalApi.Core.Storage;
using InternalApi.Tests.Infrastructure;

namespace InternalApi.Tests.Storage;

/// <summary>The few shapes Core repeats over the SDK's TableClient, against a real Azurite.</summary>
[Collection(AppCollection.Name)]
public sealed class TableClientExtensionsTests(AppFixture fixture)
{
    private async Task<TableClient> NewTableAsync()
    {
        var table = new TableClient(fixture.Azurite.ConnectionString, "ext" + Guid.NewGuid().ToString("N")[..12]);
        await table.CreateIfNotExistsAsync();
        return table;
    }

    [Fact]
    public async Task Keys_Up_To_The_Service_Limit_Are_Found_And_Longer_Ones_Name_Nothing()
    {
        var table = await NewTableAsync();
        var longest = new string('\'', TableClientExtensions.MaxKeyLength);
        await table.AddEntityAsync(new TableEntity(longest, longest) { ["X"] = 1 });
        Assert.Equal(1, (await table.FindAsync(longest, longest))?.GetInt32("X"));

        // The service refuses longer keys, so a lookup by one (a request parameter, say) finds nothing
        // instead of failing; quotes and accents make the URL far longer than the key.
        foreach (var key in new[] { new string('a', TableClientExtensions.MaxKeyLength + 1), new string('\'', 5000), new string('é', 5000) })
        {
            Assert.Null(await table.FindAsync(key, ""));
            Assert.Null(await table.FindAsync("p", key));
        }
    }

    [Fact]
    public async Task Merge_If_Exists_Never_Resurrects_A_Missing_Entity()
    {
        var table = await NewTableAsync();
        Assert.False(await table.MergeIfExistsAsync(new TableEntity("gone", "") { ["Touched"] = true }));
        Assert.Null(await table.FindAsync("gone", ""));

        await table.AddEntityAsync(new TableEntity("here", "") { ["Kept"] = "yes" });
        Assert.True(await table.MergeIfExistsAsync(new TableEntity("here", "") { ["Touched"] = true }));
        var merged = await table.FindAsync("here", "");
        Assert.Equal("yes", merged?.GetString("Kept"));
        Assert.True(merged?.GetBoolean("Touched"));
    }

    [Fact]
    public async Task Lost_Races_Are_Concurrency_Conflicts_And_Other_Failures_Are_Not()
    {
        var table = await NewTableAsync();
        await table.AddEntityAsync(new TableEntity("c", "") { ["N"] = 1L });
        var stale = await table.FindAsync("c", "");
        await table.UpdateEntityAsync(new TableEntity("c", "") { ["N"] = 2L }, stale!.ETag, TableUpdateMode.Replace);

        var conflict = await Assert.ThrowsAsync<RequestFailedException>(() => table.UpdateEntityAsync(new TableEntity("c", "") { ["N"] = 3L }, stale.ETag, TableUpdateMode.Replace));
        Assert.True(conflict.IsConcurrencyConflict());
        var exists = await Assert.ThrowsAsync<RequestFailedException>(() => table.AddEntityAsync(new TableEntity("c", "")));
        Assert.True(exists.IsConcurrencyConflict());
        var missing = await Assert.ThrowsAsync<RequestFailedException>(() => table.UpdateEntityAsync(new TableEntity("none", ""), ETag.All, TableUpdateMode.Merge));
        Assert.False(missing.IsConcurrencyConflict());
    }
}
