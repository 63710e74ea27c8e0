using System.Globalization;
using Azure;
using Azure.Data.Tables;
using InternalApi.Core.Storage;

namespace InternalApi.Core.Receive;

/// <summary>A merge request created from push options (only what the push hooks need).</summary>
public sealed record MergeRequest
{
    /// <summary>GitLab's state name of an open merge request.</summary>
    public const string Opened = "opened";

    /// <summary>Project (source and target: forks are not modelled).</summary>
    public required long ProjectId { get; init; }

    /// <summary>Per-project number, from 1, as in <c>/-/merge_requests/&lt;iid&gt;</c>.</summary>
    public required long Iid { get; init; }

    /// <summary>Branch the changes come from.</summary>
    public required string SourceBranch { get; init; }

    /// <summary>Branch the changes go to.</summary>
    public required string TargetBranch { get; init; }

    /// <summary>Title.</summary>
    public required string Title { get; init; }

    /// <summary>Description (<c>merge_request.description</c>), if given.</summary>
    public string? Description { get; init; }

    /// <summary>The pushing user.</summary>
    public required long AuthorId { get; init; }

    /// <summary>Always <see cref="Opened"/> here: nothing closes or merges them yet.</summary>
    public string State { get; init; } = Opened;

    /// <summary>When it was created.</summary>
    public required DateTimeOffset CreatedAt { get; init; }
}

/// <summary>What to create when no open merge request exists for the source branch.</summary>
public sealed record NewMergeRequest(long ProjectId, string SourceBranch, string TargetBranch, string Title, string? Description, long AuthorId);

/// <summary>
/// Merge requests in table <c>MergeRequests</c>, one partition per project, three kinds of row:
/// <c>counter</c> (the next iid), <c>iid-&lt;iid&gt;</c> (the record) and <c>open-&lt;source branch&gt;</c>
/// (a copy of the open one, so "open MR from this branch" is one point read). A creation writes all
/// three in one transaction: the counter update is ETag-conditional and the two rows are inserts, so
/// concurrent pushes never share an iid, and a retried or racing push for the same branch fails on the
/// existing open row and reads it instead of creating a second merge request.
/// </summary>
public sealed class MergeRequestStore(ReceiveTables names, TimeProvider time)
{
    /// <summary>Above this many branches, one range query over the open rows beats point reads.</summary>
    private const int PointReadLimit = 16;

    private const int MaxAttempts = 100;
    private const string CounterKey = "counter";
    private const string IidPrefix = "iid-";
    private const string OpenPrefix = "open-";

    /// <summary>The open merge request from <paramref name="sourceBranch"/>, or null.</summary>
    public async Task<MergeRequest?> FindOpenAsync(long projectId, string sourceBranch, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(sourceBranch);
        var row = await names.MergeRequests.FindAsync(Id(projectId), OpenKey(sourceBranch), cancellationToken: cancellationToken);
        return row is null ? null : Map(projectId, row);
    }

    /// <summary>The open merge requests from any of <paramref name="sourceBranches"/>, by source branch.</summary>
    public async Task<IReadOnlyDictionary<string, MergeRequest>> FindOpenAsync(long projectId, IReadOnlyCollection<string> sourceBranches, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(sourceBranches);
        if (sourceBranches.Count == 0)
        {
            return new Dictionary<string, MergeRequest>(StringComparer.Ordinal);
        }

        if (sourceBranches.Count <= PointReadLimit)
        {
            var found = await Task.WhenAll(sourceBranches.Select(b => FindOpenAsync(projectId, b, cancellationToken)));
            return found.OfType<MergeRequest>().ToDictionary(m => m.SourceBranch, StringComparer.Ordinal);
        }

        // A push of many branches ('-' + 1 == '.': the range is exactly the open rows).
        var filter = TableClient.CreateQueryFilter($"PartitionKey eq {Id(projectId)} and RowKey ge {OpenPrefix} and RowKey lt {"open."}");
        var wanted = sourceBranches.ToHashSet(StringComparer.Ordinal);
        return (await names.MergeRequests.ListAsync(filter, cancellationToken: cancellationToken))
            .Select(e => Map(projectId, e))
            .Where(m => wanted.Contains(m.SourceBranch))
            .ToDictionary(m => m.SourceBranch, StringComparer.Ordinal);
    }

