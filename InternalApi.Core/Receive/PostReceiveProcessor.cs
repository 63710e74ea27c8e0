using System.Globalization;
using Azure;
using Azure.Data.Tables;
using InternalApi.Core.Access;
using InternalApi.Core.Data;
using InternalApi.Core.Diagnostics;
using InternalApi.Core.Git;
using InternalApi.Core.Identity;
using InternalApi.Core.Model;
using InternalApi.Core.Storage;
using Microsoft.Extensions.Logging;

namespace InternalApi.Core.Receive;

/// <summary>
/// What GitLab's PostReceive worker does that this system owns: push events, ref heads, the default
/// branch of a first push, activity times and merge-request push options.
/// Delivery is at least once, so every write is keyed on the job id and change index (upserts), ref heads
/// only move forward in push time (an older job redelivered late cannot undo a newer push; deletions
/// are tombstones for the same reason) and activity times never go back. Running a job twice, or after it
/// failed half-way, gives the same final state.
/// </summary>
public sealed partial class PostReceiveProcessor(
    ReceiveTables names,
    GitLabTables gitLab,
    ProjectStore projects,
    RepositoryResolver repositories,
    ActorResolver actors,
    ILogger<PostReceiveProcessor> logger)
{
    private const int MaxAttempts = 50;

    // GitLab moves a project's last_activity_at only once it is an hour old, and its last_repository_updated_at once
    // it is five minutes old (Event's RESET_PROJECT_ACTIVITY_INTERVAL and REPOSITORY_UPDATED_AT_INTERVAL); a user's
    // last activity is a date. So a busy project or pusher is written a few times an hour, not on every push, and
    // their rows stop being the hot spot every job of theirs races on.
    private static readonly ActivityTime[] ProjectTimes =
    [
        new("LastActivityAt", (stored, at) => stored <= at - TimeSpan.FromHours(1)),
        new("LastRepositoryUpdatedAt", (stored, at) => stored <= at - TimeSpan.FromMinutes(5)),
    ];

    private static readonly ActivityTime[] UserTimes = [new("LastActivityAt", (stored, at) => stored.UtcDateTime.Date < at.UtcDateTime.Date)];

    /// <summary>
    /// Processes a job. Throws <see cref="InvalidDataException"/> when it can never succeed (the message then
    /// ends in the poison queue). <paramref name="afterChange"/> is a test seam called after each change.
    /// </summary>
    public async Task<PostReceiveJobOutcome> ProcessAsync(PostReceiveJob job, CancellationToken cancellationToken, Func<int, Task>? afterChange = null)
    {
        ArgumentNullException.ThrowIfNull(job);
        InvocationLog.Set("gl_repository", job.GlRepository);
        var target = await repositories.ResolveAsync(null, job.GlRepository, cancellationToken);
        if (target is not { Type: RepositoryType.Project or RepositoryType.Wiki, Project: { } project })
        {
            Log.UnknownRepository(logger, job.JobId, job.GlRepository);
            throw new InvalidDataException($"Post-receive job {job.JobId}: repository '{job.GlRepository}' is unknown.");
        }

        var actor = await actors.ResolveAsync(new ActorQuery(Identifier: job.Identifier), cancellationToken);
        InvocationLog.Set("project_id", project.Id);
        InvocationLog.Set("actor_id", actor.User?.Id);
        var parsed = RefChange.Parse(job.Changes);
        var options = PushOptions.Parse(job.PushOptions);
        var events = 0;
        var wiki = target.Type == RepositoryType.Wiki;
        for (var i = 0; i < parsed.Changes.Count; i++)
        {
            var change = parsed.Changes[i];
            var kind = change.IsBranch ? "branch" : change.IsTag ? "tag" : "other";
            var action = change.IsCreate ? "created" : change.IsDelete ? "deleted" : "updated";
            if (!wiki)
            {
                await RecordEventAsync(project.Id, job, i, change, kind, action, actor.User?.Id, options.CiSkip, cancellationToken);
                events++;
                if (kind != "other")
                {
                    await MoveRefAsync(project.Id, change, kind, job.ReceivedAt, cancellationToken);
                }

                if (options.CreateMergeRequest && change.IsBranch && !change.IsDelete && change.Name != (options.Target ?? project.DefaultBranch))
                {
                    await names.MergeRequestRequests.UpsertEntityAsync(new TableEntity(Id(project.Id), job.JobId + "-" + Index(i))
                    {
                        ["SourceBranch"] = change.Name,
                        ["TargetBranch"] = options.Target ?? project.DefaultBranch,
                        ["Title"] = options.Title,
                        ["Description"] = options.Description,
                        ["UserId"] = actor.User?.Id,
                        ["At"] = job.ReceivedAt,
                    }, TableUpdateMode.Replace, cancellationToken);
                }
            }

            if (afterChange is not null)
            {
                await afterChange(i);
            }
        }

        if (!wiki && project.DefaultBranch is null && FirstDefaultBranch(parsed.Changes) is { } first)
        {
            await projects.UpdateProjectActivityAsync(project.Id, job.ReceivedAt, repositoryUpdated: true, defaultBranch: first, cancellationToken);
        }

        await AdvanceTimesAsync(gitLab.Projects, Id(project.Id), job.ReceivedAt, ProjectTimes, [project.LastActivityAt, project.LastRepositoryUpdatedAt], cancellationToken);
        if (actor.User is { } user)
        {
            await AdvanceTimesAsync(gitLab.Users, Id(user.Id), job.ReceivedAt, UserTimes, [user.LastActivityAt], cancellationToken);
        }

        if (parsed.Malformed.Count > 0 || options.Unknown.Count > 0)
        {
            Log.Warnings(logger, job.JobId, parsed.Malformed.Count, options.Unknown.Count);
        }

        var warnings = options.Unknown.Select(o => $"unknown push option '{o}' ignored").ToList();
        await names.PostReceiveJobs.UpsertEntityAsync(new TableEntity(TableKey.Encode(job.JobId), "")
        {
            ["ProjectId"] = project.Id,
            ["GlRepository"] = job.GlRepository,
            ["Events"] = events,
            ["Malformed"] = string.Join('\n', parsed.Malformed),
            ["Warnings"] = string.Join('\n', warnings),
            ["ReceivedAt"] = job.ReceivedAt,
        }, TableUpdateMode.Replace, cancellationToken);
        return new PostReceiveJobOutcome(job.JobId, project.Id, events, parsed.Malformed, warnings);
    }

    /// <summary>The branch that becomes the default of an empty repository: <c>main</c>/<c>master</c> if pushed, else the first created.</summary>
    private static string? FirstDefaultBranch(IReadOnlyList<RefChange> changes)
    {
        var created = changes.Where(c => c.IsBranch && !c.IsDelete).Select(c => c.Name).ToList();
        return created.FirstOrDefault(n => n is "main" or "master") ?? created.FirstOrDefault();
    }

    private Task<Response> RecordEventAsync(long projectId, PostReceiveJob job, int index, RefChange change, string kind, string action, long? userId, bool ciSkip, CancellationToken cancellationToken) =>
        names.PushEvents.UpsertEntityAsync(new TableEntity(Id(projectId), EventRowKey(job.ReceivedAt, job.JobId, index))
        {
            ["JobId"] = job.JobId,
            ["Ref"] = change.Ref,
            ["Kind"] = kind,
            ["Action"] = action,
            ["Before"] = change.OldRev,
            ["After"] = change.NewRev,
            ["Identifier"] = job.Identifier,
            ["UserId"] = userId,
            ["CiSkip"] = ciSkip,
            ["At"] = job.ReceivedAt,
        }, TableUpdateMode.Replace, cancellationToken);

    /// <summary>Newest first: row keys sort ascending, so the time is inverted.</summary>
    internal static string EventRowKey(DateTimeOffset at, string jobId, int index) =>
        (DateTimeOffset.MaxValue.UtcTicks - at.UtcTicks).ToString("D19", CultureInfo.InvariantCulture) + "-" + TableKey.Encode(jobId) + "-" + Index(index);

    private async Task MoveRefAsync(long projectId, RefChange change, string kind, DateTimeOffset at, CancellationToken cancellationToken)
    {
        var rk = TableKey.Encode(change.Ref);
        for (var attempt = 0; attempt < MaxAttempts; attempt++)
        {
            var current = await names.RepositoryRefs.FindAsync(Id(projectId), rk, cancellationToken: cancellationToken);
            if (current?.GetDateTimeOffset("UpdatedAt") is { } seen && seen > at)
            {
                return;
            }

            var head = new TableEntity(Id(projectId), rk)
            {
                ["Kind"] = kind,
                ["Sha"] = change.IsDelete ? "" : change.NewRev,
                ["Deleted"] = change.IsDelete,
                ["UpdatedAt"] = at,
            };
            try
            {
                if (current is null)
                {
                    await names.RepositoryRefs.AddEntityAsync(head, cancellationToken);
                }
                else
                {
                    await names.RepositoryRefs.UpdateEntityAsync(head, current.ETag, TableUpdateMode.Replace, cancellationToken);
                }

                return;
            }
            catch (RequestFailedException ex) when (ex.IsConcurrencyConflict())
            {
                // Another job moved this ref meanwhile: re-read and compare times again.
            }
        }
    }

    /// <summary>A time kept on a row, and when a push at <c>at</c> moves it from what is stored (never backwards).</summary>
    private sealed record ActivityTime(string Property, Func<DateTimeOffset, DateTimeOffset, bool> IsBehind)
    {
        public bool Moves(DateTimeOffset? stored, DateTimeOffset at) => stored is not { } t || (t < at && IsBehind(t, at));
    }

    /// <summary>
    /// Moves <paramref name="times"/> forward to <paramref name="at"/> where they are behind (ETag-conditional merge).
    /// <paramref name="known"/> are their values as this job read the row: times only move forward, so when none of
    /// them moves, none of the stored ones (as new or newer) does either, and the row is not read again.
    /// </summary>
    private static async Task AdvanceTimesAsync(TableClient table, string key, DateTimeOffset at, ActivityTime[] times, DateTimeOffset?[] known, CancellationToken cancellationToken)
    {
        if (!times.Where((time, i) => time.Moves(known[i], at)).Any())
        {
            return;
        }

        var properties = times.Select(t => t.Property).ToArray();
        for (var attempt = 0; attempt < MaxAttempts; attempt++)
        {
            var current = await table.FindSpreadAsync(key, select: properties, cancellationToken: cancellationToken);
            if (current is null)
            {
                return;
            }

            var behind = times.Where(t => t.Moves(current.GetDateTimeOffset(t.Property), at)).ToList();
            if (behind.Count == 0)
            {
                return;
            }

            var patch = new TableEntity(Spread.PartitionOf(key), key);
            foreach (var time in behind)
            {
                patch[time.Property] = at;
            }

            try
            {
                await table.UpdateEntityAsync(patch, current.ETag, TableUpdateMode.Merge, cancellationToken);
                return;
            }
            catch (RequestFailedException ex) when (ex.IsConcurrencyConflict())
            {
            }
            catch (RequestFailedException ex) when (ex.Status == 404)
            {
                return;
            }
        }
    }

    private static string Id(long id) => id.ToString(CultureInfo.InvariantCulture);

    private static string Index(int i) => i.ToString("D5", CultureInfo.InvariantCulture);

    private static partial class Log
    {
        [LoggerMessage(EventId = 4200, Level = LogLevel.Error, Message = "Post-receive job {JobId} names unknown repository {GlRepository}; it will end in the poison queue")]
        public static partial void UnknownRepository(ILogger logger, string jobId, string glRepository);

        [LoggerMessage(EventId = 4201, Level = LogLevel.Warning, Message = "Post-receive job {JobId}: {Malformed} malformed change line(s), {Unknown} unknown push option(s) ignored")]
        public static partial void Warnings(ILogger logger, string jobId, int malformed, int unknown);
    }
}
