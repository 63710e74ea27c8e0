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
        return SshKeyFields.CheckAsync(item.Path, item.Value, context, cancellationToken);
    }

    /// <inheritdoc/>
    protected override Task WriteAsync(SshKey value, ImportContext context, CancellationToken cancellationToken) =>
        SshKeyFields.WriteAsync(value, context, cancellationToken);
}
