using System.Collections.Concurrent;
using Azure;
using Azure.Data.Tables;
using InternalApi.Core.Data;
using InternalApi.Core.Storage;

namespace InternalApi.Core.Receive;

/// <summary>
/// "A push to this repository is in flight" (spec §3.8.1): <c>pre_receive</c> increments and renews a
/// 600 s expiry, <c>post_receive</c> decrements, never below zero; an expired count counts as zero.
/// </summary>
/// <remarks>
/// GitLab's counter is one Redis key that never fails under contention. One ETag-guarded row per repository
/// did: concurrent pushes to one repository lost races to each other until some gave up and answered
/// <c>false</c>, which makes Gitaly refuse a push for nothing. So the count is split over
/// <see cref="Shards"/> rows of the repository's partition: an increment adds one to the next shard in turn
/// (the next one after a lost race), a decrement takes one from a shard that holds some, and the value is the
/// sum. Each shard keeps the expiry of its own last increment, so a count no increment has renewed
/// for 600 s stops counting; GitLab's single key renews every count at once, which differs only for pushes
/// older than the 600 s both treat as abandoned. Each change is still ETag-conditional, so none is lost.
/// <para>
/// Each instance remembers the last version of each shard it wrote or read (count, expiry, ETag) and writes from
/// that first, without reading: the write is conditional on that ETag, so it succeeds only when nobody changed the
/// row since, that is when the remembered count is the stored one. A row changed elsewhere answers 412, the
/// remembered version is dropped and the change goes on from a fresh read, as without it. So an increment is one
/// call instead of two, and so is a decrement that remembers a shard holding a count; nothing is ever answered
/// from memory.
/// </para>
/// </remarks>
public sealed class ReferenceCounter(GitLabTables names, TimeProvider time)
{
    /// <summary>How long a count lives without a new <c>pre_receive</c>.</summary>
    public static readonly TimeSpan Lifetime = TimeSpan.FromSeconds(600);

    /// <summary>
    /// Rows a repository's count is split over. With 64 concurrent pushes to one repository (the load test) a
    /// writer meets about four others on its shard instead of 63; the value costs one partition query of at
    /// most this many small rows.
    /// </summary>
    public const int Shards = 16;

    private const int MaxBackoffMilliseconds = 100;

    // Shard versions remembered at most (1024 repositories' worth); past it all is forgotten at once, which costs
    // each one read the next time, never a wrong count.
    private const int MaxRemembered = 1024 * Shards;

    // Shard 0 is the empty row key, where the unsharded counter kept its one row: such a row still counts.
    private static readonly string[] ShardKeys = [.. Enumerable.Range(0, Shards).Select(s => s == 0 ? "" : s.ToString("00", System.Globalization.CultureInfo.InvariantCulture))];

    // Shards are taken in turn, not at random: pushes in flight in one instance (up to Shards of them) each get a
    // shard of their own and never meet; instances start at a random place so that two do not move in step.
    private static int nextShard = Random.Shared.Next(Shards);

    /// <summary>
    /// How long one change keeps retrying lost races before it gives up with a 409 (which the hooks answer as
    /// <c>false</c>). A lost race moves to another shard at once; only a run of losses pauses, briefly. The default
    /// stays well inside gitlab-shell's and Gitaly's timeouts. Measured on the counter's <see cref="TimeProvider"/>, so
    /// that a test can spend it by lost races rather than by wall-clock time.
    /// </summary>
    public TimeSpan ConflictBudget { get; init; } = TimeSpan.FromSeconds(10);

    // The last version of each shard this instance wrote or read, by partition and row key. The entities in it are
    // never changed after they are put there.
    private readonly ConcurrentDictionary<(string Key, string Shard), TableEntity> _remembered = new();

    /// <summary>Increments; true when stored.</summary>
    public async Task<bool> IncrementAsync(string glRepository, CancellationToken cancellationToken = default)
    {
        // GitLab does not validate the identifier: a missing one counts under the empty key.
        var key = TableKey.Encode(glRepository ?? "");
        var started = time.GetTimestamp();
        for (var attempt = 0; attempt == 0 || time.GetElapsedTime(started) < ConflictBudget; attempt++)
        {
            var shard = ShardKeys[NextTurn(Shards)];

            // From the remembered version first: one call when nobody else changed the shard since.
            if (_remembered.TryGetValue((key, shard), out var known) && await TryWriteAsync(known, Incremented(known, shard), cancellationToken))
            {
                return true;
            }

            var entity = await names.ReferenceCounters.FindAsync(key, shard, cancellationToken: cancellationToken);
            if (await TryWriteAsync(entity, Incremented(entity, shard), cancellationToken))
            {
                return true;
            }

            await PauseAsync(attempt, cancellationToken);
        }

        throw new RequestFailedException(409, "Reference counter update kept conflicting.");

        TableEntity Incremented(TableEntity? read, string shard) => new(key, shard)
        {
            ["Count"] = (read is null ? 0 : Current(read)) + 1,
            ["ExpiresAt"] = time.GetUtcNow() + Lifetime,
        };
    }

