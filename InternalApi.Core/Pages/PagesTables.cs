using Azure.Data.Tables;
using InternalApi.Core.Data;
using InternalApi.Core.Storage;
using Microsoft.Extensions.Options;

namespace InternalApi.Core.Pages;

/// <summary>
/// The Pages tables, laid out so a lookup is one index read and one read of the sites: a namespace host is one
/// single-partition query of its top-level namespace's sites.
/// </summary>
public sealed class PagesTables(TableServiceClient service, IOptions<StorageOptions> options) : ITableSet
{
    /// <summary>PK <c>root-&lt;top-level namespace id&gt;</c>, RK project id: every Pages site of that namespace tree with its deployment.</summary>
    public TableClient PagesSites { get; } = service.GetTableClient(options.Value.TablePrefix + "PagesSites");

    /// <summary>
    /// PK the lower-cased label before the Pages host (encoded); RK <c>unique</c> (a project's unique domain) or
    /// <c>namespace</c> (a top-level namespace with sites). One partition answers both, unique domain first.
    /// </summary>
    public TableClient PagesNames { get; } = service.GetTableClient(options.Value.TablePrefix + "PagesNames");

    /// <summary>PK the lower-cased custom domain (encoded): its project, state, certificate and encrypted key.</summary>
    public TableClient PagesDomains { get; } = service.GetTableClient(options.Value.TablePrefix + "PagesDomains");

    /// <inheritdoc/>
    public IReadOnlyList<TableClient> All => [PagesSites, PagesNames, PagesDomains];
}
