using Azure.Data.Tables;

namespace InternalApi.Core.Import;

/// <summary>
/// The write side of an import: rows are grouped by table and partition into entity-group transactions of up
/// to 100 (the service's limit: one partition, 100 operations, 4 MB — import rows are a few hundred bytes), and
/// sent with at most <see cref="Parallelism"/> requests in flight across partitions. Most tables have a partition
/// per entity, so the parallelism is what makes an import fast; the transactions pay where partitions are shared
/// (memberships of a group or project, a user's key list). Memory is bounded by <see cref="MaxPending"/> rows
/// waiting for their partition to fill plus the requests in flight, whatever the size of the file.
/// Every row is an upsert (replace), as the store writes them, so a transaction sent twice changes nothing.
/// </summary>
internal sealed class ImportWriter(CancellationToken cancellationToken) : IAsyncDisposable
{
    /// <summary>Requests in flight: 64 was no faster than 32 on a 2-core machine against Azurite (docs/benchmarks.md, "Import").</summary>
    public const int Parallelism = 32;

    /// <summary>Stored records planned at once (<see cref="AddStoredAsync"/>): their reads are this many requests in flight.</summary>
    public const int PlanGroup = Parallelism;

    private const int MaxBatch = 100;

    /// <summary>Rows held back waiting for more rows of their partition before every partial group is sent anyway.</summary>
    private const int MaxPending = 10_000;

    private readonly SemaphoreSlim _slots = new(Parallelism, Parallelism);
    private readonly Dictionary<(TableClient Table, string Partition), List<TableTransactionAction>> _groups = [];
    private readonly List<Task> _inFlight = [];
    private int _pending;

    /// <summary>Queues an upsert of <paramref name="row"/>; waits only when <see cref="Parallelism"/> requests are already in flight.</summary>
    public async ValueTask AddAsync(TableClient table, TableEntity row)
    {
        ArgumentNullException.ThrowIfNull(table);
        ArgumentNullException.ThrowIfNull(row);
        var key = (table, row.PartitionKey);
        if (!_groups.TryGetValue(key, out var group))
        {
            group = [];
            _groups[key] = group;
        }

        group.Add(new TableTransactionAction(TableTransactionActionType.UpsertReplace, row));
        _pending++;
        if (group.Count == MaxBatch)
        {
            _groups.Remove(key);
            await SendAsync(table, group);
        }
        else if (_pending >= MaxPending)
        {
            await SendGroupsAsync();
        }
    }

    /// <summary>Queues every row of <paramref name="rows"/>.</summary>
    public async ValueTask AddAsync(IEnumerable<(TableClient Table, TableEntity Row)> rows)
    {
        ArgumentNullException.ThrowIfNull(rows);
        foreach (var (table, row) in rows)
        {
            await AddAsync(table, row);
        }
    }

    /// <summary>
    /// Runs a write of its own (an entity that needs the store's read-modify-write) under the same bound as the
    /// transactions.
    /// </summary>
    public async ValueTask RunAsync(Func<CancellationToken, Task> write)
    {
        ArgumentNullException.ThrowIfNull(write);
        await _slots.WaitAsync(cancellationToken);
        Track(RunInSlotAsync(write));
    }

    /// <summary>
    /// Queues records already in the store, <see cref="PlanGroup"/> at a time: their plans run concurrently (each reads
    /// what the record's stored version holds), then each record's rows join the batches, or, when its plan returns
    /// none (something an index is keyed by changed, so rows must move), <paramref name="fallback"/> runs it through
    /// the store's read-modify-write upsert under the same bound. A re-import of an unchanged file is then one point
    /// read per record plus batched writes, and it still rewrites every index row, which repairs a damaged index.
    /// </summary>
    public async ValueTask AddStoredAsync<T>(
        IReadOnlyList<T> records,
        Func<T, CancellationToken, Task<IEnumerable<(TableClient Table, TableEntity Row)>?>> plan,
        Func<T, CancellationToken, Task> fallback)
    {
        ArgumentNullException.ThrowIfNull(records);
        ArgumentNullException.ThrowIfNull(plan);
        ArgumentNullException.ThrowIfNull(fallback);
        foreach (var group in records.Chunk(PlanGroup))
        {
            var rows = await Task.WhenAll(group.Select(r => plan(r, cancellationToken)));
            for (var i = 0; i < group.Length; i++)
            {
                if (rows[i] is { } planned)
                {
                    await AddAsync(planned);
                }
                else
                {
                    var record = group[i];
                    await RunAsync(ct => fallback(record, ct));
                }
            }
        }
    }

    /// <summary>Sends what is held back and waits for everything in flight (a section's end: parents before children).</summary>
    public async Task FlushAsync()
    {
        await SendGroupsAsync();
        await Task.WhenAll(_inFlight);
        _inFlight.Clear();
    }

    private async Task SendGroupsAsync()
    {
        var groups = _groups.ToList();
        _groups.Clear();
        foreach (var ((table, _), group) in groups)
        {
            await SendAsync(table, group);
        }
    }

    private async Task SendAsync(TableClient table, List<TableTransactionAction> group)
    {
        _pending -= group.Count;
        await _slots.WaitAsync(cancellationToken);
        Track(SendInSlotAsync(table, group));
    }

    private async Task SendInSlotAsync(TableClient table, List<TableTransactionAction> group)
    {
        try
        {
            // A transaction of one row costs the service more than the plain upsert it holds.
            if (group.Count == 1)
            {
                await table.UpsertEntityAsync((TableEntity)group[0].Entity, TableUpdateMode.Replace, cancellationToken);
            }
            else
            {
                await table.SubmitTransactionAsync(group, cancellationToken);
            }
        }
        finally
        {
            _slots.Release();
        }
    }

    private async Task RunInSlotAsync(Func<CancellationToken, Task> write)
    {
        try
        {
            await write(cancellationToken);
        }
        finally
        {
            _slots.Release();
        }
    }

    /// <summary>Waits for what is still in flight (after a failure or a cancellation: its outcome no longer matters).</summary>
    public async ValueTask DisposeAsync()
    {
        try
        {
            await Task.WhenAll(_inFlight);
        }
        catch (Exception) when (_inFlight.Any(t => t.IsFaulted || t.IsCanceled))
        {
            // Already thrown to the caller by FlushAsync or AddAsync, or moot after the first failure.
        }

        _slots.Dispose();
    }

    private void Track(Task task)
    {
        _inFlight.Add(task);
        if (_inFlight.Count < Parallelism * 8)
        {
            return;
        }

        // Finished requests are let go (their failure, if any, is thrown here), so the list stays short.
        foreach (var done in _inFlight.Where(t => t.IsCompleted))
        {
            done.GetAwaiter().GetResult();
        }

        _inFlight.RemoveAll(t => t.IsCompleted);
    }
}
