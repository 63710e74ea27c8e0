using Azure.Data.Tables;
using InternalApi.Core.Model;
using InternalApi.Core.Storage;
using static InternalApi.Core.Data.EntityMapping;

namespace InternalApi.Core.Data;

/// <summary>Error-tracking client keys, one partition per project.</summary>
public sealed class ErrorTrackingKeyStore(GitLabTables names)
{
    /// <summary>An error-tracking client key, or null.</summary>
    public async Task<ErrorTrackingClientKey?> GetErrorTrackingKeyAsync(long projectId, string publicKey, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(publicKey);
        return await names.ErrorTrackingKeys.FindAsync(Id(projectId), TableKey.Encode(publicKey), cancellationToken: cancellationToken) is { } e
            ? new ErrorTrackingClientKey(projectId, publicKey, e.GetBoolean("Active") ?? false)
            : null;
    }

    /// <summary>Creates or replaces an error-tracking client key.</summary>
    public Task UpsertErrorTrackingKeyAsync(ErrorTrackingClientKey key, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(key);
        return names.ErrorTrackingKeys.UpsertEntityAsync(new TableEntity(Id(key.ProjectId), TableKey.Encode(key.PublicKey)) { ["Active"] = key.Active }, TableUpdateMode.Replace, cancellationToken);
    }
}
