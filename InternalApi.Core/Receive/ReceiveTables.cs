using InternalApi.Core.Data;
using InternalApi.Core.Storage;
using Microsoft.Extensions.Options;

namespace InternalApi.Core.Receive;

/// <summary>Tables the post-receive worker keeps.</summary>
public sealed class ReceiveTables(IOptions<StorageOptions> options) : ITableSet
{
    private readonly string _prefix = options.Value.TablePrefix;

    /// <summary>PK project id, RK encoded ref → head sha, kind, tombstone, received-at of the job that set it.</summary>
    public string RepositoryRefs => _prefix + "RepositoryRefs";

    /// <summary>PK project id, RK inverted time + job id + change index → one push event per ref.</summary>
    public string PushEvents => _prefix + "PushEvents";

    /// <summary>PK project id, RK job id + change index → merge request asked for with push options.</summary>
    public string MergeRequestRequests => _prefix + "MergeRequestRequests";

    /// <summary>PK job id → outcome: malformed lines, warnings, counts.</summary>
    public string PostReceiveJobs => _prefix + "PostReceiveJobs";

    /// <inheritdoc/>
    public IReadOnlyList<string> All => [RepositoryRefs, PushEvents, MergeRequestRequests, PostReceiveJobs];
}
