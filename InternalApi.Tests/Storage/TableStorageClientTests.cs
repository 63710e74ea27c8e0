using Azure;
using InternalApi.Core.Storage;
using InternalApi.Tests.Infrastructure;

namespace InternalApi.Tests.Storage;

[Collection(StorageCollection.Name)]
public sealed class TableStorageClientTests(StorageFixture fixture)
{
    private readonly TableStorageClient _tables = fixture.Tables;

    private static string NewTable() => "t" + Guid.NewGuid().ToString("N")[..20];

    [Fact]
    public async Task CreateTableIfNotExists_Reports_Whether_It_Created()
    {
        var table = NewTable();
        Assert.True(await _tables.CreateTableIfNotExistsAsync(table));
        Assert.False(await _tables.CreateTableIfNotExistsAsync(table));
        Assert.True(await _tables.DeleteTableAsync(table));
        Assert.False(await _tables.DeleteTableAsync(table));
    }

    [Fact]
    public async Task Keys_Up_To_The_Service_Limit_Are_Stored_And_Longer_Ones_Name_Nothing()
    {
        var table = NewTable();
        await _tables.CreateTableIfNotExistsAsync(table);
        var longest = new string('\'', TableStorageClient.MaxKeyLength);
        await _tables.AddEntityAsync(table, new TableEntity(longest, longest) { ["X"] = 1 });
        Assert.NotNull(await _tables.GetEntityAsync(table, longest, longest));

        // The service refuses to store longer keys, so a lookup by one (a request parameter, say) finds
        // nothing instead of failing; quotes and accents make the URL far longer than the key.
        foreach (var key in new[] { new string('a', TableStorageClient.MaxKeyLength + 1), new string('\'', 5000), new string('é', 5000) })
        {
            Assert.Null(await _tables.GetEntityAsync(table, key, ""));
            Assert.Null(await _tables.GetEntityAsync(table, "p", key));
            Assert.False(await _tables.DeleteEntityAsync(table, key, ""));
        }
    }

    [Fact]
    public async Task Entity_Round_Trips_Every_Supported_Type()
    {
        var table = NewTable();
        await _tables.CreateTableIfNotExistsAsync(table);
        var when = new DateTimeOffset(2024, 5, 6, 7, 8, 9, 123, TimeSpan.Zero);
        var id = Guid.NewGuid();
        var entity = new TableEntity("p", "r")
        {
            ["Text"] = "héllo",
            ["Int"] = 42,
            ["Long"] = long.MaxValue,
            ["Double"] = 2.0,
            ["Flag"] = true,
            ["When"] = when,
            ["Id"] = id,
            ["Bytes"] = new byte[] { 1, 2, 3 },
        };
        var etag = await _tables.AddEntityAsync(table, entity);
        Assert.NotEqual(default, etag);

        var read = await _tables.GetEntityAsync(table, "p", "r");
        Assert.NotNull(read);
        Assert.Equal("héllo", read.GetString("Text"));
        Assert.Equal(42, read.GetInt32("Int"));
        Assert.Equal(long.MaxValue, read.GetInt64("Long"));
        Assert.Equal(2.0, read.GetDouble("Double"));
        Assert.IsType<double>(read["Double"]);
        Assert.True(read.GetBoolean("Flag"));
        Assert.Equal(when, read.GetDateTimeOffset("When"));
        Assert.Equal(id, read.GetGuid("Id"));
        Assert.Equal(new byte[] { 1, 2, 3 }, read.GetBinary("Bytes"));
        Assert.Equal(etag, read.ETag);
        Assert.NotNull(read.Timestamp);
    }

    [Fact]
    public async Task Get_Returns_Null_For_Missing_Entity_And_Missing_Table()
    {
        var table = NewTable();
        Assert.Null(await _tables.GetEntityAsync(table, "p", "r"));
        await _tables.CreateTableIfNotExistsAsync(table);
        Assert.Null(await _tables.GetEntityAsync(table, "p", "missing"));
    }

    [Fact]
    public async Task Insert_Of_Existing_Entity_Is_A_Concurrency_Error_With_409()
    {
        var table = NewTable();
        await _tables.CreateTableIfNotExistsAsync(table);
        await _tables.AddEntityAsync(table, new TableEntity("p", "r"));
        var ex = await Assert.ThrowsAsync<StorageConcurrencyException>(() => _tables.AddEntityAsync(table, new TableEntity("p", "r")));
        Assert.Equal(409, ex.Status);
        Assert.Equal(StorageErrorCodes.EntityAlreadyExists, ex.ErrorCode);
    }

