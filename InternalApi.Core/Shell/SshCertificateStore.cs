using Azure.Data.Tables;
using InternalApi.Core.Model;
using InternalApi.Core.Storage;

namespace InternalApi.Core.Shell;

/// <summary>Reads and writes group SSH certificate authorities.</summary>
public sealed class SshCertificateStore(SshCertificateTables tables)
{
    /// <summary>The CA with this fingerprint (unpadded base64 SHA-256), or null.</summary>
    public async Task<GroupSshCertificate?> FindByFingerprintAsync(string fingerprint, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(fingerprint);
        if (fingerprint.Length == 0)
        {
            return null;
        }

        var e = await tables.GroupSshCertificates.FindAsync(TableKey.Encode(fingerprint), "", cancellationToken: cancellationToken);
        return e is null ? null : new GroupSshCertificate
        {
            Id = e.GetInt64("Id") ?? 0,
            GroupId = e.GetInt64("GroupId") ?? 0,
            Title = e.GetString("Title") ?? "",
            KeyType = e.GetString("KeyType") ?? "",
            Blob = e.GetString("Blob") ?? "",
            Fingerprint = fingerprint,
            CreatedAt = e.GetDateTimeOffset("CreatedAt") ?? DateTimeOffset.UnixEpoch,
        };
    }

    /// <summary>Creates or replaces a CA under its fingerprint.</summary>
    public Task UpsertAsync(GroupSshCertificate certificate, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(certificate);
        return tables.GroupSshCertificates.UpsertEntityAsync(
            new TableEntity(TableKey.Encode(certificate.Fingerprint), "")
            {
                ["Id"] = certificate.Id,
                ["GroupId"] = certificate.GroupId,
                ["Title"] = certificate.Title,
                ["KeyType"] = certificate.KeyType,
                ["Blob"] = certificate.Blob,
                ["CreatedAt"] = certificate.CreatedAt,
            },
            TableUpdateMode.Replace,
            cancellationToken);
    }
}
