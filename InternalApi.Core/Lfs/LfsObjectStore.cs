using System.Globalization;
using System.Security.Cryptography;
using Azure;
using Azure.Data.Tables;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;

namespace InternalApi.Core.Lfs;

/// <summary>An LFS object's content, open for reading (the caller disposes it).</summary>
public sealed record LfsContent(Stream Content, long Length);

/// <summary>
/// LFS objects: their bytes in Blob Storage (container <see cref="ContainerName"/>, one blob per oid, named as GitLab
/// lays them out: <c>ab/cd/abcd…</c>), their links to projects in <see cref="LfsTables.LfsObjects"/>. An object is
/// content-addressed: its oid is the SHA-256 of its bytes, checked before anything is stored.
/// </summary>
public sealed class LfsObjectStore(BlobServiceClient blobs, LfsTables tables)
{
    /// <summary>The blob container of LFS objects.</summary>
    public const string ContainerName = "lfs-objects";

    private readonly BlobContainerClient _container = blobs.GetBlobContainerClient(ContainerName);

    /// <summary>Whether <paramref name="oid"/> is an LFS oid: 64 lower-case hex digits (SHA-256).</summary>
    public static bool IsOid(string? oid) =>
        oid is { Length: 64 } && oid.All(c => c is (>= '0' and <= '9') or (>= 'a' and <= 'f'));

    /// <summary>The blob name of an oid.</summary>
    public static string BlobName(string oid)
    {
        ArgumentNullException.ThrowIfNull(oid);
        return $"{oid[..2]}/{oid[2..4]}/{oid}";
    }

    /// <summary>The oid of some content: its SHA-256 in lower-case hex.</summary>
    public static async Task<(string Oid, long Size)> HashAsync(Stream content, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(content);
        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var buffer = new byte[81920];
        long size = 0;
        int read;
        while ((read = await content.ReadAsync(buffer, cancellationToken)) > 0)
        {
            sha.AppendData(buffer, 0, read);
            size += read;
        }

        return (Convert.ToHexStringLower(sha.GetHashAndReset()), size);
    }

    /// <summary>Whether the object is linked to the project: one point read.</summary>
    public async Task<bool> IsLinkedAsync(string oid, long projectId, CancellationToken cancellationToken = default)
    {
        var row = await tables.LfsObjects.GetEntityIfExistsAsync<TableEntity>(oid, Key(projectId), ["PartitionKey"], cancellationToken);
        return row.HasValue;
    }

    /// <summary>Opens the object's bytes for streaming; null when no blob holds them.</summary>
    public async Task<LfsContent?> OpenAsync(string oid, CancellationToken cancellationToken = default)
    {
        try
        {
            var download = await _container.GetBlobClient(BlobName(oid)).DownloadStreamingAsync(cancellationToken: cancellationToken);
            return new LfsContent(download.Value.Content, download.Value.Details.ContentLength);
        }
        catch (RequestFailedException ex) when (ex.Status == 404)
        {
            // No such blob, or no container yet (nothing uploaded): GitLab's "file does not exist".
            return null;
        }
    }

    /// <summary>
    /// Stores an object's bytes unless a blob of that size is already there (the name is the content's hash, so it
    /// holds the same bytes): importing again uploads nothing. <paramref name="open"/> is called only to upload.
    /// </summary>
    public async Task<bool> UploadAsync(string oid, long size, Func<Stream> open, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(open);
        var blob = _container.GetBlobClient(BlobName(oid));
        try
        {
            if ((await blob.GetPropertiesAsync(cancellationToken: cancellationToken)).Value.ContentLength == size)
            {
                return false;
            }
        }
        catch (RequestFailedException ex) when (ex.Status == 404)
        {
            // Not there yet.
        }

        await _container.CreateIfNotExistsAsync(cancellationToken: cancellationToken);
        await using var content = open();
        await blob.UploadAsync(content, new BlobUploadOptions { HttpHeaders = new BlobHttpHeaders { ContentType = "application/octet-stream" } }, cancellationToken);
        return true;
    }

    /// <summary>Links the object to a project (an upsert: linking again changes nothing).</summary>
    public Task LinkAsync(string oid, long size, long projectId, CancellationToken cancellationToken = default) =>
        tables.LfsObjects.UpsertEntityAsync(new TableEntity(oid, Key(projectId)) { ["Size"] = size }, TableUpdateMode.Replace, cancellationToken);

    private static string Key(long projectId) => projectId.ToString(CultureInfo.InvariantCulture);
}
