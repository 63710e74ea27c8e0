using Azure;
using InternalApi.Core.Storage;
using InternalApi.Tests.Infrastructure;

namespace InternalApi.Tests.Storage;

[Collection(StorageCollection.Name)]
public sealed class TableTransactionTests(StorageFixture fixture)
{
    private readonly TableStorageClient _tables = fixture.Tables;

    private async Task<string> NewTableAsync()
    {
        var table = "x" + Guid.NewGuid().ToString("N")[..20];
        await _tables.CreateTableIfNotExistsAsync(table);
        return table;
    }

    [Fact]
    public async Task A_Transaction_Applies_Every_Action_And_Returns_ETags()
    {
        var table = await NewTableAsync();
        await _tables.AddEntityAsync(table, new TableEntity("p", "update") { ["V"] = 1 });
        await _tables.AddEntityAsync(table, new TableEntity("p", "remove"));
        var current = (await _tables.GetEntityAsync(table, "p", "update"))!;

        var etags = await _tables.SubmitTransactionAsync(table,
        [
            new(TableTransactionActionType.Add, new TableEntity("p", "O'Brien ünï") { ["V"] = 2 }),
            new(TableTransactionActionType.UpdateMerge, new TableEntity("p", "update") { ["W"] = 3 }, current.ETag),
            new(TableTransactionActionType.Delete, new TableEntity("p", "remove"), ETag.All),
            new(TableTransactionActionType.UpsertReplace, new TableEntity("p", "upsert") { ["V"] = 4 }),
        ]);

        Assert.Equal(4, etags.Count);
        Assert.NotEqual(default, etags[1]);
        Assert.Equal(default, etags[2]);
        Assert.Equal(2, (await _tables.GetEntityAsync(table, "p", "O'Brien ünï"))!.GetInt32("V"));
        var merged = (await _tables.GetEntityAsync(table, "p", "update"))!;
        Assert.Equal((1, 3), (merged.GetInt32("V"), merged.GetInt32("W")));
        Assert.Equal(etags[1], merged.ETag);
        Assert.Null(await _tables.GetEntityAsync(table, "p", "remove"));
        Assert.NotNull(await _tables.GetEntityAsync(table, "p", "upsert"));
    }

    [Fact]
    public async Task A_Conflicting_Insert_Rolls_Back_Everything_And_Names_The_Action()
    {
        var table = await NewTableAsync();
        await _tables.AddEntityAsync(table, new TableEntity("p", "exists"));
        var ex = await Assert.ThrowsAsync<TableTransactionFailedException>(() => _tables.SubmitTransactionAsync(table,
        [
            new(TableTransactionActionType.Add, new TableEntity("p", "new")),
            new(TableTransactionActionType.Add, new TableEntity("p", "exists")),
        ]));
        Assert.Equal(409, ex.Status);
        Assert.Equal(StorageErrorCodes.EntityAlreadyExists, ex.ErrorCode);
        Assert.Equal(1, ex.FailedIndex);
        Assert.Null(await _tables.GetEntityAsync(table, "p", "new"));
    }

    [Fact]
    public async Task A_Stale_ETag_Inside_Fails_With_412()
    {
        var table = await NewTableAsync();
        await _tables.AddEntityAsync(table, new TableEntity("p", "r") { ["V"] = 1 });
        var stale = (await _tables.GetEntityAsync(table, "p", "r"))!;
        await _tables.UpsertEntityAsync(table, new TableEntity("p", "r") { ["V"] = 2 });
        var ex = await Assert.ThrowsAsync<TableTransactionFailedException>(() => _tables.SubmitTransactionAsync(table,
        [
            new(TableTransactionActionType.Add, new TableEntity("p", "marker")),
            new(TableTransactionActionType.UpdateReplace, new TableEntity("p", "r") { ["V"] = 3 }, stale.ETag),
        ]));
        Assert.Equal(412, ex.Status);
        Assert.Equal(1, ex.FailedIndex);
        Assert.Null(await _tables.GetEntityAsync(table, "p", "marker"));
        Assert.Equal(2, (await _tables.GetEntityAsync(table, "p", "r"))!.GetInt32("V"));
    }

