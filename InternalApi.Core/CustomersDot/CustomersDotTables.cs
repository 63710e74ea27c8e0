using Azure.Data.Tables;
using InternalApi.Core.Data;
using InternalApi.Core.Storage;
using Microsoft.Extensions.Options;

namespace InternalApi.Core.CustomersDot;

/// <summary>What only the current CustomersDot routes write, keyed for point reads.</summary>
public sealed class CustomersDotTables : ITableSet
{
    /// <summary>Creates a client per table.</summary>
    public CustomersDotTables(TableServiceClient service, IOptions<StorageOptions> options)
    {
        ArgumentNullException.ThrowIfNull(service);
        ArgumentNullException.ThrowIfNull(options);
        var prefix = options.Value.TablePrefix;
        NamespaceLimits = service.GetTableClient(prefix + "NamespaceLimits");
        CreditCardValidations = service.GetTableClient(prefix + "CreditCardValidations");
    }

    /// <summary>PK namespace id, RK <c>""</c>: the namespace's compute minutes and purchased storage (GitLab keeps them on the namespace row).</summary>
    public TableClient NamespaceLimits { get; }

    /// <summary>PK user id, RK <c>""</c>: the user's one credit card validation.</summary>
    public TableClient CreditCardValidations { get; }

    /// <inheritdoc/>
    public IReadOnlyList<TableClient> All => [NamespaceLimits, CreditCardValidations];
}
