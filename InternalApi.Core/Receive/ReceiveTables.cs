using Azure.Data.Tables;
using InternalApi.Core.Data;
using InternalApi.Core.Storage;
using Microsoft.Extensions.Options;

namespace InternalApi.Core.Receive;

/// <summary>Tables the push hooks and the post-receive worker keep.</summary>
public sealed class ReceiveTables : ITableSet
{
    /// <summary>Creates a client per table.</summary>
    public ReceiveTables(TableServiceClient service, IOptions<StorageOptions> options)
    {
        ArgumentNullException.ThrowIfNull(service);
        ArgumentNullException.ThrowIfNull(options);
        var prefix = options.Value.TablePrefix;
        RepositoryRefs = service.GetTableClient(prefix + "RepositoryRefs");
        PushEvents = service.GetTableClient(prefix + "PushEvents");
        MergeRequestRequests = service.GetTableClient(prefix + "MergeRequestRequests");
        PostReceiveJobs = service.GetTableClient(prefix + "PostReceiveJobs");
        MergeRequests = service.GetTableClient(prefix + "MergeRequests");
        PostReceiveCalls = service.GetTableClient(prefix + "PostReceiveCalls");
    }

    /// <summary>PK project id, RK encoded ref → head sha, kind, tombstone, received-at of the job that set it.</summary>
    public TableClient RepositoryRefs { get; }

    /// <summary>PK project id, RK inverted time + job id + change index → one push event per ref.</summary>
    public TableClient PushEvents { get; }

    /// <summary>
    /// PK project id, RK job id + change index → merge request asked for with push options (a record of the
    /// request only; the merge request itself is created by <c>/post_receive</c>, see <see cref="MergeRequests"/>).
    /// </summary>
    public TableClient MergeRequestRequests { get; }

    /// <summary>PK job id → outcome: malformed lines, warnings, counts.</summary>
    public TableClient PostReceiveJobs { get; }

    /// <summary>PK project id, RK <c>counter</c> / <c>iid-N</c> / <c>open-branch</c> → merge requests (see <see cref="MergeRequestStore"/>).</summary>
    public TableClient MergeRequests { get; }

    /// <summary>PK encoded <c>gl_repository</c>, RK SHA-256 of the call → a <c>/post_receive</c> call and its answer (see <see cref="Receive.PostReceiveCalls"/>).</summary>
    public TableClient PostReceiveCalls { get; }

    /// <inheritdoc/>
    public IReadOnlyList<TableClient> All => [RepositoryRefs, PushEvents, MergeRequestRequests, PostReceiveJobs, MergeRequests, PostReceiveCalls];
}
