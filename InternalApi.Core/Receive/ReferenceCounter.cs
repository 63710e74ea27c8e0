using System.Diagnostics;
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

    // Shards are taken in turn, not at random: pushes in flight in one instance (up to Shards of them) each get a
    // shard of their own and never meet; instances start at a random place so that two do not move in step.
    private static int nextShard = Random.Shared.Next(Shards);

    /// <summary>
    /// How long one change keeps retrying lost races before it gives up with a 409 (which the hooks answer as
    /// <c>false</c>). A lost race moves to another shard at once; only a run of losses pauses, briefly. The default
    /// stays well inside gitlab-shell's and Gitaly's timeouts; settable for tests, which cannot wait for it.
    /// </summary>
    public TimeSpan ConflictBudget { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>Increments; true when stored.</summary>
    public async Task<bool> IncrementAsync(string glRepository, CancellationToken cancellationToken = default)
    {
        // GitLab does not validate the identifier: a missing one counts under the empty key.
        var key = TableKey.Encode(glRepository ?? "");
        var started = Stopwatch.GetTimestamp();
        for (var attempt = 0; attempt == 0 || Stopwatch.GetElapsedTime(started) < ConflictBudget; attempt++)
        {
            var shard = ShardKey(NextTurn(Shards));
            var entity = await names.ReferenceCounters.FindAsync(key, shard, cancellationToken: cancellationToken);
            var updated = new TableEntity(key, shard)
            {
                ["Count"] = (entity is null ? 0 : Current(entity)) + 1,
                ["ExpiresAt"] = time.GetUtcNow() + Lifetime,
            };
            if (await TryWriteAsync(entity, updated, cancellationToken))
            {
                return true;
            }

            await PauseAsync(attempt, cancellationToken);
        }

        throw new RequestFailedException(409, "Reference counter update kept conflicting.");
    }

    /// <summary>Decrements (not below zero); true when stored, and when there was nothing to take.</summary>
    public async Task<bool> DecrementAsync(string glRepository, CancellationToken cancellationToken = default)
    {
        var key = TableKey.Encode(glRepository ?? "");
        var started = Stopwatch.GetTimestamp();
        for (var attempt = 0; attempt == 0 || Stopwatch.GetElapsedTime(started) < ConflictBudget; attempt++)
        {
            var holding = (await ReadAsync(key, cancellationToken)).Where(e => Current(e) > 0).ToList();

            if (holding.Count == 0)
            {
                // Already zero (or expired): GitLab resets a counter that would go below zero, which leaves it at zero.
                return true;
            }

            var chosen = holding[NextTurn(holding.Count)];
            var updated = new TableEntity(key, chosen.RowKey)
            {
                ["Count"] = Current(chosen) - 1,
                // A decrement keeps the running deadline: only pre_receive renews it.
                ["ExpiresAt"] = chosen.GetDateTimeOffset("ExpiresAt"),
            };
            if (await TryWriteAsync(chosen, updated, cancellationToken))
            {
                return true;
            }

            await PauseAsync(attempt, cancellationToken);
        }

        throw new RequestFailedException(409, "Reference counter update kept conflicting.");
    }

    /// <summary>The current value (0 when absent or expired).</summary>
    public async Task<long> GetAsync(string glRepository, CancellationToken cancellationToken = default)
    {
        return (await ReadAsync(TableKey.Encode(glRepository ?? ""), cancellationToken)).Sum(Current);
    }

    // Shard 0 is the empty row key, where the unsharded counter kept its one row: such a row still counts.
    private static string ShardKey(int shard) => shard == 0 ? "" : shard.ToString("00", System.Globalization.CultureInfo.InvariantCulture);

    private Task<List<TableEntity>> ReadAsync(string key, CancellationToken cancellationToken) =>
        names.ReferenceCounters.ListAsync(TableClient.CreateQueryFilter($"PartitionKey eq {key}"), ["RowKey", "Count", "ExpiresAt"], cancellationToken);

    private long Current(TableEntity entity) =>
        entity.GetDateTimeOffset("ExpiresAt") is { } expires && expires > time.GetUtcNow() ? Math.Max(0, entity.GetInt64("Count") ?? 0) : 0;

    /// <summary>Writes <paramref name="updated"/> over what was read; false when another change came first.</summary>
    private async Task<bool> TryWriteAsync(TableEntity? read, TableEntity updated, CancellationToken cancellationToken)
    {
        try
        {
            if (read is null)
            {
                await names.ReferenceCounters.AddEntityAsync(updated, cancellationToken);
            }
            else
            {
                await names.ReferenceCounters.UpdateEntityAsync(updated, read.ETag, TableUpdateMode.Replace, cancellationToken);
            }

            return true;
        }
        catch (RequestFailedException ex) when (ex.IsConcurrencyConflict())
        {
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
