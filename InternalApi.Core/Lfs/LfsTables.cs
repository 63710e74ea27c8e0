using Azure.Data.Tables;
using InternalApi.Core.Data;
using InternalApi.Core.Storage;
using Microsoft.Extensions.Options;

namespace InternalApi.Core.Lfs;

/// <summary>The table of LFS objects' links to projects; the objects' bytes are blobs (<see cref="LfsObjectStore.ContainerName"/>).</summary>
public sealed class LfsTables : ITableSet
{
    /// <summary>Creates the client.</summary>
    public LfsTables(TableServiceClient service, IOptions<StorageOptions> options)
    {
        ArgumentNullException.ThrowIfNull(service);
        ArgumentNullException.ThrowIfNull(options);
        LfsObjects = service.GetTableClient(options.Value.TablePrefix + "LfsObjects");
    }

    /// <summary>PK oid, RK project id → the object is linked to that project (its size kept with it): one point read per lookup.</summary>
    public TableClient LfsObjects { get; }

    /// <inheritdoc/>
    public IReadOnlyList<TableClient> All => [LfsObjects];
}
