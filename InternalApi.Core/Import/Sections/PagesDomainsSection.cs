using InternalApi.Core.Pages;
using Microsoft.Extensions.Options;

namespace InternalApi.Core.Import;

/// <summary>A custom domain as the file gives it (the key in clear here only; it is encrypted before it is written).</summary>
public sealed record PagesDomainRecord(string Domain, long ProjectId, bool Enabled, bool Verified, string? Certificate, string? Key);

/// <summary>
/// <c>pages_domains</c>: a custom domain of a project's Pages (<c>domain</c>, <c>project_id</c>, <c>enabled</c>,
/// <c>verified</c>, <c>certificate</c> and <c>key</c> in PEM). The key is encrypted with the app's secret-encryption
/// key (that of the OTP secrets) and bound to its domain.
/// </summary>
public sealed class PagesDomainsSection(PagesStore pages, PagesPublisher publisher, PagesDomainKeyProtector keys, IOptions<PagesOptions> options)
    : ImportSection<PagesDomainRecord>
{
    /// <inheritdoc/>
    public override string Name => "pages_domains";

    /// <inheritdoc/>
    protected override PagesDomainRecord Read(ImportReader record)
    {
        ArgumentNullException.ThrowIfNull(record);
        var domain = record.Text("domain", required: true)?.Trim().ToLowerInvariant();
        if (domain is not null && !IsDomain(domain))
        {
            record.Error("domain", "is not a domain name");
            domain = null;
        }
        else if (domain is not null && (string.Equals(domain, options.Value.Host, StringComparison.OrdinalIgnoreCase) || domain.EndsWith("." + options.Value.Host.ToLowerInvariant(), StringComparison.Ordinal)))
        {
            // GitLab refuses custom domains under its own Pages domain: they would shadow namespaces.
            record.Error("domain", $"is under the Pages domain {options.Value.Host}");
            domain = null;
        }

        var certificate = record.Text("certificate");
        var key = record.Text("key");
        if (key is not null && certificate is null)
        {
            record.Error("key", "is given without a certificate");
        }

        return new PagesDomainRecord(domain ?? "", record.Id("project_id", required: true) ?? 0, record.Bool("enabled", true), record.Bool("verified", false), certificate, key);
    }

    /// <inheritdoc/>
    protected override void CheckFile(IEnumerable<ImportItem<PagesDomainRecord>> items, ImportContext context)
    {
        ArgumentNullException.ThrowIfNull(items);
        ArgumentNullException.ThrowIfNull(context);
        context.Duplicates(items, d => d.Domain.Length > 0 ? d.Domain : null, "domain", StringComparer.OrdinalIgnoreCase);
        if (items.FirstOrDefault(i => i.Value.Key is not null) is { } withKey && keys.ConfigurationError is { } problem)
        {
            context.Error(withKey.Path, "key", "cannot be encrypted: " + problem);
        }
    }

    /// <inheritdoc/>
    protected override async Task CheckAsync(ImportItem<PagesDomainRecord> item, ImportContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(item);
        ArgumentNullException.ThrowIfNull(context);
        if (!await context.ProjectExistsAsync(item.Value.ProjectId, cancellationToken))
        {
            context.Error(item.Path, "project_id", $"unknown project {item.Value.ProjectId}");
        }
        else if (item.Value.Domain.Length > 0 && await pages.GetDomainAsync(item.Value.Domain, cancellationToken) is { } existing && existing.ProjectId != item.Value.ProjectId)
        {
            context.Error(item.Path, "domain", $"is already project {existing.ProjectId}'s");
        }
    }

    /// <inheritdoc/>
    protected override async Task WriteAsync(PagesDomainRecord value, ImportContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(value);
        ArgumentNullException.ThrowIfNull(context);
        var project = await context.Stores.Projects.GetProjectAsync(value.ProjectId, cancellationToken)
            ?? throw new InvalidOperationException($"project {value.ProjectId} vanished during the import");
        var site = await publisher.DescribeAsync(project, cancellationToken);
        await pages.UpsertDomainAsync(
            new PagesDomain
            {
                Domain = value.Domain,
                ProjectId = value.ProjectId,
                RootNamespaceId = site.RootNamespaceId,
                Enabled = value.Enabled,
                Verified = value.Verified,
                Certificate = value.Certificate,
                ProtectedKey = value.Key is null ? null : keys.Protect(value.Domain, value.Key),
            },
            cancellationToken);
    }

    private static bool IsDomain(string domain) =>
        domain.Length is > 0 and <= 253 && domain.Contains('.', StringComparison.Ordinal)
        && domain.Split('.').All(l => l.Length is > 0 and <= 63 && !l.StartsWith('-') && !l.EndsWith('-') && l.All(c => c is (>= 'a' and <= 'z') or (>= '0' and <= '9') or '-'));
}
