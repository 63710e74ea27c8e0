using System.Globalization;
using InternalApi.Core.Data;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace InternalApi.Core.Pages;

/// <summary>
/// Finds what a host serves, in GitLab's order (<c>Gitlab::Pages::VirtualHostFinder</c>): a host under the Pages
/// domain is a project's unique domain, else a top-level namespace (every site of its tree, each at
/// <c>/&lt;project path&gt;/</c>); any other host is a custom domain. Storage calls: a namespace or unique host is one
/// single-partition query of the name index plus one of the sites (a point read for a unique domain); a custom domain
/// is two point reads.
/// </summary>
public sealed partial class PagesHostFinder(
    PagesStore pages, NamespaceStore namespaces, PagesBlobs blobs, PagesDomainKeyProtector keys, IOptions<PagesOptions> options, ILogger<PagesHostFinder> logger)
{
    // DNS allows 253 characters; the daemon sends the Host header lower-cased or not, never with a port.
    private const int MaxHostLength = 253;

    /// <summary>The virtual domain of <paramref name="host"/>, or null for a host nothing is served at (the 204 of the API).</summary>
    public async Task<PagesVirtualDomain?> FindAsync(string? host, CancellationToken cancellationToken)
    {
        host = host?.Trim().ToLowerInvariant();
        if (string.IsNullOrEmpty(host) || !IsHostName(host))
        {
            return null;
        }

        var suffix = "." + options.Value.Host.ToLowerInvariant();
        if (host.EndsWith(suffix, StringComparison.Ordinal))
        {
            var name = host[..^suffix.Length];
            return name.Length == 0 ? null : await ByNameAsync(name, cancellationToken);
        }

        return await ByCustomDomainAsync(host, cancellationToken);
    }

    private async Task<PagesVirtualDomain?> ByNameAsync(string name, CancellationToken cancellationToken)
    {
        var index = await pages.FindNameAsync(name, cancellationToken);
        if (index is { UniqueProjectId: { } projectId, UniqueRootNamespaceId: { } uniqueRoot }
            && await pages.GetSiteAsync(uniqueRoot, projectId, cancellationToken) is { IsDeployed: true, UniqueDomainEnabled: true } site
            && string.Equals(site.UniqueDomain, name, StringComparison.OrdinalIgnoreCase))
        {
            return new PagesVirtualDomain(null, null, site.RootNamespaceId, [await LookupPathAsync(site, site.FullPath, null, cancellationToken)]);
        }

        if (index is { NamespaceId: { } rootId, NamespacePath: { } rootPath })
        {
            var paths = new List<PagesLookupPath>();
            foreach (var each in await pages.GetSitesAsync(rootId, cancellationToken))
            {
                if (each.IsDeployed)
                {
                    paths.Add(await LookupPathAsync(each, rootPath, null, cancellationToken));
                }
            }

            return new PagesVirtualDomain(null, null, rootId, paths);
        }

        // A top-level namespace without any site still answers, with no lookup paths, as GitLab does.
        return await namespaces.FindNamespaceByPathAsync(name, cancellationToken) is { ParentId: null } ns
            ? new PagesVirtualDomain(null, null, ns.Id, [])
            : null;
    }

    private async Task<PagesVirtualDomain?> ByCustomDomainAsync(string host, CancellationToken cancellationToken)
    {
        if (await pages.GetDomainAsync(host, cancellationToken) is not { Enabled: true } domain
            || await pages.GetSiteAsync(domain.RootNamespaceId, domain.ProjectId, cancellationToken) is not { IsDeployed: true } site)
        {
            return null;
        }

        string? certificate = domain.Certificate, key = null;
        if (domain.ProtectedKey is { } stored)
        {
            key = keys.Unprotect(domain.Domain, stored);
            if (key is null)
            {
                // The encryption key was removed or the row was tampered with: serve the site without TLS material
                // rather than a certificate the daemon could not use.
                Log.DomainKeyUnreadable(logger, domain.Domain);
                certificate = null;
            }
        }

        return new PagesVirtualDomain(certificate, key, site.RootNamespaceId, [await LookupPathAsync(site, site.FullPath, domain, cancellationToken)]);
    }

    private async Task<PagesLookupPath> LookupPathAsync(PagesSite site, string trimPrefix, PagesDomain? domain, CancellationToken cancellationToken)
    {
        var deployment = site.Deployment!;
        var host = options.Value.Host.ToLowerInvariant();
        return new PagesLookupPath(
            site.ProjectId,
            AccessControl(site),
            site.HttpsOnly && (domain is null || domain.Certificate is { Length: > 0 }),
            Prefix(site, trimPrefix, host),
            new PagesSource(
                "zip",
                await blobs.ReadUrlAsync(deployment.BlobName, cancellationToken),
                "gid://gitlab/PagesDeployment/" + deployment.Id.ToString(CultureInfo.InvariantCulture),
                deployment.Sha256,
                deployment.FileSize,
                deployment.FileCount),
            site.UniqueDomainEnabled && site.UniqueDomain is { Length: > 0 } unique ? $"{unique}.{host}" : null,
            deployment.RootDirectory,
            site.PrimaryDomain,
            site.RootNamespaceId);
    }

    /// <summary>
    /// GitLab's <c>private_pages?</c>: with access control on, a site is private unless its Pages are public, or
    /// enabled on a public project.
    /// </summary>
    private bool AccessControl(PagesSite site) =>
        options.Value.AccessControl
        && !(site.AccessLevel == PagesAccessLevel.Public || (site.AccessLevel == PagesAccessLevel.Enabled && site.Visibility == Model.Visibility.Public));

    /// <summary>
    /// The project's path below the trimmed prefix, between slashes; a top-level group's root site
    /// (<c>&lt;group&gt;.&lt;pages host&gt;</c>) is served at <c>/</c>.
    /// </summary>
    private static string Prefix(PagesSite site, string trimPrefix, string host)
    {
        var projectPath = site.FullPath[(site.FullPath.LastIndexOf('/') + 1)..];
        if (site.InRootNamespace && string.Equals(projectPath, $"{site.RootNamespacePath}.{host}", StringComparison.OrdinalIgnoreCase))
        {
            return "/";
        }

        var rest = site.FullPath.StartsWith(trimPrefix, StringComparison.Ordinal) ? site.FullPath[trimPrefix.Length..] : site.FullPath;
        rest = rest.Trim('/');
        return rest.Length == 0 ? "/" : "/" + rest + "/";
    }

    private static bool IsHostName(string host) =>
        host.Length <= MaxHostLength && host.All(c => c is (>= 'a' and <= 'z') or (>= '0' and <= '9') or '-' or '.' or '_');

    private static partial class Log
    {
        [LoggerMessage(EventId = 2700, Level = LogLevel.Error, Message = "The TLS key of Pages domain {Domain} cannot be decrypted (its encryption key is not configured); answering without certificate and key")]
        public static partial void DomainKeyUnreadable(ILogger logger, string domain);
    }
}
