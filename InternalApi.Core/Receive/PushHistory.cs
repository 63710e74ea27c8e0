using System.Globalization;
using Azure.Data.Tables;
using InternalApi.Core.Storage;

namespace InternalApi.Core.Receive;

/// <summary>Read side of the post-receive worker: push events newest first, ref heads, MR requests, job outcomes.</summary>
public sealed class PushHistory(ReceiveTables names)
{
    /// <summary>A project's push events, newest first.</summary>
    public async Task<IReadOnlyList<PushEvent>> GetEventsAsync(long projectId, int max = 100, CancellationToken cancellationToken = default)
    {
        // One page is enough: row keys sort newest first.
        var pages = names.PushEvents.QueryAsync<TableEntity>(TableClient.CreateQueryFilter($"PartitionKey eq {Id(projectId)}"), maxPerPage: max, cancellationToken: cancellationToken).AsPages();
        var entities = new List<TableEntity>();
        await foreach (var page in pages)
        {
            entities.AddRange(page.Values.Take(max - entities.Count));
            if (entities.Count >= max || page.ContinuationToken is null)
            {
                break;
            }
        }

        return entities.Select(e => new PushEvent
        {
            ProjectId = projectId,
            JobId = e.GetString("JobId") ?? "",
            Ref = e.GetString("Ref") ?? "",
            Kind = e.GetString("Kind") ?? "",
            Action = e.GetString("Action") ?? "",
            Before = e.GetString("Before") ?? "",
            After = e.GetString("After") ?? "",
            Identifier = e.GetString("Identifier"),
            UserId = e.GetInt64("UserId"),
            CiSkip = e.GetBoolean("CiSkip") ?? false,
            At = e.GetDateTimeOffset("At") ?? default,
        }).ToList();
    }

    /// <summary>The project's current branch and tag heads (deleted refs excluded).</summary>
    public async Task<IReadOnlyList<RefHead>> GetRefsAsync(long projectId, CancellationToken cancellationToken = default)
    {
        var list = new List<RefHead>();
        await foreach (var e in names.RepositoryRefs.QueryAsync<TableEntity>(TableClient.CreateQueryFilter($"PartitionKey eq {Id(projectId)}"), cancellationToken: cancellationToken))
        {
            if (e.GetBoolean("Deleted") != true)
            {
                list.Add(new RefHead(projectId, TableKey.Decode(e.RowKey), e.GetString("Kind") ?? "", e.GetString("Sha") ?? "", e.GetDateTimeOffset("UpdatedAt") ?? default));
            }
        }

        return list;
    }

    /// <summary>Merge requests asked for with push options.</summary>
    public async Task<IReadOnlyList<MergeRequestRequest>> GetMergeRequestRequestsAsync(long projectId, CancellationToken cancellationToken = default)
    {
        var list = new List<MergeRequestRequest>();
        await foreach (var e in names.MergeRequestRequests.QueryAsync<TableEntity>(TableClient.CreateQueryFilter($"PartitionKey eq {Id(projectId)}"), cancellationToken: cancellationToken))
        {
            list.Add(new MergeRequestRequest(projectId, e.RowKey[..e.RowKey.LastIndexOf('-')], e.GetString("SourceBranch") ?? "", e.GetString("TargetBranch"), e.GetString("Title"), e.GetString("Description"), e.GetInt64("UserId"), e.GetDateTimeOffset("At") ?? default));
        }

        return list;
    }

    /// <summary>A processed job's outcome, or null when not processed (yet).</summary>
    public async Task<PostReceiveJobOutcome?> GetJobAsync(string jobId, CancellationToken cancellationToken = default)
    {
        var e = await names.PostReceiveJobs.FindAsync(TableKey.Encode(jobId), "", cancellationToken: cancellationToken);
        return e is null ? null : new PostReceiveJobOutcome(
            jobId,
            e.GetInt64("ProjectId") ?? 0,
            e.GetInt32("Events") ?? 0,
            Split(e.GetString("Malformed")),
            Split(e.GetString("Warnings")));
    }

    private static List<string> Split(string? s) => string.IsNullOrEmpty(s) ? [] : [.. s.Split('\n')];

    private static string Id(long id) => id.ToString(CultureInfo.InvariantCulture);
}
