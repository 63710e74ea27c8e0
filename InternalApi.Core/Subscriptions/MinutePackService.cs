using System.Globalization;
using Azure;
using Azure.Data.Tables;
using InternalApi.Core.Model;
using InternalApi.Core.Storage;

namespace InternalApi.Core.Subscriptions;

/// <summary>A purchased pack of compute minutes.</summary>
/// <param name="NamespaceId">The namespace it belongs to.</param>
/// <param name="ExpiresAt">Expiry.</param>
/// <param name="NumberOfMinutes">Minutes.</param>
/// <param name="PurchaseXid">CustomersDot's purchase id: one pack per namespace and purchase id.</param>
public sealed record MinutePack(long NamespaceId, DateOnly ExpiresAt, long NumberOfMinutes, string PurchaseXid);

/// <summary>A pack as CustomersDot orders it (the edge has read Grape's schema: every value present and typed).</summary>
/// <param name="ExpiresAt">Expiry.</param>
/// <param name="NumberOfMinutes">Minutes (the model refuses zero or fewer).</param>
/// <param name="PurchaseXid">CustomersDot's purchase id.</param>
public sealed record MinutePackOrder(DateOnly ExpiresAt, long NumberOfMinutes, string PurchaseXid);

/// <summary>A validated request to move every pack of a namespace to another (the <c>minutes-move</c> queue message).</summary>
/// <param name="SourceId">The namespace the packs leave.</param>
/// <param name="TargetId">The namespace they go to.</param>
/// <param name="RequestedAt">When it was accepted.</param>
public sealed record MinutesMoveMessage(long SourceId, long TargetId, DateTimeOffset RequestedAt);

/// <summary>
/// <c>/namespaces/:id/minutes</c> and <c>minutes/move</c> (spec §5.10–5.11). Packs are rows of the namespace's
/// partition keyed by purchase id, so a purchase id can never count twice: a pack that exists is answered as
/// it is stored (GitLab does not update it). A move is validated when asked for and carried out by the queue
/// function, one pack at a time (copy to the target, then delete from the source), so a redelivered or
/// interrupted move finishes the same way.
/// </summary>
public sealed class MinutePackService(SubscriptionTables tables, BillableMembers members, NamespaceFinder namespaces, TimeProvider time)
{
    private const int MaxRetries = 20;

    // When the pack came into its namespace (bought, or moved there): see MoveAsync.
    private const string PlacedAt = "PlacedAt";

    /// <summary>The queue that carries accepted moves to the function that carries them out.</summary>
    public const string MoveQueueName = "minutes-move";

    /// <summary>Saves the packs that are new (in one transaction per 100) and answers every pack in request order.</summary>
    public async Task<IReadOnlyList<MinutePack>> AddAsync(GitLabNamespace ns, IReadOnlyList<MinutePackOrder> packs, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(ns);
        ArgumentNullException.ThrowIfNull(packs);
        for (var attempt = 0; attempt < MaxRetries; attempt++)
        {
            var stored = new Dictionary<string, MinutePack>(StringComparer.Ordinal);
            foreach (var xid in packs.Select(p => p.PurchaseXid).Distinct(StringComparer.Ordinal))
            {
                if (await FindAsync(ns.Id, xid, cancellationToken) is { } existing)
                {
                    stored[xid] = existing;
                }
            }

            // The first pack of a purchase id in the request is the one saved; a repeat finds it, as in GitLab.
            var fresh = new List<MinutePack>();
            foreach (var (expiresAt, minutes, xid) in packs)
            {
                if (stored.ContainsKey(xid))
                {
                    continue;
                }

                if (minutes <= 0 || string.IsNullOrWhiteSpace(xid) || TableKey.Encode(xid).Length > TableClientExtensions.MaxKeyLength)
                {
                    throw SubscriptionException.BadRequest("Unable to save additional pack");
                }

                var pack = new MinutePack(ns.Id, expiresAt, minutes, xid);
                stored[xid] = pack;
                fresh.Add(pack);
            }

            try
            {
                // One placement time for the request's packs (see MoveAsync).
                var now = time.GetUtcNow();
                foreach (var chunk in fresh.Chunk(100))
                {
                    await tables.MinutePacks.SubmitTransactionAsync(chunk.Select(p => new TableTransactionAction(TableTransactionActionType.Add, ToEntity(p, now))), cancellationToken);
                }

                return [.. packs.Select(p => stored[p.PurchaseXid])];
            }
            catch (TableTransactionFailedException ex) when (ex.Status is 409 or 412)
            {
                // A concurrent request saved one of them first: read again, it now answers as stored.
            }
        }

        throw new InvalidOperationException("The packs kept changing under the request.");
    }