    /// <summary>Decrements (not below zero); true when stored, and when there was nothing to take.</summary>
    public async Task<bool> DecrementAsync(string glRepository, CancellationToken cancellationToken = default)
    {
        var key = TableKey.Encode(glRepository ?? "");
        var started = time.GetTimestamp();

        // A shard this instance knows holds a count is taken first, without reading: one call when it is unchanged.
        if (RememberedHolding(key) is { } known && await TryWriteAsync(known, Decremented(known), cancellationToken))
        {
            return true;
        }

        for (var attempt = 0; attempt == 0 || time.GetElapsedTime(started) < ConflictBudget; attempt++)
        {
            var holding = (await ReadAsync(key, cancellationToken)).Where(e => Current(e) > 0).ToList();

            if (holding.Count == 0)
            {
                // Already zero (or expired): GitLab resets a counter that would go below zero, which leaves it at zero.
                return true;
            }

            var chosen = holding[NextTurn(holding.Count)];
            if (await TryWriteAsync(chosen, Decremented(chosen), cancellationToken))
            {
                return true;
            }

            await PauseAsync(attempt, cancellationToken);
        }

        throw new RequestFailedException(409, "Reference counter update kept conflicting.");

        TableEntity Decremented(TableEntity read) => new(key, read.RowKey)
        {
            ["Count"] = Current(read) - 1,
            // A decrement keeps the running deadline: only pre_receive renews it.
            ["ExpiresAt"] = read.GetDateTimeOffset("ExpiresAt"),
        };
    }

    /// <summary>The current value (0 when absent or expired).</summary>
    public async Task<long> GetAsync(string glRepository, CancellationToken cancellationToken = default)
    {
        return (await ReadAsync(TableKey.Encode(glRepository ?? ""), cancellationToken)).Sum(Current);
    }

    /// <summary>The partition's rows, each remembered as read.</summary>
    private async Task<List<TableEntity>> ReadAsync(string key, CancellationToken cancellationToken)
    {
        var rows = await names.ReferenceCounters.ListAsync(TableClient.CreateQueryFilter($"PartitionKey eq {key}"), ["RowKey", "Count", "ExpiresAt"], cancellationToken);
        foreach (var row in rows)
        {
            Remember(key, row);
        }

        return rows;
    }

    /// <summary>A remembered shard of <paramref name="key"/> that held a count, looked for from the next shard in turn.</summary>
    private TableEntity? RememberedHolding(string key)
    {
        var start = NextTurn(Shards);
        for (var i = 0; i < Shards; i++)
        {
            if (_remembered.TryGetValue((key, ShardKeys[(start + i) % Shards]), out var known) && Current(known) > 0)
            {
                return known;
            }
        }

        return null;
    }

    /// <summary>Keeps <paramref name="entity"/> (with its ETag) as its shard's last known version.</summary>
    private void Remember(string key, TableEntity entity)
    {
        if (_remembered.Count >= MaxRemembered)
        {
            _remembered.Clear();
        }

        _remembered[(key, entity.RowKey)] = entity;
    }

    private long Current(TableEntity entity) =>
        entity.GetDateTimeOffset("ExpiresAt") is { } expires && expires > time.GetUtcNow() ? Math.Max(0, entity.GetInt64("Count") ?? 0) : 0;

    /// <summary>
    /// Writes <paramref name="updated"/> over <paramref name="read"/> (null: the row did not exist), conditional on
    /// its ETag, and remembers what was written; false, and the shard forgotten, when another change came first.
    /// </summary>
    private async Task<bool> TryWriteAsync(TableEntity? read, TableEntity updated, CancellationToken cancellationToken)
    {
        var shard = (updated.PartitionKey, updated.RowKey);
        try
        {
            var response = read is null
                ? await names.ReferenceCounters.AddEntityAsync(updated, cancellationToken)
                : await names.ReferenceCounters.UpdateEntityAsync(updated, read.ETag, TableUpdateMode.Replace, cancellationToken);
            if (response.Headers.ETag is { } etag)
            {
                updated.ETag = etag;
                Remember(updated.PartitionKey, updated);
            }
            else
            {
                _remembered.TryRemove(shard, out _);
            }

            return true;
        }
        // A row deleted since it was read (404 on the conditional update) is a lost race too: the next try reads it anew.
        catch (RequestFailedException ex) when (ex.IsConcurrencyConflict() || (read is not null && ex.Status == 404))
        {
            _remembered.TryRemove(shard, out _);
            return false;
        }
    }

    // 0..count-1, one after the other across every caller in this instance.
    private static int NextTurn(int count) => (int)((uint)Interlocked.Increment(ref nextShard) % (uint)count);

    /// <summary>
    /// The first lost races retry at once (on another shard, for an increment); a run of them pauses for a random
    /// time that grows, so that writers who keep meeting do not retry in lockstep. Real time, not the domain
    /// clock: this is about contention.
    /// </summary>
    private static Task PauseAsync(int attempt, CancellationToken cancellationToken) =>
        attempt < 2 ? Task.CompletedTask : Task.Delay(Random.Shared.Next(0, 1 + Math.Min(MaxBackoffMilliseconds, 2 << Math.Min(attempt, 8))), cancellationToken);
}
