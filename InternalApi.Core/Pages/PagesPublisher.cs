using System.Globalization;
using System.IO.Compression;
using System.Security.Cryptography;
using System.Text;
using InternalApi.Core.Data;
using InternalApi.Core.Model;

namespace InternalApi.Core.Pages;

/// <summary>A file of a deployment given inline (the import's <c>files</c>).</summary>
public sealed record PagesFile(string Path, string Content);

/// <summary>What a publish did: the deployment now served and the one it replaced.</summary>
public sealed record PagesPublishResult(PagesSite Site, PagesDeployment Deployment, PagesDeployment? Previous);

/// <summary>Why a folder or zip cannot be published (the message names the problem for the operator).</summary>
public sealed class PagesPublishException(string message) : Exception(message);

/// <summary>
/// Publishes a project's Pages deployment: the zip goes to blob storage under a new name, then the site row points at
/// it (ETag-conditional). The zip's SHA-256, size and entry count are computed here, once, as GitLab computes them
/// when a pages job's artifact is deployed. The blob a cached lookup may still read stays where it is.
/// </summary>
public sealed class PagesPublisher(NamespaceStore namespaces, SequenceStore sequences, PagesStore pages, PagesBlobs blobs, TimeProvider time)
{
    /// <summary>The sequence deployment ids come from.</summary>
    public const string Sequence = "pages_deployments";

    /// <summary>The site of a project as it would be created, with Pages' defaults and the project's own facts.</summary>
    public async Task<PagesSite> DescribeAsync(Project project, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(project);
        var chain = await namespaces.GetNamespaceChainAsync(project.NamespaceId, cancellationToken);
        var root = chain.Count > 0 ? chain[^1] : throw new PagesPublishException($"project {project.Id}'s namespace {project.NamespaceId} does not exist");
        return new PagesSite
        {
            ProjectId = project.Id,
            FullPath = project.FullPath,
            RootNamespaceId = root.Id,
            RootNamespacePath = root.FullPath,
            InRootNamespace = chain.Count == 1,
            Visibility = project.Visibility,
        };
    }

    /// <summary>Publishes a zip file.</summary>
    public async Task<PagesPublishResult> PublishZipAsync(Project project, string zipPath, string rootDirectory, CancellationToken cancellationToken)
    {
        await using var zip = File.OpenRead(zipPath);
        return await PublishAsync(project, zip, rootDirectory, cancellationToken);
    }

    /// <summary>Publishes a folder: its contents become the zip's entries (so it holds the root directory, e.g. <c>public/</c>).</summary>
    public async Task<PagesPublishResult> PublishFolderAsync(Project project, string folder, string rootDirectory, CancellationToken cancellationToken)
    {
        if (!Directory.Exists(folder))
        {
            throw new PagesPublishException($"folder '{folder}' does not exist");
        }

        var temp = Path.GetTempFileName();
        try
        {
            File.Delete(temp);
            ZipFile.CreateFromDirectory(folder, temp, CompressionLevel.Optimal, includeBaseDirectory: false);
            return await PublishZipAsync(project, temp, rootDirectory, cancellationToken);
        }
        finally
        {
            File.Delete(temp);
        }
    }

    /// <summary>Publishes files given inline (the import's demo sites).</summary>
    public async Task<PagesPublishResult> PublishFilesAsync(Project project, IReadOnlyList<PagesFile> files, string rootDirectory, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(files);
        using var zip = new MemoryStream();
        using (var archive = new ZipArchive(zip, ZipArchiveMode.Create, leaveOpen: true))
        {
            foreach (var file in files)
            {
                var entry = archive.CreateEntry(file.Path.TrimStart('/'), CompressionLevel.Optimal);
                // A fixed time: the same files make the same zip, so importing the demo again yields the same SHA-256.
                entry.LastWriteTime = new DateTimeOffset(2020, 1, 1, 0, 0, 0, TimeSpan.Zero);
                await using var writer = new StreamWriter(await entry.OpenAsync(cancellationToken), new UTF8Encoding(false));
                await writer.WriteAsync(file.Content.AsMemory(), cancellationToken);
            }
        }

        zip.Position = 0;
        return await PublishAsync(project, zip, rootDirectory, cancellationToken);
    }

    /// <summary>Publishes a zip read from <paramref name="zip"/> (seekable).</summary>
    public async Task<PagesPublishResult> PublishAsync(Project project, Stream zip, string rootDirectory, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(project);
        ArgumentNullException.ThrowIfNull(zip);
        rootDirectory = NormalizeRoot(rootDirectory);
        var (sha256, size, count) = await InspectAsync(zip, rootDirectory, cancellationToken);

        var site = await pages.GetSiteAsync((await DescribeAsync(project, cancellationToken)).RootNamespaceId, project.Id, cancellationToken);
        if (site is null)
        {
            site = await DescribeAsync(project, cancellationToken);
            await pages.UpsertSiteSettingsAsync(site, cancellationToken);
        }

        // The same zip again (an import run twice) keeps the deployment there is.
        if (site.Deployment is { } current && current.Sha256 == sha256 && current.RootDirectory == rootDirectory)
        {
            return new PagesPublishResult(site, current, null);
        }

        var id = await sequences.NextIdAsync(Sequence, 0, cancellationToken);
        var deployment = new PagesDeployment
        {
            Id = id,
            BlobName = string.Create(CultureInfo.InvariantCulture, $"{project.Id}/{sha256}.zip"),
            Sha256 = sha256,
            FileSize = size,
            FileCount = count,
            RootDirectory = rootDirectory,
            CreatedAt = time.GetUtcNow(),
        };
        zip.Position = 0;
        await blobs.UploadAsync(deployment.BlobName, zip, cancellationToken);
        var previous = await pages.ActivateDeploymentAsync(site.RootNamespaceId, project.Id, deployment, cancellationToken);
        return new PagesPublishResult(site with { Deployment = deployment }, deployment, previous);
    }

    /// <summary>A root directory as GitLab keeps it: a relative folder, no leading or trailing slash.</summary>
    public static string NormalizeRoot(string? rootDirectory)
    {
        var root = (rootDirectory ?? "public").Trim().Trim('/');
        return root.Length == 0 || root.Split('/').Any(p => p is "" or "." or "..") ? throw new PagesPublishException($"root directory '{rootDirectory}' is not a relative folder") : root;
    }

    private static async Task<(string Sha256, long Size, int Count)> InspectAsync(Stream zip, string rootDirectory, CancellationToken cancellationToken)
    {
        int count;
        bool hasRoot;
        try
        {
            using var archive = new ZipArchive(zip, ZipArchiveMode.Read, leaveOpen: true);
            count = archive.Entries.Count;
            hasRoot = archive.Entries.Any(e => e.FullName.StartsWith(rootDirectory + "/", StringComparison.Ordinal));
        }
        catch (InvalidDataException ex)
        {
            throw new PagesPublishException($"not a zip archive ({ex.Message})");
        }

        if (!hasRoot)
        {
            throw new PagesPublishException($"the archive has nothing under '{rootDirectory}/', the site's root directory");
        }

        zip.Position = 0;
        var hash = Convert.ToHexStringLower(await SHA256.HashDataAsync(zip, cancellationToken));
        return (hash, zip.Length, count);
    }
}