    [Fact]
    public async Task Quoted_And_Unicode_Keys_Work_In_Every_Action_Addressed_By_Url()
    {
        var table = await NewTableAsync();
        const string Partition = "O'Brien ünï©ødé 50%off a b&c=d+e";
        await _tables.AddEntityAsync(table, new TableEntity(Partition, "it''s") { ["V"] = 1 });
        await _tables.AddEntityAsync(table, new TableEntity(Partition, "'") { ["V"] = 1 });
        await _tables.AddEntityAsync(table, new TableEntity(Partition, "semi;colon,comma (paren)"));
        var replace = (await _tables.GetEntityAsync(table, Partition, "it''s"))!;
        var remove = (await _tables.GetEntityAsync(table, Partition, "semi;colon,comma (paren)"))!;

        var etags = await _tables.SubmitTransactionAsync(table,
        [
            new(TableTransactionActionType.UpdateReplace, new TableEntity(Partition, "it''s") { ["V"] = 2 }, replace.ETag),
            new(TableTransactionActionType.UpsertMerge, new TableEntity(Partition, "'") { ["W"] = 5 }),
            new(TableTransactionActionType.UpsertMerge, new TableEntity(Partition, "x$y@z!") { ["W"] = 6 }),
            new(TableTransactionActionType.Delete, new TableEntity(Partition, "semi;colon,comma (paren)"), remove.ETag),
        ]);

        Assert.Equal(2, (await _tables.GetEntityAsync(table, Partition, "it''s"))!.GetInt32("V"));
        var merged = (await _tables.GetEntityAsync(table, Partition, "'"))!;
        Assert.Equal((1, 5), (merged.GetInt32("V"), merged.GetInt32("W")));
        Assert.Equal(etags[1], merged.ETag);
        Assert.Equal(6, (await _tables.GetEntityAsync(table, Partition, "x$y@z!"))!.GetInt32("W"));
        Assert.Null(await _tables.GetEntityAsync(table, Partition, "semi;colon,comma (paren)"));
    }

    [Fact]
    public async Task A_Delete_With_A_Stale_ETag_Fails_With_412_And_A_Missing_Entity_With_404()
    {
        var table = await NewTableAsync();
        await _tables.AddEntityAsync(table, new TableEntity("p", "r") { ["V"] = 1 });
        var stale = (await _tables.GetEntityAsync(table, "p", "r"))!;
        await _tables.UpsertEntityAsync(table, new TableEntity("p", "r") { ["V"] = 2 });

        var ex = await Assert.ThrowsAsync<TableTransactionFailedException>(() => _tables.SubmitTransactionAsync(table,
            [new(TableTransactionActionType.UpsertReplace, new TableEntity("p", "other")), new(TableTransactionActionType.Delete, new TableEntity("p", "r"), stale.ETag)]));
        Assert.Equal((412, 1), (ex.Status, ex.FailedIndex));
        Assert.Equal(StorageErrorCodes.UpdateConditionNotSatisfied, ex.ErrorCode);

        var missing = await Assert.ThrowsAsync<TableTransactionFailedException>(() => _tables.SubmitTransactionAsync(table,
            [new(TableTransactionActionType.Delete, new TableEntity("p", "never"), ETag.All)]));
        Assert.Equal((404, 0), (missing.Status, missing.FailedIndex));
        Assert.Null(await _tables.GetEntityAsync(table, "p", "other"));
        Assert.NotNull(await _tables.GetEntityAsync(table, "p", "r"));
    }

    [Fact]
    public async Task Invalid_Transactions_Are_Refused_Before_Sending()
    {
        var table = await NewTableAsync();
        await Assert.ThrowsAsync<ArgumentException>(() => _tables.SubmitTransactionAsync(table, []));
        await Assert.ThrowsAsync<ArgumentException>(() => _tables.SubmitTransactionAsync(table,
            Enumerable.Range(0, 101).Select(i => new TableTransactionAction(TableTransactionActionType.Add, new TableEntity("p", "r" + i))).ToList()));
        await Assert.ThrowsAsync<ArgumentException>(() => _tables.SubmitTransactionAsync(table,
            [new(TableTransactionActionType.Add, new TableEntity("p", "a")), new(TableTransactionActionType.Add, new TableEntity("q", "b"))]));
    }
}
