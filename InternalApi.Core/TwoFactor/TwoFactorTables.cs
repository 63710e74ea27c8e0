using Azure.Data.Tables;
using InternalApi.Core.Data;
using InternalApi.Core.Storage;
using Microsoft.Extensions.Options;

namespace InternalApi.Core.TwoFactor;

/// <summary>
/// The OTP tables. Secrets live apart from the user rows, which <c>/allowed</c> reads on every Git command:
/// the hot path never carries ciphertexts, and the secret's row has its own ETag for the last-used step.
/// </summary>
public sealed class TwoFactorTables(TableServiceClient service, IOptions<StorageOptions> options) : ITableSet
{
    /// <summary>PK user id: key id, ciphertext, last accepted time step.</summary>
    public TableClient OtpSecrets { get; } = service.GetTableClient(options.Value.TablePrefix + "OtpSecrets");

    /// <summary>PK SSH key id: until when <c>2fa_verify</c> lets the key through.</summary>
    public TableClient OtpSessions { get; } = service.GetTableClient(options.Value.TablePrefix + "OtpSessions");

    /// <inheritdoc/>
    public IReadOnlyList<TableClient> All => [OtpSecrets, OtpSessions];
}