    /// <summary>Every pack of the namespace.</summary>
    public async Task<IReadOnlyList<MinutePack>> ListAsync(long namespaceId, CancellationToken cancellationToken = default) =>
        [.. (await tables.MinutePacks.ListPartitionAsync(Key(namespaceId), cancellationToken)).Select(ToPack)];

    /// <summary>Checks a move in GitLab's order; the message to queue when it may go ahead.</summary>
    public async Task<MinutesMoveMessage> ValidateMoveAsync(string? sourceId, string? targetId, CancellationToken cancellationToken = default)
    {
        var source = await namespaces.RequireAsync(sourceId, cancellationToken);
        var target = await namespaces.FindAsync(targetId, cancellationToken) ?? throw SubscriptionException.NotFound("Target namespace");
        if (source.ParentId is not null)
        {
            throw SubscriptionException.BadRequest("Namespace must be a top-level namespace");
        }

        if (target.ParentId is not null)
        {
            throw SubscriptionException.BadRequest("Target namespace must be a top-level namespace");
        }

        var owners = await Task.WhenAll(members.OwnersAsync(source, cancellationToken), members.OwnersAsync(target, cancellationToken));
        if (!owners[0].Overlaps(owners[1]))
        {
            throw SubscriptionException.BadRequest("Both namespaces must share the same owner");
        }

        return new MinutesMoveMessage(source.Id, target.Id, time.GetUtcNow());
    }

    /// <summary>
    /// Carries out a move: each pack of the source is written to the target, then removed from the source. Safe
    /// to repeat at any point: what was moved is no longer in the source, and writing a pack again changes nothing.
    /// Only packs placed in the source before the move was accepted go: a copy of this move delivered late, after
    /// a later move brought the packs back (or after new packs were bought), finds them placed after it and
    /// leaves them, as if it had run on time. A pack's placement time is when it was bought or last moved.
    /// </summary>
    public async Task<int> MoveAsync(MinutesMoveMessage move, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(move);
        if (move.SourceId == move.TargetId)
        {
            return 0;
        }

        var moved = 0;
        foreach (var entity in await tables.MinutePacks.ListPartitionAsync(Key(move.SourceId), cancellationToken))
        {
            // Rows written before placement times were kept have none: they predate every move still queued.
            if (entity.GetDateTimeOffset(PlacedAt) >= move.RequestedAt)
            {
                continue;
            }

            var pack = ToPack(entity) with { NamespaceId = move.TargetId };
            await tables.MinutePacks.UpsertEntityAsync(ToEntity(pack, move.RequestedAt), TableUpdateMode.Replace, cancellationToken);
            // A redelivered copy of this move may have removed it first: the SDK answers that delete without throwing.
            await tables.MinutePacks.DeleteEntityAsync(entity.PartitionKey, entity.RowKey, ETag.All, cancellationToken);

            moved++;
        }

        return moved;
    }

    private async Task<MinutePack?> FindAsync(long namespaceId, string xid, CancellationToken cancellationToken) =>
        await tables.MinutePacks.FindAsync(Key(namespaceId), TableKey.Encode(xid), cancellationToken: cancellationToken) is { } e ? ToPack(e) : null;

    private static string Key(long id) => id.ToString(CultureInfo.InvariantCulture);

    private static TableEntity ToEntity(MinutePack p, DateTimeOffset placedAt) => new(Key(p.NamespaceId), TableKey.Encode(p.PurchaseXid))
    {
        ["PurchaseXid"] = p.PurchaseXid,
        ["NumberOfMinutes"] = p.NumberOfMinutes,
        ["ExpiresAt"] = p.ExpiresAt.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
        [PlacedAt] = placedAt,
    };

    private static MinutePack ToPack(TableEntity e) => new(
        long.Parse(e.PartitionKey, CultureInfo.InvariantCulture),
        DateOnly.ParseExact(e.GetString("ExpiresAt") ?? "0001-01-01", "yyyy-MM-dd", CultureInfo.InvariantCulture),
        e.GetInt64("NumberOfMinutes") ?? 0,
        e.GetString("PurchaseXid") ?? "");
}
