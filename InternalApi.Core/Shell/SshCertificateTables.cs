using Azure.Data.Tables;
using InternalApi.Core.Data;
using InternalApi.Core.Storage;
using Microsoft.Extensions.Options;

namespace InternalApi.Core.Shell;

/// <summary>
/// Group SSH certificate authorities, keyed by the CA fingerprint (encoded): <c>authorized_certs</c> runs on
/// every certificate login and finds its CA with one point read. A fingerprint belongs to one group.
/// </summary>
public sealed class SshCertificateTables(TableServiceClient service, IOptions<StorageOptions> options) : ITableSet
{
    /// <summary>PK encoded fingerprint: group id, id, title, key.</summary>
    public TableClient GroupSshCertificates { get; } = service.GetTableClient(options.Value.TablePrefix + "GroupSshCertificates");

    /// <inheritdoc/>
    public IReadOnlyList<TableClient> All => [GroupSshCertificates];
}