    /// <summary>A project's merge requests by iid.</summary>
    public async Task<IReadOnlyList<MergeRequest>> ListAsync(long projectId, CancellationToken cancellationToken = default)
    {
        var filter = TableClient.CreateQueryFilter($"PartitionKey eq {Id(projectId)} and RowKey ge {IidPrefix} and RowKey lt {"iid."}");
        return [.. (await names.MergeRequests.ListAsync(filter, cancellationToken: cancellationToken)).Select(e => Map(projectId, e))];
    }

    /// <summary>
    /// Creates the merge request unless one is open from the same source branch; answers the open one
    /// either way, and whether this call created it.
    /// </summary>
    public async Task<(MergeRequest MergeRequest, bool Created)> OpenAsync(NewMergeRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        var pk = Id(request.ProjectId);
        for (var attempt = 0; attempt < MaxAttempts; attempt++)
        {
            if (await FindOpenAsync(request.ProjectId, request.SourceBranch, cancellationToken) is { } open)
            {
                return (open, false);
            }

            var counter = await names.MergeRequests.FindAsync(pk, CounterKey, cancellationToken: cancellationToken);
            var mergeRequest = new MergeRequest
            {
                ProjectId = request.ProjectId,
                Iid = counter?.GetInt64("NextIid") ?? 1,
                SourceBranch = request.SourceBranch,
                TargetBranch = request.TargetBranch,
                Title = request.Title,
                Description = request.Description,
                AuthorId = request.AuthorId,
                CreatedAt = time.GetUtcNow(),
            };
            var next = new TableEntity(pk, CounterKey) { ["NextIid"] = mergeRequest.Iid + 1 };
            TableTransactionAction[] actions =
            [
                counter is null
                    ? new(TableTransactionActionType.Add, next)
                    : new(TableTransactionActionType.UpdateReplace, next, counter.ETag),
                new(TableTransactionActionType.Add, Row(pk, IidKey(mergeRequest.Iid), mergeRequest)),
                new(TableTransactionActionType.Add, Row(pk, OpenKey(mergeRequest.SourceBranch), mergeRequest)),
            ];
            try
            {
                await names.MergeRequests.SubmitTransactionAsync(actions, cancellationToken);
                return (mergeRequest, true);
            }
            catch (RequestFailedException ex) when (ex.IsConcurrencyConflict())
            {
                // Another push took this iid (412/409 on the counter) or opened one from this branch (409 on
                // the open row): nothing was written, read both again.
            }
        }

        throw new RequestFailedException(409, "Merge request creation kept conflicting.");
    }

    private static TableEntity Row(string pk, string rk, MergeRequest m) => new(pk, rk)
    {
        ["Iid"] = m.Iid,
        ["SourceBranch"] = m.SourceBranch,
        ["TargetBranch"] = m.TargetBranch,
        ["Title"] = m.Title,
        ["Description"] = m.Description,
        ["AuthorId"] = m.AuthorId,
        ["State"] = m.State,
        ["CreatedAt"] = m.CreatedAt,
    };

    private static MergeRequest Map(long projectId, TableEntity e) => new()
    {
        ProjectId = projectId,
        Iid = e.GetInt64("Iid") ?? 0,
        SourceBranch = e.GetString("SourceBranch") ?? "",
        TargetBranch = e.GetString("TargetBranch") ?? "",
        Title = e.GetString("Title") ?? "",
        Description = e.GetString("Description"),
        AuthorId = e.GetInt64("AuthorId") ?? 0,
        State = e.GetString("State") ?? MergeRequest.Opened,
        CreatedAt = e.GetDateTimeOffset("CreatedAt") ?? default,
    };

    private static string OpenKey(string sourceBranch) => OpenPrefix + TableKey.Encode(sourceBranch);

    // Zero-padded so the iid rows list in iid order.
    private static string IidKey(long iid) => IidPrefix + iid.ToString("D19", CultureInfo.InvariantCulture);

    private static string Id(long id) => id.ToString(CultureInfo.InvariantCulture);
}