    [Fact]
    public async Task Conditional_Update_With_Stale_ETag_Fails_With_412_And_Keeps_The_Winner()
    {
        var table = NewTable();
        await _tables.CreateTableIfNotExistsAsync(table);
        await _tables.AddEntityAsync(table, new TableEntity("p", "r") { ["Count"] = 0 });
        var first = (await _tables.GetEntityAsync(table, "p", "r"))!;
        var second = (await _tables.GetEntityAsync(table, "p", "r"))!;

        first["Count"] = 1;
        await _tables.UpdateEntityAsync(table, first, first.ETag);
        second["Count"] = 2;
        var ex = await Assert.ThrowsAsync<StorageConcurrencyException>(() => _tables.UpdateEntityAsync(table, second, second.ETag));
        Assert.Equal(412, ex.Status);
        Assert.Equal(StorageErrorCodes.UpdateConditionNotSatisfied, ex.ErrorCode);
        Assert.Equal(1, (await _tables.GetEntityAsync(table, "p", "r"))!.GetInt32("Count"));

        var stale = await Assert.ThrowsAsync<StorageConcurrencyException>(() => _tables.DeleteEntityAsync(table, "p", "r", second.ETag));
        Assert.Equal(412, stale.Status);
    }

    [Fact]
    public async Task Concurrent_Increments_With_ETag_Retry_Lose_No_Update()
    {
        var table = NewTable();
        await _tables.CreateTableIfNotExistsAsync(table);
        await _tables.AddEntityAsync(table, new TableEntity("c", "counter") { ["Value"] = 0L });

        async Task IncrementAsync()
        {
            while (true)
            {
                var e = (await _tables.GetEntityAsync(table, "c", "counter"))!;
                e["Value"] = e.GetInt64("Value")!.Value + 1;
                try
                {
                    await _tables.UpdateEntityAsync(table, e, e.ETag);
                    return;
                }
                catch (StorageConcurrencyException)
                {
                }
            }
        }

        await Task.WhenAll(Enumerable.Range(0, 24).Select(_ => Task.Run(IncrementAsync)));
        Assert.Equal(24, (await _tables.GetEntityAsync(table, "c", "counter"))!.GetInt64("Value"));
    }

    [Fact]
    public async Task Merge_Keeps_Other_Properties_And_Replace_Drops_Them()
    {
        var table = NewTable();
        await _tables.CreateTableIfNotExistsAsync(table);
        await _tables.UpsertEntityAsync(table, new TableEntity("p", "r") { ["A"] = "a", ["B"] = "b" });
        await _tables.UpsertEntityAsync(table, new TableEntity("p", "r") { ["A"] = "a2" }, TableUpdateMode.Merge);
        var merged = (await _tables.GetEntityAsync(table, "p", "r"))!;
        Assert.Equal(("a2", "b"), (merged.GetString("A"), merged.GetString("B")));

        await _tables.UpdateEntityAsync(table, new TableEntity("p", "r") { ["A"] = "a3" }, ETag.All);
        var replaced = (await _tables.GetEntityAsync(table, "p", "r"))!;
        Assert.Equal("a3", replaced.GetString("A"));
        Assert.Null(replaced["B"]);
    }

    [Fact]
    public async Task Update_Of_Missing_Entity_Is_404()
    {
        var table = NewTable();
        await _tables.CreateTableIfNotExistsAsync(table);
        var ex = await Assert.ThrowsAsync<RequestFailedException>(() => _tables.UpdateEntityAsync(table, new TableEntity("p", "nope"), ETag.All));
        Assert.Equal(404, ex.Status);
    }

    [Theory]
    [InlineData("O'Brien")]
    [InlineData("it''s")]
    [InlineData("'")]
    [InlineData("a b&c=d+e")]
    [InlineData("50%off")]
    [InlineData("ünï©ødé 日本")]
    [InlineData("semi;colon,comma")]
    [InlineData("(paren)")]
    [InlineData("x$y@z!")]
    [InlineData("")]
    public async Task Keys_With_Quotes_Unicode_And_Reserved_Characters_Round_Trip(string key)
    {
        var table = NewTable();
        await _tables.CreateTableIfNotExistsAsync(table);
        await _tables.AddEntityAsync(table, new TableEntity(key, key) { ["V"] = key });
        // A neighbour that an undoubled quote or a lost escape would address instead.
        await _tables.AddEntityAsync(table, new TableEntity(key + "x", key) { ["V"] = "other" });

        Assert.Equal(key, (await _tables.GetEntityAsync(table, key, key))?.GetString("V"));
        var found = await _tables.QueryAsync(table, TableFilter.Create($"PartitionKey eq {key} and RowKey eq {key}")).ToListAsync();
        Assert.Equal(key, Assert.Single(found).GetString("V"));
        Assert.True(await _tables.DeleteEntityAsync(table, key, key));
        Assert.Null(await _tables.GetEntityAsync(table, key, key));
    }

