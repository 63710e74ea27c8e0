using Azure.Data.Tables;
using InternalApi.Core.Model;

namespace InternalApi.Core.Import;

/// <summary>
/// <c>keys</c>: users' SSH keys. <c>key</c> is the whole public key line (<c>ssh-ed25519 AAAA... comment</c>);
/// type, blob and SHA-256 fingerprint are taken from it.
/// </summary>
public sealed class KeysSection : ImportSection<SshKey>
{
    /// <inheritdoc/>
    public override string Name => "keys";

    /// <inheritdoc/>
    protected override SshKey Read(ImportReader record)
    {
        ArgumentNullException.ThrowIfNull(record);
        return SshKeyFields.Read(record, SshKeyKind.User);
    }

    /// <inheritdoc/>
    protected override void CheckFile(IEnumerable<ImportItem<SshKey>> items, ImportContext context) =>
        SshKeyFields.CheckDuplicates(items, k => k, [], context);

    /// <inheritdoc/>
    protected override Task CheckAsync(ImportItem<SshKey> item, ImportContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(item);
        return SshKeyFields.CheckAsync(this, item.Path, item.Value, context, cancellationToken);
    }

    /// <summary>
    /// A key new to the store is written as rows (itself, its place in its owner's list, its fingerprint row with
    /// the owner's name) through the batch writer; a stored one through the store's upsert, which keeps its last
    /// use and moves its fingerprint row and owner list when those changed.
    /// </summary>
    protected override async Task WriteAllAsync(IEnumerable<ImportItem<SshKey>> items, ImportContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(items);
        ArgumentNullException.ThrowIfNull(context);
        var tables = context.Tables;
        await using var writer = new ImportWriter(cancellationToken);
        var stored = new List<SshKey>();
        foreach (var item in items)
        {
            var key = item.Value;
            if (context.IsStored(this, key.Id))
            {
                stored.Add(key);
                if (stored.Count == ImportWriter.PlanGroup)
                {
                    await writer.AddStoredAsync(stored, (k, ct) => PlanStoredAsync(k, context, ct), (k, ct) => WriteAsync(k, context, ct));
                    stored.Clear();
                }
            }
            else
            {
                var owner = key.UserId is { } userId ? await context.UserNameAsync(userId, cancellationToken) : null;
                await writer.AddAsync(ImportRows.OfKey(tables, key, owner));
            }

            context.Progress.Add(1);
        }

        await writer.AddStoredAsync(stored, (k, ct) => PlanStoredAsync(k, context, ct), (k, ct) => WriteAsync(k, context, ct));
        await writer.FlushAsync();
    }

    /// <summary>
    /// The rows of a stored key when the store's upsert would only rewrite them (same fingerprint, same owner: no
    /// fingerprint row or owner link to move), keeping its last use; null otherwise.
    /// </summary>
    private static async Task<IEnumerable<(TableClient Table, TableEntity Row)>?> PlanStoredAsync(SshKey key, ImportContext context, CancellationToken cancellationToken)
    {
        var existing = await context.Stores.Keys.GetKeyAsync(key.Id, cancellationToken);
        if (existing is null || existing.Fingerprint != key.Fingerprint || existing.UserId != key.UserId || existing.Kind != key.Kind)
        {
            return null;
        }

        var owner = key.UserId is { } userId ? await context.UserNameAsync(userId, cancellationToken) : null;
        return ImportRows.OfKey(context.Tables, key with { LastUsedAt = existing.LastUsedAt }, owner);
    }

    /// <inheritdoc/>
    protected override Task WriteAsync(SshKey value, ImportContext context, CancellationToken cancellationToken) =>
        SshKeyFields.WriteAsync(value, context, cancellationToken);
}
