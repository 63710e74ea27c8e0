using System.Globalization;
using Azure;
using Azure.Data.Tables;
using InternalApi.Core.Model;
using InternalApi.Core.Storage;
using InternalApi.Core.TwoFactor;

namespace InternalApi.Core.Pages;

/// <summary>Reads and writes Pages sites, their host index and custom domains (<see cref="PagesTables"/>).</summary>
public sealed class PagesStore(PagesTables tables)
{
    /// <summary>Row key of a unique domain in <see cref="PagesTables.PagesNames"/>.</summary>
    public const string UniqueRow = "unique";

    /// <summary>Row key of a top-level namespace in <see cref="PagesTables.PagesNames"/>.</summary>
    public const string NamespaceRow = "namespace";

    private const int MaxConcurrencyRetries = 10;

    /// <summary>What a label before the Pages host names: a unique domain's project and/or a top-level namespace with sites.</summary>
    public sealed record NameIndex(long? UniqueProjectId, long? UniqueRootNamespaceId, long? NamespaceId, string? NamespacePath);

    /// <summary>The rows of one label (one single-partition query).</summary>
    public async Task<NameIndex> FindNameAsync(string label, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(label);
        long? uniqueProject = null, uniqueRoot = null, ns = null;
        string? nsPath = null;
        await foreach (var row in tables.PagesNames.QueryAsync<TableEntity>(TableClient.CreateQueryFilter($"PartitionKey eq {NameKey(label)}"), cancellationToken: cancellationToken))
        {
            if (row.RowKey == UniqueRow)
            {
                uniqueProject = row.GetInt64("ProjectId");
                uniqueRoot = row.GetInt64("RootNamespaceId");
            }
            else if (row.RowKey == NamespaceRow)
            {
                ns = row.GetInt64("RootNamespaceId");
                nsPath = row.GetString("FullPath");
            }
        }

        return new NameIndex(uniqueProject, uniqueRoot, ns, nsPath);
    }

    /// <summary>One site (a point read), or null.</summary>
    public async Task<PagesSite?> GetSiteAsync(long rootNamespaceId, long projectId, CancellationToken cancellationToken) =>
        await tables.PagesSites.FindAsync(SiteKey(rootNamespaceId), Id(projectId), cancellationToken: cancellationToken) is { } e ? ToSite(e) : null;

    /// <summary>Every site of a top-level namespace tree (one single-partition query), by project id.</summary>
    public async Task<IReadOnlyList<PagesSite>> GetSitesAsync(long rootNamespaceId, CancellationToken cancellationToken)
    {
        var sites = new List<PagesSite>();
        await foreach (var row in tables.PagesSites.QueryAsync<TableEntity>(TableClient.CreateQueryFilter($"PartitionKey eq {SiteKey(rootNamespaceId)}"), cancellationToken: cancellationToken))
        {
            sites.Add(ToSite(row));
        }

        return [.. sites.OrderBy(s => s.ProjectId)];
    }

    /// <summary>A custom domain (a point read, case-insensitive), or null.</summary>
    public async Task<PagesDomain?> GetDomainAsync(string domain, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(domain);
        return await tables.PagesDomains.FindAsync(TableKey.Encode(domain.ToLowerInvariant()), "", cancellationToken: cancellationToken) is { } e ? ToDomain(e) : null;
    }

    /// <summary>
    /// Writes a site's settings and its index rows, keeping the deployment the row already has (a merge: the settings
    /// and the deployment are written by different commands and neither must undo the other).
    /// </summary>
    public async Task UpsertSiteSettingsAsync(PagesSite site, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(site);
        var entity = new TableEntity(SiteKey(site.RootNamespaceId), Id(site.ProjectId))
        {
            ["FullPath"] = site.FullPath,
            ["RootNamespacePath"] = site.RootNamespacePath,
            ["InRootNamespace"] = site.InRootNamespace,
            ["Visibility"] = (int)site.Visibility,
            ["AccessLevel"] = (int)site.AccessLevel,
            ["HttpsOnly"] = site.HttpsOnly,
            ["UniqueDomain"] = site.UniqueDomain,
            ["UniqueDomainEnabled"] = site.UniqueDomainEnabled,
            ["PrimaryDomain"] = site.PrimaryDomain,
        };
        await tables.PagesSites.UpsertEntityAsync(entity, TableUpdateMode.Merge, cancellationToken);
        await tables.PagesNames.UpsertEntityAsync(
            new TableEntity(NameKey(site.RootNamespacePath), NamespaceRow) { ["RootNamespaceId"] = site.RootNamespaceId, ["FullPath"] = site.RootNamespacePath },
            TableUpdateMode.Replace, cancellationToken);
        if (site.UniqueDomain is { Length: > 0 } unique)
        {
            await tables.PagesNames.UpsertEntityAsync(
                new TableEntity(NameKey(unique), UniqueRow) { ["ProjectId"] = site.ProjectId, ["RootNamespaceId"] = site.RootNamespaceId },
                TableUpdateMode.Replace, cancellationToken);
        }
    }