    [Fact]
    public async Task Forbidden_Key_Characters_Are_Rejected_Before_Sending_And_TableKey_Encodes_Them()
    {
        var table = NewTable();
        await _tables.CreateTableIfNotExistsAsync(table);
        await Assert.ThrowsAsync<ArgumentException>(() => _tables.AddEntityAsync(table, new TableEntity("group/project", "r")));

        var path = "group/sub#1?x\\y%z\t";
        var encoded = TableKey.Encode(path);
        await _tables.AddEntityAsync(table, new TableEntity(encoded, "r"));
        Assert.NotNull(await _tables.GetEntityAsync(table, encoded, "r"));
        Assert.Equal(path, TableKey.Decode(encoded));
    }

    [Fact]
    public async Task Filter_Values_Are_Escaped_So_Injection_Matches_Nothing()
    {
        var table = NewTable();
        await _tables.CreateTableIfNotExistsAsync(table);
        await _tables.AddEntityAsync(table, new TableEntity("p", "secret") { ["Owner"] = "alice" });
        await _tables.AddEntityAsync(table, new TableEntity("p", "mine") { ["Owner"] = "bob' or Owner ne 'x" });

        var hostile = "bob' or Owner ne 'x";
        var results = await _tables.QueryAsync(table, TableFilter.Create($"PartitionKey eq {"p"} and Owner eq {hostile}")).ToListAsync();
        Assert.Equal("mine", Assert.Single(results).RowKey);
    }

    [Fact]
    public async Task Typed_Filter_Literals_Select_The_Right_Rows()
    {
        var table = NewTable();
        await _tables.CreateTableIfNotExistsAsync(table);
        var t0 = new DateTimeOffset(2025, 1, 1, 0, 0, 0, TimeSpan.Zero);
        for (var i = 0; i < 5; i++)
        {
            await _tables.AddEntityAsync(table, new TableEntity("p", $"r{i}") { ["N"] = (long)i * 10_000_000_000L, ["At"] = t0.AddDays(i), ["Even"] = i % 2 == 0 });
        }

        var big = await _tables.QueryAsync(table, TableFilter.Create($"N ge {20_000_000_000L}")).ToListAsync();
        Assert.Equal(["r2", "r3", "r4"], big.Select(e => e.RowKey));
        var dated = await _tables.QueryAsync(table, TableFilter.Create($"At lt {t0.AddDays(2)} and Even eq {true}")).ToListAsync();
        Assert.Equal(["r0"], dated.Select(e => e.RowKey));
        var prefixed = await _tables.QueryAsync(table, TableFilter.RowKeyPrefix("p", "r3")).ToListAsync();
        Assert.Equal(["r3"], prefixed.Select(e => e.RowKey));
        var selected = await _tables.QueryAsync(table, TableFilter.Partition("p"), columns: ["Even"]).ToListAsync();
        Assert.All(selected, e => Assert.Null(e["N"]));
    }

    [Fact]
    public async Task Query_Follows_Continuation_Over_More_Than_A_Thousand_Entities()
    {
        var table = NewTable();
        await _tables.CreateTableIfNotExistsAsync(table);
        const int count = 1_150;
        await Parallel.ForEachAsync(Enumerable.Range(0, count), new ParallelOptions { MaxDegreeOfParallelism = 16 }, async (i, ct) =>
            await _tables.AddEntityAsync(table, new TableEntity("bulk", i.ToString("D5", System.Globalization.CultureInfo.InvariantCulture)), ct));

        var first = await _tables.QueryPageAsync(table, TableFilter.Partition("bulk"));
        Assert.Equal(1000, first.Entities.Count);
        Assert.NotNull(first.Continuation);

        var all = await _tables.QueryAsync(table, TableFilter.Partition("bulk")).ToListAsync();
        Assert.Equal(count, all.Count);
        Assert.Equal(count, all.Select(e => e.RowKey).Distinct().Count());

        var paged = await _tables.QueryAsync(table, TableFilter.Partition("bulk"), maxPerPage: 400).ToListAsync();
        Assert.Equal(count, paged.Count);
    }

    [Fact]
    public async Task Invalid_Table_Name_Is_Rejected()
    {
        await Assert.ThrowsAsync<ArgumentException>(() => _tables.CreateTableIfNotExistsAsync("ab"));
        await Assert.ThrowsAsync<ArgumentException>(() => _tables.CreateTableIfNotExistsAsync("Tables"));
        await Assert.ThrowsAsync<ArgumentException>(() => _tables.GetEntityAsync("bad-name", "p", "r"));
    }

    [Fact]
    public async Task Wrong_Account_Key_Is_A_403_Not_A_Silent_Null()
    {
        var wrong = fixture.Azurite.ConnectionString.Replace(StorageAccount.DevelopmentAccountKey, Convert.ToBase64String(new byte[64]), StringComparison.Ordinal);
        var client = new TableStorageClient(wrong);
        var ex = await Assert.ThrowsAsync<RequestFailedException>(() => client.GetEntityAsync("whatever", "p", "r"));
        Assert.Equal(403, ex.Status);
        Assert.False(await client.PingAsync());
    }
}
