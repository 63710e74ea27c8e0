using Azure;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using Azure.Storage.Sas;
using Microsoft.Extensions.Options;

namespace InternalApi.Core.Pages;

/// <summary>
/// The deployments' zips in blob storage and the read-only SAS URLs the daemon range-reads them through. With an
/// account key (a connection string, Azurite) a service SAS is signed locally; with a managed identity (shared keys
/// off in Azure) a user delegation key is fetched, cached while it has enough life left, and signs the same SAS.
/// </summary>
public sealed class PagesBlobs(BlobServiceClient service, IOptions<PagesOptions> options, TimeProvider time) : IDisposable
{
    // A delegation key is asked for this long and renewed when less than a SAS lifetime (plus a margin) is left, so one
    // storage call serves many lookups; at most 7 days is allowed.
    private static readonly TimeSpan DelegationKeyLifetime = TimeSpan.FromDays(1);
    private static readonly TimeSpan ClockSkew = TimeSpan.FromMinutes(5);

    private readonly SemaphoreSlim _keyLock = new(1, 1);
    private UserDelegationKey? _delegationKey;

    /// <inheritdoc/>
    public void Dispose() => _keyLock.Dispose();

    private BlobContainerClient Container => service.GetBlobContainerClient(options.Value.Container);

    /// <summary>
    /// Uploads a zip under its content-addressed name. Never overwrites: a cached lookup may still read an older
    /// deployment, and a blob already there under this name holds these very bytes.
    /// </summary>
    public async Task UploadAsync(string blobName, Stream zip, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(zip);
        var container = Container;
        await container.CreateIfNotExistsAsync(cancellationToken: cancellationToken);
        try
        {
            await container.GetBlobClient(blobName).UploadAsync(
                zip,
                new BlobUploadOptions
                {
                    HttpHeaders = new BlobHttpHeaders { ContentType = "application/zip" },
                    Conditions = new BlobRequestConditions { IfNoneMatch = ETag.All },
                },
                cancellationToken);
        }
        catch (RequestFailedException ex) when (ex.ErrorCode == BlobErrorCode.BlobAlreadyExists)
        {
            // Published before (the same zip again, or another store on this account): nothing to write.
        }
    }

    /// <summary>A read-only URL of the blob, valid for <see cref="PagesOptions.SasLifetime"/>.</summary>
    public async ValueTask<Uri> ReadUrlAsync(string blobName, CancellationToken cancellationToken)
    {
        var blob = Container.GetBlobClient(blobName);
        var now = time.GetUtcNow();
        var builder = new BlobSasBuilder(BlobSasPermissions.Read, now + options.Value.SasLifetime)
        {
            BlobContainerName = blob.BlobContainerName,
            BlobName = blob.Name,
            Resource = "b",
            // Tolerates a daemon host whose clock runs a little behind ours.
            StartsOn = now - ClockSkew,
            Protocol = blob.Uri.Scheme == Uri.UriSchemeHttps ? SasProtocol.Https : SasProtocol.HttpsAndHttp,
        };
        if (blob.CanGenerateSasUri)
        {
            return blob.GenerateSasUri(builder);
        }

        var key = await DelegationKeyAsync(now, cancellationToken);
        return new BlobUriBuilder(blob.Uri) { Sas = builder.ToSasQueryParameters(key, service.AccountName) }.ToUri();
    }

    private async ValueTask<UserDelegationKey> DelegationKeyAsync(DateTimeOffset now, CancellationToken cancellationToken)
    {
        var needed = now + options.Value.SasLifetime + ClockSkew;
        if (_delegationKey is { } cached && cached.SignedExpiresOn > needed)
        {
            return cached;
        }

        await _keyLock.WaitAsync(cancellationToken);
        try
        {
            if (_delegationKey is { } again && again.SignedExpiresOn > needed)
            {
                return again;
            }

            _delegationKey = (await service.GetUserDelegationKeyAsync(now - ClockSkew, now + DelegationKeyLifetime, cancellationToken)).Value;
            return _delegationKey;
        }
        finally
        {
            _keyLock.Release();
        }
    }
}
