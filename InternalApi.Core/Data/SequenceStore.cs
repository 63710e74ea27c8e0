using Azure;
using Azure.Data.Tables;
using InternalApi.Core.Storage;

namespace InternalApi.Core.Data;

/// <summary>Named id sequences (one row each), for entities created here rather than imported.</summary>
public sealed class SequenceStore(GitLabTables names)
{
    /// <summary>Attempts before giving up: more than for other rows, since every creator of the sequence's entity contends for its one row.</summary>
    private const int MaxConcurrencyRetries = 100;

    /// <summary>
    /// Allocates the next id of a sequence (ETag-conditional increment). <paramref name="floor"/> keeps
    /// allocated ids above ids that arrived by import.
    /// </summary>
    public async Task<long> NextIdAsync(string sequence, long floor = 0, CancellationToken cancellationToken = default)
    {
        for (var attempt = 0; attempt < MaxConcurrencyRetries; attempt++)
        {
            var current = await names.Sequences.FindAsync("sequence", sequence, cancellationToken: cancellationToken);
            if (current is null)
            {
                try
                {
                    var first = Math.Max(1, floor + 1);
                    await names.Sequences.AddEntityAsync(new TableEntity("sequence", sequence) { ["Next"] = first + 1 }, cancellationToken);
                    return first;
                }
                catch (RequestFailedException ex) when (ex.IsConcurrencyConflict())
                {
                    continue;
                }
            }

            var next = Math.Max(current.GetInt64("Next") ?? 1, floor + 1);
            current["Next"] = next + 1;
            try
            {
                await names.Sequences.UpdateEntityAsync(current, current.ETag, TableUpdateMode.Replace, cancellationToken);
                return next;
            }
            catch (RequestFailedException ex) when (ex.IsConcurrencyConflict())
            {
                // Someone else took this id; read again.
            }
        }

        throw new InvalidOperationException($"Could not allocate an id from sequence '{sequence}' under contention.");
    }

    /// <summary>
    /// Makes sure <see cref="NextIdAsync"/> never hands out <paramref name="upTo"/> or a smaller id (ids that
    /// arrived by import). Writes only when the sequence is not already past it, so repeating it changes nothing.
    /// </summary>
    public async Task ReserveIdsAsync(string sequence, long upTo, CancellationToken cancellationToken = default)
    {
        if (upTo <= 0)
        {
            return;
        }

        for (var attempt = 0; attempt < MaxConcurrencyRetries; attempt++)
        {
            var current = await names.Sequences.FindAsync("sequence", sequence, cancellationToken: cancellationToken);
            try
            {
                if (current is null)
                {
                    await names.Sequences.AddEntityAsync(new TableEntity("sequence", sequence) { ["Next"] = upTo + 1 }, cancellationToken);
                }
                else if ((current.GetInt64("Next") ?? 1) <= upTo)
                {
                    current["Next"] = upTo + 1;
                    await names.Sequences.UpdateEntityAsync(current, current.ETag, TableUpdateMode.Replace, cancellationToken);
                }

                return;
            }
            catch (RequestFailedException ex) when (ex.IsConcurrencyConflict())
            {
                // Someone allocated meanwhile; read again.
            }
        }

        throw new InvalidOperationException($"Could not reserve ids of sequence '{sequence}' under contention.");
    }
}
