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
        foreach (var item in items)
        {
            var key = item.Value;
            if (context.IsStored(this, key.Id))
            {
                await writer.RunAsync(ct => WriteAsync(key, context, ct));
            }
            else
            {
                var owner = key.UserId is { } userId ? await context.UserNameAsync(userId, cancellationToken) : null;
                await writer.AddAsync(ImportRows.OfKey(tables, key, owner));
            }

            context.Progress.Add(1);
        }

        await writer.FlushAsync();
    }

    /// <inheritdoc/>
    protected override Task WriteAsync(SshKey value, ImportContext context, CancellationToken cancellationToken) =>
        SshKeyFields.WriteAsync(value, context, cancellationToken);
}
