using System.Globalization;
using System.Text;
using System.Text.Json;
using Azure.Storage.Queues;
using InternalApi.Core.Access;
using InternalApi.Core.Data;
using InternalApi.Core.Diagnostics;
using InternalApi.Core.Git;
using InternalApi.Core.Identity;
using InternalApi.Core.Model;
using InternalApi.Core.Storage;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace InternalApi.Core.Receive;

/// <summary>A message printed to the pusher: <c>alert</c> (banner) or <c>basic</c> (verbatim).</summary>
public sealed record PostReceiveMessage(string Message, string Type);

/// <summary>The <c>/post_receive</c> answer.</summary>
public sealed record PostReceiveOutcome(IReadOnlyList<PostReceiveMessage> Messages, bool ReferenceCounterDecreased);

/// <summary>
/// <c>/post_receive</c> (spec §3.8.2). Order matters for retries: the job is enqueued first (a failure
/// there has changed nothing, so the caller may safely retry); only then are the counter decremented
/// and the stored messages consumed (the two at once), and from that point nothing fails the request any more.
/// The reads the messages start from (repository, pusher, broadcasts) change nothing, so they run while the
/// job is being enqueued.
/// </summary>
public sealed partial class PostReceiveService(
    MessageStore messages,
    BroadcastMessageStore broadcasts,
    ReferenceCounter counter,
    RepositoryResolver repositories,
    ActorResolver actors,
    MergeRequestStore mergeRequests,
    PostReceiveCalls calls,
    QueueServiceClient queues,
    IOptions<GitLabOptions> gitlab,
    TimeProvider time,
    ILogger<PostReceiveService> logger)
{
    /// <summary>The queue the worker reads.</summary>
    public const string QueueName = "post-receive";

    /// <summary>GitLab's limit of branches per push for merge-request push options.</summary>
    public const int MaxMergeRequestBranches = 10;

    /// <summary>Raw job size per message; the queue takes 64 KiB of base64 text (48 KiB raw).</summary>
    private const int MaxJobBytes = 40 * 1024;

    private readonly QueueClient _queue = queues.GetQueueClient(QueueName);

    /// <summary>
    /// Runs the hook. A retried call (same repository, pusher, changes and push options within
    /// <see cref="PostReceiveCalls.Window"/>) is recognised by its key: once a call has been answered, a retry gets
    /// that answer again and changes nothing; a retry of a call that got past the enqueue but not to its answer
    /// neither enqueues nor decrements again.
    /// </summary>
    public async Task<PostReceiveOutcome> HandleAsync(string? glRepository, string? identifier, string? changes, IReadOnlyList<string> pushOptions, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(pushOptions);
        InvocationLog.Set("gl_repository", glRepository);
        var repository = glRepository ?? "";
        var receivedAt = time.GetUtcNow();
        var key = PostReceiveCalls.Key(glRepository, identifier, changes, pushOptions);
        InvocationLog.Set("post_receive_key", key);

        // Read-only, so they may overlap each other and the enqueue: one round trip less on every push. Nothing that
        // writes starts before the call is known to be new and its job is in the queue.
        var reads = ReadAsync(glRepository, identifier, cancellationToken);
        var earlier = await EarlierCallAsync(repository, key, receivedAt, cancellationToken);
        if (earlier?.Answer is { } answered)
        {
            Observe(reads);
            Log.RetryAnswered(logger, repository);
            return answered;
        }

        PostReceiveCall? claimed = null;
        if (earlier is null || earlier.ReceivedAt + PostReceiveCalls.Window <= receivedAt)
        {
            try
            {
                foreach (var job in Jobs(repository, identifier, changes ?? "", pushOptions, receivedAt, key))
                {
                    await _queue.SendMessageAsync(BinaryData.FromBytes(JsonSerializer.SerializeToUtf8Bytes(job, ReceiveJsonContext.Default.PostReceiveJob)), cancellationToken: cancellationToken);
                }
            }
            catch (Exception)
            {
                // The answer is the enqueue's failure; what the reads found is dropped, and a failure of theirs observed.
                Observe(reads);
                throw;
            }

            // From here on nothing fails the request.
            (claimed, earlier) = await ClaimAsync(repository, key, receivedAt, earlier, cancellationToken);
            if (earlier?.Answer is { } racedAnswer)
            {
                Observe(reads);
                Log.RetryAnswered(logger, repository);
                return racedAnswer;
            }
        }
        else
        {
            Log.RetryResumed(logger, repository);
        }

        // Only the attempt that claimed the call decrements: an earlier attempt that claimed it has decremented (or
        // is about to). The counter and the messages do not depend on each other: their round trips overlap.
        var decrement = claimed is not null ? DecrementAsync(repository, cancellationToken) : Task.FromResult(earlier is not null);
        var messages = MessagesAsync(reads, glRepository, changes ?? "", pushOptions, cancellationToken);
        await Task.WhenAll(decrement, messages);
        var outcome = new PostReceiveOutcome(await messages, await decrement);
        await SaveAnswerAsync(repository, claimed ?? earlier, outcome, cancellationToken);
        return outcome;
    }

    /// <summary>The remembered call with this key, or null; unreadable counts as unknown (the enqueue then tells whether storage is there).</summary>
    private async Task<PostReceiveCall?> EarlierCallAsync(string repository, string key, DateTimeOffset now, CancellationToken cancellationToken)
    {
        if (!PostReceiveCalls.CanRemember(repository))
        {
            return null;
        }

        try
        {
            var call = await calls.GetAsync(repository, key, cancellationToken);

            // An answer from outside the window belongs to an earlier, identical push: this one is new.
            return call is { Answer: not null } && call.ReceivedAt + PostReceiveCalls.Window <= now ? call with { Answer = null } : call;
        }
        catch (Exception ex) when (ex is Azure.RequestFailedException or HttpRequestException or IOException || Storage.StorageFaults.IsUnavailable(ex, cancellationToken))
        {
            Log.CallUnreadable(logger, ex, repository);
            return null;
        }
    }

    /// <summary>
    /// Takes the call for this attempt. Answers (the claim, null) when taken; (null, the other attempt's row) when a
    /// concurrent attempt took it first; (null, null) when storage failed, and then nothing is decremented: a
    /// decrement that a retry would repeat is worse than a count that expires in 600 s, and <c>false</c> is what
    /// GitLab answers when the store failed.
    /// </summary>
    private async Task<(PostReceiveCall? Claimed, PostReceiveCall? Other)> ClaimAsync(string repository, string key, DateTimeOffset receivedAt, PostReceiveCall? stale, CancellationToken cancellationToken)
    {
        if (!PostReceiveCalls.CanRemember(repository))
        {
            return (new PostReceiveCall(key, receivedAt, null, default), null);
        }

        try
        {
            return (await calls.ClaimAsync(repository, key, receivedAt, stale, cancellationToken), null);
        }
        catch (Azure.RequestFailedException ex) when (ex.IsConcurrencyConflict())
        {
            Log.RetryRaced(logger, repository);
            try
            {
                return (null, await calls.GetAsync(repository, key, cancellationToken));
            }
            catch (Exception readFailure) when (readFailure is Azure.RequestFailedException or HttpRequestException or IOException || Storage.StorageFaults.IsUnavailable(readFailure, cancellationToken))
            {
                Log.CallUnreadable(logger, readFailure, repository);
                return (null, new PostReceiveCall(key, receivedAt, null, default));
            }
        }
        catch (Exception ex) when (ex is Azure.RequestFailedException or HttpRequestException or IOException || Storage.StorageFaults.IsUnavailable(ex, cancellationToken))
        {
            Log.ClaimFailed(logger, ex, repository);
            return (null, null);
        }
    }

    /// <summary>Keeps the answer for a retry; a failure only means a retry builds its messages again.</summary>
    private async Task SaveAnswerAsync(string repository, PostReceiveCall? call, PostReceiveOutcome outcome, CancellationToken cancellationToken)
    {
        if (call is null || call.ETag == default || !PostReceiveCalls.CanRemember(repository))
        {
            return;
        }

        try
        {
            await calls.SaveAnswerAsync(repository, call, outcome, cancellationToken);
        }
        catch (Exception ex) when (ex is Azure.RequestFailedException or HttpRequestException or IOException || Storage.StorageFaults.IsUnavailable(ex, cancellationToken))
        {
            Log.AnswerNotSaved(logger, ex, repository);
        }
    }

    private static void Observe(Task task) =>
        _ = task.ContinueWith(static read => read.Exception, CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted | TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);

    private async Task<bool> DecrementAsync(string glRepository, CancellationToken cancellationToken)
    {
        try
        {
            return await counter.DecrementAsync(glRepository, cancellationToken);
        }
        catch (Exception ex) when (ex is Azure.RequestFailedException or HttpRequestException or IOException || Storage.StorageFaults.IsUnavailable(ex, cancellationToken))
        {
            Log.CounterFailed(logger, ex, glRepository);
            return false;
        }
    }

    private async Task<IReadOnlyList<PostReceiveMessage>> MessagesAsync(Task<MessageReads> reads, string? glRepository, string changes, IReadOnlyList<string> pushOptions, CancellationToken cancellationToken)
    {
        try
        {
            return await BuildMessagesAsync(await reads, changes, pushOptions, cancellationToken);
        }
        catch (Exception ex) when (ex is Azure.RequestFailedException or HttpRequestException or IOException || Storage.StorageFaults.IsUnavailable(ex, cancellationToken))
        {
            Log.MessagesFailed(logger, ex, glRepository ?? "");
            return [];
        }
    }

    /// <summary>Splits very large pushes into several jobs so each fits in a queue message.</summary>
    /// <remarks>
    /// Job ids derive from the call's key, so a job sent again for the same call is the same job to the worker, whose
    /// writes are keyed on it.
    /// </remarks>
    private static IEnumerable<PostReceiveJob> Jobs(string glRepository, string? identifier, string changes, IReadOnlyList<string> pushOptions, DateTimeOffset receivedAt, string key)
    {
        var index = 0;
        var chunk = new StringBuilder();
        foreach (var line in changes.Split('\n'))
        {
            if (chunk.Length > 0 && Encoding.UTF8.GetByteCount(chunk.ToString()) + line.Length > MaxJobBytes)
            {
                yield return Job(chunk.ToString());
                chunk.Clear();
            }

            if (line.Trim().Length > 0)
            {
                chunk.Append(line.TrimEnd('\r')).Append('\n');
            }
        }

        yield return Job(chunk.ToString());

        PostReceiveJob Job(string lines) => new()
        {
            JobId = $"{key[..32]}{(index++).ToString("D2", CultureInfo.InvariantCulture)}",
            GlRepository = glRepository,
            Identifier = identifier,
            Changes = lines,
            PushOptions = pushOptions,
            ReceivedAt = receivedAt,
        };
    }

    /// <summary>What the messages are built from; read before anything is written.</summary>
    private sealed record MessageReads(RepositoryTarget Target, Actor Actor, IReadOnlyList<BroadcastMessage> Broadcasts);

    /// <summary>The repository, the pusher and the banners: independent reads, one round trip for the three.</summary>
    private async Task<MessageReads> ReadAsync(string? glRepository, string? identifier, CancellationToken cancellationToken)
    {
        var targetRead = repositories.ResolveAsync(null, glRepository, cancellationToken);
        var actorRead = actors.ResolveAsync(new ActorQuery(Identifier: identifier), cancellationToken);
        var broadcastsRead = broadcasts.GetBroadcastMessagesAsync(cancellationToken);
        await Task.WhenAll(targetRead, actorRead, broadcastsRead);
        return new(await targetRead, await actorRead, await broadcastsRead);
    }

    private async Task<IReadOnlyList<PostReceiveMessage>> BuildMessagesAsync(MessageReads reads, string changes, IReadOnlyList<string> pushOptions, CancellationToken cancellationToken)
    {
        var (target, actor) = (reads.Target, reads.Actor);
        var refChanges = RefChange.Parse(changes).Changes;
        var alerts = new List<PostReceiveMessage>();
        var basic = new List<PostReceiveMessage>();

        // GitLab runs the merge-request push-option handler before it builds the links, so a merge request
        // created here is already the one the link points to.
        var openMergeRequests = new Dictionary<string, MergeRequest>(StringComparer.Ordinal);
        string? pushOptionError = null;
        var mrOptions = pushOptions.Where(o => o.StartsWith("merge_request.", StringComparison.Ordinal)).ToList();
        if (mrOptions.Count > 0 && target.Type != RepositoryType.Project)
        {
            pushOptionError = "Push options are only supported for projects";
        }
        else if (target is { Type: RepositoryType.Project, Project: { } mrProject } && PushOptions.Parse(pushOptions) is { CreateMergeRequest: true } parsed)
        {
            pushOptionError = await CreateMergeRequestsAsync(mrProject, actor, refChanges, parsed, openMergeRequests, cancellationToken);
        }

        // Alerts are each put in front, so the final order is broadcast, then push-option warnings.
        if (pushOptionError is not null)
        {
            alerts.Insert(0, new($"WARNINGS:\nError encountered with push options {string.Join(' ', pushOptions.Select(o => $"'{o}'"))}: {pushOptionError}", "alert"));
        }

        if (Broadcast(reads.Broadcasts, target.Project) is { } banner)
        {
            alerts.Insert(0, new(banner, "alert"));
        }

        if (target is { Type: RepositoryType.Project, Project: { } project } && project.PrintMergeRequestLink && project.MergeRequestsEnabled && !project.IsEmpty)
        {
            var branches = refChanges.Where(c => c.IsBranch && !c.IsDelete && c.Name != project.DefaultBranch).Select(c => c.Name).ToList();
            await AddOpenMergeRequestsAsync(project, branches, openMergeRequests, cancellationToken);
            var projectUrl = $"{gitlab.Value.ExternalUrl.ToString().TrimEnd('/')}/{project.FullPath}";
            foreach (var branch in branches)
            {
                basic.Add(openMergeRequests.TryGetValue(branch, out var mergeRequest)
                    ? new($"View merge request for {branch}:\n  {projectUrl}/-/merge_requests/{mergeRequest.Iid.ToString(CultureInfo.InvariantCulture)}", "basic")
                    : new($"To create a merge request for {branch}, visit:\n  {projectUrl}/-/merge_requests/new?merge_request%5Bsource_branch%5D={Uri.EscapeDataString(branch)}", "basic"));
            }
        }

        if (actor.User is { } user && target.GlRepository is { } repository)
        {
            // Both taken at once, shown in this order.
            var stored = await Task.WhenAll(
                messages.TakeMessageAsync(MessageStore.MovedMessageKey(user.Id, repository), cancellationToken),
                messages.TakeMessageAsync(MessageStore.CreatedMessageKey(user.Id, repository), cancellationToken));
            basic.AddRange(stored.Where(text => text is { Length: > 0 }).Select(text => new PostReceiveMessage(text!, "basic")));
        }

        return [.. alerts.Where(m => m.Message.Length > 0), .. basic];
    }

    /// <summary>
    /// GitLab's push-option handler, for <c>merge_request.create</c>: a merge request per pushed branch (not a
    /// tag, deletion, the default or the target branch) that has no open one yet. Runs after the job is
    /// enqueued, so it must not fail the request: a storage error for a branch is logged and that branch keeps
    /// the generic link; a retried <c>post_receive</c> finds the open merge request and creates none.
    /// Answers the handler's error, if any, for the push-option warning.
    /// </summary>
    private async Task<string?> CreateMergeRequestsAsync(Project project, Actor actor, IReadOnlyList<RefChange> changes, PushOptions options, Dictionary<string, MergeRequest> open, CancellationToken cancellationToken)
    {
        // Only a user push has an author: a deploy key (or an unknown identifier) creates nothing and keeps the
        // generic link.
        var targetBranch = options.Target is { Length: > 0 } t ? t : project.DefaultBranch;
        if (!project.MergeRequestsEnabled || actor is not { Kind: ActorKind.User, User: { } author } || targetBranch is null)
        {
            return null;
        }

        var branches = changes.Where(c => c.IsBranch && !c.IsDelete && c.Name != project.DefaultBranch).Select(c => c.Name).Distinct(StringComparer.Ordinal).ToList();
        if (branches.Count > MaxMergeRequestBranches)
        {
            // GitLab refuses the whole push's options rather than creating a first few.
            return $"Too many branches pushed ({branches.Count.ToString(CultureInfo.InvariantCulture)} were pushed, limit is {MaxMergeRequestBranches.ToString(CultureInfo.InvariantCulture)})";
        }

        // The source branch cannot be its own target.
        foreach (var branch in branches.Where(b => b != targetBranch))
        {
            // The option's literal "\n" stands for a line break, as in GitLab.
            var request = new NewMergeRequest(project.Id, branch, targetBranch, options.Title is { Length: > 0 } title ? title : branch, options.Description?.Replace("\\n", "\n", StringComparison.Ordinal), author.Id);
            try
            {
                var (mergeRequest, created) = await mergeRequests.OpenAsync(request, cancellationToken);
                open[branch] = mergeRequest;
                if (created)
                {
                    Log.MergeRequestCreated(logger, project.Id, mergeRequest.Iid, branch);
                }
            }
            catch (Exception ex) when (ex is Azure.RequestFailedException or HttpRequestException or IOException || Storage.StorageFaults.IsUnavailable(ex, cancellationToken))
            {
                Log.MergeRequestFailed(logger, ex, project.Id, branch);
            }
        }

        return null;
    }

    /// <summary>Adds the open merge requests of branches not looked at yet; on a storage error they keep the generic link.</summary>
    private async Task AddOpenMergeRequestsAsync(Project project, IReadOnlyList<string> branches, Dictionary<string, MergeRequest> open, CancellationToken cancellationToken)
    {
        var missing = branches.Where(b => !open.ContainsKey(b)).Distinct(StringComparer.Ordinal).ToList();
        try
        {
            foreach (var (branch, mergeRequest) in await mergeRequests.FindOpenAsync(project.Id, missing, cancellationToken))
            {
                open[branch] = mergeRequest;
            }
        }
        catch (Exception ex) when (ex is Azure.RequestFailedException or HttpRequestException or IOException || Storage.StorageFaults.IsUnavailable(ex, cancellationToken))
        {
            Log.OpenMergeRequestsFailed(logger, ex, project.Id);
        }
    }

    /// <summary>The newest current command-line banner; one targeted at a matching project path wins over a global one.</summary>
    private string? Broadcast(IReadOnlyList<BroadcastMessage> messages, Project? project)
    {
        var now = time.GetUtcNow();
        var current = messages.Where(m => m.ShowOnCommandLine && m.IsCurrent(now) && m.Message.Length > 0).ToList();
        var targeted = current.Where(m => m.TargetPath is { Length: > 0 } path && project is not null && new ProtectedRef { ProjectId = 0, Kind = RefKind.Branch, Pattern = path.Trim('/') }.Matches(project.FullPath));
        var global = current.Where(m => string.IsNullOrEmpty(m.TargetPath));
        return (targeted.MaxBy(m => m.Id) ?? global.MaxBy(m => m.Id))?.Message;
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 4002, Level = LogLevel.Information, Message = "Created merge request !{Iid} of project {ProjectId} from branch {SourceBranch}")]
        public static partial void MergeRequestCreated(ILogger logger, long projectId, long iid, string sourceBranch);

        [LoggerMessage(EventId = 4003, Level = LogLevel.Warning, Message = "Could not create the merge request of project {ProjectId} from branch {SourceBranch}; answering the generic link")]
        public static partial void MergeRequestFailed(ILogger logger, Exception exception, long projectId, string sourceBranch);

        [LoggerMessage(EventId = 4004, Level = LogLevel.Warning, Message = "Could not read the open merge requests of project {ProjectId}; answering generic links")]
        public static partial void OpenMergeRequestsFailed(ILogger logger, Exception exception, long projectId);

        [LoggerMessage(EventId = 4000, Level = LogLevel.Error, Message = "Could not decrement the reference counter of {GlRepository}")]
        public static partial void CounterFailed(ILogger logger, Exception exception, string glRepository);

        [LoggerMessage(EventId = 4001, Level = LogLevel.Warning, Message = "Could not build post-receive messages for {GlRepository}")]
        public static partial void MessagesFailed(ILogger logger, Exception exception, string glRepository);

        [LoggerMessage(EventId = 4005, Level = LogLevel.Information, Message = "Retried post_receive for {GlRepository}: answered as the first time, nothing done again")]
        public static partial void RetryAnswered(ILogger logger, string glRepository);

        [LoggerMessage(EventId = 4006, Level = LogLevel.Information, Message = "Retried post_receive for {GlRepository} whose first attempt was not answered: not enqueued or decremented again")]
        public static partial void RetryResumed(ILogger logger, string glRepository);

        [LoggerMessage(EventId = 4007, Level = LogLevel.Information, Message = "Concurrent identical post_receive for {GlRepository}: the other attempt decrements")]
        public static partial void RetryRaced(ILogger logger, string glRepository);

        [LoggerMessage(EventId = 4008, Level = LogLevel.Warning, Message = "Could not read the earlier post_receive calls of {GlRepository}; taking this one as new")]
        public static partial void CallUnreadable(ILogger logger, Exception exception, string glRepository);

        [LoggerMessage(EventId = 4009, Level = LogLevel.Error, Message = "Could not record the post_receive call of {GlRepository}; not decrementing, so that a retry cannot decrement twice")]
        public static partial void ClaimFailed(ILogger logger, Exception exception, string glRepository);

        [LoggerMessage(EventId = 4010, Level = LogLevel.Warning, Message = "Could not keep the post_receive answer of {GlRepository}; a retry builds its messages again")]
        public static partial void AnswerNotSaved(ILogger logger, Exception exception, string glRepository);
    }
}
