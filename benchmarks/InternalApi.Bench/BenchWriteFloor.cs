using Azure;
using Azure.Data.Tables;

namespace InternalApi.Bench;

/// <summary>
/// The bench's write floor: what one of the app's writes costs at the SDK, a replace of a small row (<c>If-Match: *</c>,
/// the shape of the counters' ETag-guarded writes), through the app's own table client (same pipeline and counter).
/// Its table is the bench's own, created for the run and deleted after it; one row per client at 16 clients, so the
/// floor measures writes, not contention on a row.
/// </summary>
internal sealed class BenchWriteFloor : IAsyncDisposable
{
    /// <summary>The table the floor writes to; nothing else uses it.</summary>
    public const string TableName = "BenchWriteFloor";

    private const int Rows = 16;
    private readonly TableClient _table;

    private BenchWriteFloor(TableClient table) => _table = table;

    /// <summary>Creates the table and its rows.</summary>
    public static async Task<BenchWriteFloor> CreateAsync(TableServiceClient service)
    {
        ArgumentNullException.ThrowIfNull(service);
        var table = service.GetTableClient(TableName);
        await table.CreateIfNotExistsAsync();
        for (var row = 0; row < Rows; row++)
        {
            await table.UpsertEntityAsync(Row(row), TableUpdateMode.Replace);
        }

        return new BenchWriteFloor(table);
    }

    /// <summary>One write of a random row; true when stored.</summary>
    public async Task<bool> WriteAsync() =>
        !(await _table.UpdateEntityAsync(Row(Random.Shared.Next(Rows)), ETag.All, TableUpdateMode.Replace)).IsError;

    /// <summary>Deletes the table.</summary>
    public async ValueTask DisposeAsync() => await _table.DeleteAsync();

    private static TableEntity Row(int row) => new("floor", row.ToString("00", System.Globalization.CultureInfo.InvariantCulture))
    {
        ["Count"] = 1L,
        ["ExpiresAt"] = DateTimeOffset.UtcNow,
    };
}
