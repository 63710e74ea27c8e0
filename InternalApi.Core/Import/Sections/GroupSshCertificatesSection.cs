using InternalApi.Core.Model;
using InternalApi.Core.Shell;

namespace InternalApi.Core.Import;

/// <summary>A CA as the file gives it: its top-level group by full path.</summary>
public sealed record GroupSshCertificateRecord(GroupSshCertificate Certificate, string GroupPath);

/// <summary>
/// <c>group_ssh_certificates</c>: SSH certificate authorities of top-level groups (<c>id</c>, <c>group</c> full
/// path, <c>title</c>, <c>key</c> as OpenSSH writes the CA's public key). A CA belongs to one group.
/// </summary>
public sealed class GroupSshCertificatesSection(SshCertificateStore certificates) : ImportSection<GroupSshCertificateRecord>
{
    /// <inheritdoc/>
    public override string Name => "group_ssh_certificates";

    /// <inheritdoc/>
    protected override GroupSshCertificateRecord Read(ImportReader record)
    {
        ArgumentNullException.ThrowIfNull(record);
        var text = record.Text("key", required: true);
        var parsed = text is null ? null : OpenSshPublicKey.Parse(text);
        if (text is not null && parsed is null)
        {
            record.Error("key", "is not a valid OpenSSH public key");
        }

        var certificate = new GroupSshCertificate
        {
            Id = record.Id("id", required: true) ?? 0,
            GroupId = 0,
            Title = record.Text("title", required: true) ?? "",
            KeyType = parsed?.Type ?? "",
            Blob = parsed?.Blob ?? "",
            Fingerprint = parsed?.Fingerprint ?? "",
            CreatedAt = record.Time("created_at") ?? DateTimeOffset.UnixEpoch,
        };
        return new GroupSshCertificateRecord(certificate, record.Text("group", required: true)?.Trim('/') ?? "");
    }

    /// <inheritdoc/>
    protected override void CheckFile(IEnumerable<ImportItem<GroupSshCertificateRecord>> items, ImportContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        context.Duplicates(items, c => ImportContext.Key(c.Certificate.Id), "id", StringComparer.Ordinal);
        context.Duplicates(items, c => c.Certificate.Fingerprint.Length > 0 ? c.Certificate.Fingerprint : null, "key", StringComparer.Ordinal);
    }

    /// <inheritdoc/>
    protected override async Task CheckAsync(ImportItem<GroupSshCertificateRecord> item, ImportContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(item);
        ArgumentNullException.ThrowIfNull(context);
        var (certificate, path) = item.Value;
        if (path.Length > 0)
        {
            switch (await context.FindNamespaceAsync(path, cancellationToken))
            {
                case null:
                    context.Error(item.Path, "group", $"unknown group '{path}'");
                    break;
                case { Kind: NamespaceKind.User }:
                    context.Error(item.Path, "group", $"'{path}' is a user's namespace, not a group");
                    break;
                case var _ when path.Contains('/', StringComparison.Ordinal):
                    // GitLab configures certificate authorities on top-level groups only.
                    context.Error(item.Path, "group", $"'{path}' is a subgroup; certificate authorities belong to top-level groups");
                    break;
                case { Id: { } groupId } when certificate.Fingerprint.Length > 0 &&
                    await certificates.FindByFingerprintAsync(certificate.Fingerprint, cancellationToken) is { } stored && stored.GroupId != groupId:
                    context.Error(item.Path, "key", $"this certificate authority belongs to group {stored.GroupId} already");
                    break;
            }
        }
    }

    /// <inheritdoc/>
    protected override async Task WriteAsync(GroupSshCertificateRecord value, ImportContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(value);
        ArgumentNullException.ThrowIfNull(context);
        var group = await context.NamespaceAsync(value.GroupPath, cancellationToken);
        await certificates.UpsertAsync(value.Certificate with { GroupId = group.Id }, cancellationToken);
    }
}
