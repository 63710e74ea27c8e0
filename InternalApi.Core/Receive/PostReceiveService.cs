using System.Text;
using System.Text.Json;
using InternalApi.Core.Access;
using InternalApi.Core.Data;
using InternalApi.Core.Git;
using InternalApi.Core.Model;
using Azure.Storage.Queues;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace InternalApi.Core.Receive;

/// <summary>A message printed to the pusher: <c>alert</c> (banner) or <c>basic</c> (verbatim).</summary>
public sealed record PostReceiveMessage(string Message, string Type);

/// <summary>The <c>/post_receive</c> answer.</summary>
public sealed record PostReceiveOutcome(IReadOnlyList<PostReceiveMessage> Messages, bool ReferenceCounterDecreased);

/// <summary>
/// <c>/post_receive</c> (spec §3.8.2). Order matters for retries: the job is enqueued first (a failure
/// there has changed nothing, so the caller may safely retry); only then is the counter decremented
/// and are the stored messages consumed, and from that point nothing fails the request any more.
/// </summary>
public sealed partial class PostReceiveService(
    GitLabStore store,
    ReferenceCounter counter,
    RepositoryResolver repositories,
    ActorResolver actors,
    QueueServiceClient queues,
    IOptions<GitLabOptions> gitlab,
    TimeProvider time,
    ILogger<PostReceiveService> logger)
{
    /// <summary>The queue the worker reads.</summary>
    public const string QueueName = "post-receive";

    /// <summary>Raw job size per message; the queue takes 64 KiB of base64 text (48 KiB raw).</summary>
    private const int MaxJobBytes = 40 * 1024;

    private readonly QueueClient _queue = queues.GetQueueClient(QueueName);

    /// <summary>Runs the hook.</summary>
    public async Task<PostReceiveOutcome> HandleAsync(string? glRepository, string? identifier, string? changes, IReadOnlyList<string> pushOptions, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(pushOptions);
        var receivedAt = time.GetUtcNow();
        foreach (var job in Jobs(glRepository ?? "", identifier, changes ?? "", pushOptions, receivedAt))
        {
            await _queue.SendMessageAsync(BinaryData.FromBytes(JsonSerializer.SerializeToUtf8Bytes(job, ReceiveJsonContext.Default.PostReceiveJob)), cancellationToken: cancellationToken);
        }

        bool decreased;
        try
        {
            decreased = await counter.DecrementAsync(glRepository ?? "", cancellationToken);
        }
        catch (Exception ex) when (ex is Azure.RequestFailedException or HttpRequestException or IOException)
        {
            Log.CounterFailed(logger, ex, glRepository ?? "");
            decreased = false;
        }

        IReadOnlyList<PostReceiveMessage> messages;
        try
        {
            messages = await BuildMessagesAsync(glRepository, identifier, changes ?? "", pushOptions, cancellationToken);
        }
        catch (Exception ex) when (ex is Azure.RequestFailedException or HttpRequestException or IOException)
        {
            Log.MessagesFailed(logger, ex, glRepository ?? "");
            messages = [];
        }

        return new PostReceiveOutcome(messages, decreased);
    }

    /// <summary>Splits very large pushes into several jobs so each fits in a queue message.</summary>
    private static IEnumerable<PostReceiveJob> Jobs(string glRepository, string? identifier, string changes, IReadOnlyList<string> pushOptions, DateTimeOffset receivedAt)
    {
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
            JobId = Guid.NewGuid().ToString("N"),
            GlRepository = glRepository,
            Identifier = identifier,
            Changes = lines,
            PushOptions = pushOptions,
            ReceivedAt = receivedAt,
        };
    }

    private async Task<IReadOnlyList<PostReceiveMessage>> BuildMessagesAsync(string? glRepository, string? identifier, string changes, IReadOnlyList<string> pushOptions, CancellationToken cancellationToken)
    {
        var options = gitlab.Value;
        var target = await repositories.ResolveAsync(null, glRepository, cancellationToken);
        var alerts = new List<PostReceiveMessage>();
        var basic = new List<PostReceiveMessage>();

        // Alerts are each put in front, so the final order is broadcast, then push-option warnings.
        var mrOptions = pushOptions.Where(o => o.StartsWith("merge_request.", StringComparison.Ordinal)).ToList();
        if (mrOptions.Count > 0 && target.Type != RepositoryType.Project)
        {
            alerts.Insert(0, new($"WARNINGS:\nError encountered with push options {string.Join(' ', mrOptions.Select(o => $"'{o}'"))}: Push options are only supported for projects", "alert"));
        }

        if (await BroadcastAsync(target.Project, cancellationToken) is { } banner)
        {
            alerts.Insert(0, new(banner, "alert"));
        }

        if (target is { Type: RepositoryType.Project, Project: { } project } && project.PrintMergeRequestLink && project.MergeRequestsEnabled && !project.IsEmpty)
        {
            foreach (var change in RefChange.Parse(changes).Changes.Where(c => c.IsBranch && !c.IsDelete && c.Name != project.DefaultBranch))
            {
                var url = $"{options.ExternalUrl.ToString().TrimEnd('/')}/{project.FullPath}/-/merge_requests/new?merge_request%5Bsource_branch%5D={Uri.EscapeDataString(change.Name)}";
                basic.Add(new($"To create a merge request for {change.Name}, visit:\n  {url}", "basic"));
            }
        }

        var actor = await actors.ResolveAsync(new ActorQuery(Identifier: identifier), cancellationToken);
        if (actor.User is { } user && target.GlRepository is { } repository)
        {
            foreach (var key in new[] { GitLabStore.MovedMessageKey(user.Id, repository), GitLabStore.CreatedMessageKey(user.Id, repository) })
            {
                if (await store.TakeMessageAsync(key, cancellationToken) is { Length: > 0 } text)
                {
                    basic.Add(new(text, "basic"));
                }
            }
        }

        return [.. alerts.Where(m => m.Message.Length > 0), .. basic];
    }

    /// <summary>The newest current command-line banner; one targeted at a matching project path wins over a global one.</summary>
    private async Task<string?> BroadcastAsync(Project? project, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var current = (await store.GetBroadcastMessagesAsync(cancellationToken)).Where(m => m.ShowOnCommandLine && m.IsCurrent(now) && m.Message.Length > 0).ToList();
        var targeted = current.Where(m => m.TargetPath is { Length: > 0 } path && project is not null && new ProtectedRef { ProjectId = 0, Kind = RefKind.Branch, Pattern = path.Trim('/') }.Matches(project.FullPath));
        var global = current.Where(m => string.IsNullOrEmpty(m.TargetPath));
        return (targeted.MaxBy(m => m.Id) ?? global.MaxBy(m => m.Id))?.Message;
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 4000, Level = LogLevel.Error, Message = "Could not decrement the reference counter of {GlRepository}")]
        public static partial void CounterFailed(ILogger logger, Exception exception, string glRepository);

        [LoggerMessage(EventId = 4001, Level = LogLevel.Warning, Message = "Could not build post-receive messages for {GlRepository}")]
        public static partial void MessagesFailed(ILogger logger, Exception exception, string glRepository);
    }
}
