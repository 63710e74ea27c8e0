using System.Diagnostics;
using Azure;
using Azure.Data.Tables;
using InternalApi.Core.Data;
using InternalApi.Core.Storage;

namespace InternalApi.Core.Receive;

/// <summary>
/// "A push to this repository is in flight" (spec §3.8.1): <c>pre_receive</c> increments and renews a
/// 600 s expiry, <c>post_receive</c> decrements, never below zero; an expired counter counts as zero.
/// Every change is an ETag-conditional update retried on conflict, so concurrent pushes never lose a count.
/// </summary>
public sealed class ReferenceCounter(GitLabTables names, TimeProvider time)
{
    /// <summary>How long a counter lives without a new <c>pre_receive</c>.</summary>
    public static readonly TimeSpan Lifetime = TimeSpan.FromSeconds(600);

    // GitLab's counter (Redis INCR) never fails under contention; ours retries lost ETag races for this long
    // (well inside gitlab-shell's and Gitaly's timeouts) rather than for a number of attempts: on a starved
    // machine one writer could lose 100 races in a row to 6 others (the 64-client load test showed it).
    private static readonly TimeSpan ConflictBudget = TimeSpan.FromSeconds(10);
    // The pause window doubles with every lost race, up to this: with 64 pushes on one row, a small cap keeps them
    // all retrying at once, which slows every storage round trip and lets one in 64 win per round; spreading them
    // out lets the few that retry at a time win quickly (the full suite under load showed the cap of 100 ms losing).
    private const int MaxBackoffMilliseconds = 1000;

    /// <summary>Increments; true when stored.</summary>
    public Task<bool> IncrementAsync(string glRepository, CancellationToken cancellationToken = default) =>
        ChangeAsync(glRepository, +1, cancellationToken);

    /// <summary>Decrements (not below zero); true when stored.</summary>
    public Task<bool> DecrementAsync(string glRepository, CancellationToken cancellationToken = default) =>
        ChangeAsync(glRepository, -1, cancellationToken);

    /// <summary>The current value (0 when absent or expired).</summary>
    public async Task<long> GetAsync(string glRepository, CancellationToken cancellationToken = default)
    {
        var entity = await names.ReferenceCounters.FindAsync(TableKey.Encode(glRepository ?? ""), "", cancellationToken: cancellationToken);
        return entity is null ? 0 : Current(entity);
    }

    private long Current(TableEntity entity) =>
        entity.GetDateTimeOffset("ExpiresAt") is { } expires && expires > time.GetUtcNow() ? entity.GetInt64("Count") ?? 0 : 0;

    private async Task<bool> ChangeAsync(string? glRepository, int delta, CancellationToken cancellationToken)
    {
        // GitLab does not validate the identifier: a missing one counts under the empty key.
        var key = TableKey.Encode(glRepository ?? "");
        var started = Stopwatch.GetTimestamp();
        for (var attempt = 0; attempt == 0 || Stopwatch.GetElapsedTime(started) < ConflictBudget; attempt++)
        {
            var entity = await names.ReferenceCounters.FindAsync(key, "", cancellationToken: cancellationToken);
            var current = entity is null ? 0 : Current(entity);
            var next = Math.Max(0, current + delta);
            var updated = new TableEntity(key, "")
            {
                ["Count"] = next,
                // Only pre_receive renews the expiry; a decrement keeps the running deadline.
                ["ExpiresAt"] = delta > 0 || entity?.GetDateTimeOffset("ExpiresAt") is null ? time.GetUtcNow() + Lifetime : entity.GetDateTimeOffset("ExpiresAt"),
            };
            try
            {
                if (entity is null)
                {
                    await names.ReferenceCounters.AddEntityAsync(updated, cancellationToken);
                }
                else
                {
                    await names.ReferenceCounters.UpdateEntityAsync(updated, entity.ETag, TableUpdateMode.Replace, cancellationToken);
                }

                return true;
            }
            catch (RequestFailedException ex) when (ex.IsConcurrencyConflict())
            {
                // Another push changed it first: read again, after a random pause that grows with the attempts, so
                // that concurrent pushes to one repository do not retry in lockstep. Real time, not the domain
                // clock: this is about contention.
                await Task.Delay(Random.Shared.Next(0, 1 + Math.Min(MaxBackoffMilliseconds, 4 << Math.Min(attempt, 8))), cancellationToken);
            }
        }

        throw new RequestFailedException(409, "Reference counter update kept conflicting.");
    }
}