    /// <summary>
    /// Makes <paramref name="deployment"/> the site's active deployment (ETag-conditional, retried on conflict) and
    /// returns the one it replaced. The site row must exist (<see cref="UpsertSiteSettingsAsync"/>).
    /// </summary>
    public async Task<PagesDeployment?> ActivateDeploymentAsync(long rootNamespaceId, long projectId, PagesDeployment deployment, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(deployment);
        for (var attempt = 0; attempt < MaxConcurrencyRetries; attempt++)
        {
            var row = await tables.PagesSites.FindAsync(SiteKey(rootNamespaceId), Id(projectId), cancellationToken: cancellationToken)
                ?? throw new InvalidOperationException($"Project {projectId} has no Pages site to deploy to.");
            var previous = ToDeployment(row);
            row["DeploymentId"] = deployment.Id;
            row["BlobName"] = deployment.BlobName;
            row["Sha256"] = deployment.Sha256;
            row["FileSize"] = deployment.FileSize;
            row["FileCount"] = deployment.FileCount;
            row["RootDirectory"] = deployment.RootDirectory;
            row["DeployedAt"] = deployment.CreatedAt;
            try
            {
                await tables.PagesSites.UpdateEntityAsync(row, row.ETag, TableUpdateMode.Replace, cancellationToken);
                return previous;
            }
            catch (RequestFailedException ex) when (ex.IsConcurrencyConflict())
            {
                // Another publish or a settings write came between our read and write: read again.
            }
        }

        throw new InvalidOperationException($"Could not activate the Pages deployment of project {projectId} under contention.");
    }

    /// <summary>Writes a custom domain.</summary>
    public Task UpsertDomainAsync(PagesDomain domain, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(domain);
        var entity = new TableEntity(TableKey.Encode(domain.Domain.ToLowerInvariant()), "")
        {
            ["Domain"] = domain.Domain.ToLowerInvariant(),
            ["ProjectId"] = domain.ProjectId,
            ["RootNamespaceId"] = domain.RootNamespaceId,
            ["Enabled"] = domain.Enabled,
            ["Verified"] = domain.Verified,
            ["Certificate"] = domain.Certificate,
            ["KeyId"] = domain.ProtectedKey?.KeyId,
            ["KeyCiphertext"] = domain.ProtectedKey?.Payload,
        };
        return tables.PagesDomains.UpsertEntityAsync(entity, TableUpdateMode.Replace, cancellationToken);
    }

    private static string NameKey(string label) => TableKey.Encode(label.ToLowerInvariant());

    private static string SiteKey(long rootNamespaceId) => "root-" + Id(rootNamespaceId);

    private static string Id(long id) => id.ToString(CultureInfo.InvariantCulture);

    private static PagesSite ToSite(TableEntity e) => new()
    {
        ProjectId = long.Parse(e.RowKey, CultureInfo.InvariantCulture),
        FullPath = e.GetString("FullPath") ?? "",
        RootNamespaceId = long.Parse(e.PartitionKey["root-".Length..], CultureInfo.InvariantCulture),
        RootNamespacePath = e.GetString("RootNamespacePath") ?? "",
        InRootNamespace = e.GetBoolean("InRootNamespace") ?? false,
        Visibility = (Visibility)(e.GetInt32("Visibility") ?? 0),
        AccessLevel = (PagesAccessLevel)(e.GetInt32("AccessLevel") ?? (int)PagesAccessLevel.Enabled),
        HttpsOnly = e.GetBoolean("HttpsOnly") ?? true,
        UniqueDomain = e.GetString("UniqueDomain"),
        UniqueDomainEnabled = e.GetBoolean("UniqueDomainEnabled") ?? false,
        PrimaryDomain = e.GetString("PrimaryDomain"),
        Deployment = ToDeployment(e),
    };

    private static PagesDeployment? ToDeployment(TableEntity e) =>
        e.GetInt64("DeploymentId") is { } id && e.GetString("BlobName") is { } blob
            ? new PagesDeployment
            {
                Id = id,
                BlobName = blob,
                Sha256 = e.GetString("Sha256") ?? "",
                FileSize = e.GetInt64("FileSize") ?? 0,
                FileCount = e.GetInt32("FileCount") ?? 0,
                RootDirectory = e.GetString("RootDirectory") ?? "public",
                CreatedAt = e.GetDateTimeOffset("DeployedAt") ?? default,
            }
            : null;

    private static PagesDomain ToDomain(TableEntity e) => new()
    {
        Domain = e.GetString("Domain") ?? TableKey.Decode(e.PartitionKey),
        ProjectId = e.GetInt64("ProjectId") ?? 0,
        RootNamespaceId = e.GetInt64("RootNamespaceId") ?? 0,
        Enabled = e.GetBoolean("Enabled") ?? false,
        Verified = e.GetBoolean("Verified") ?? false,
        Certificate = e.GetString("Certificate"),
        ProtectedKey = e.GetString("KeyId") is { } keyId && e.GetBinary("KeyCiphertext") is { } payload ? new ProtectedOtpSecret(keyId, payload) : null,
    };
}
