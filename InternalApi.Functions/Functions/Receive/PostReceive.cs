using InternalApi.Core.Receive;
using InternalApi.Functions.Hosting;

namespace InternalApi.Functions.Functions.Receive;

/// <summary>
/// Queue <c>post-receive</c>: processes the job <c>/post_receive</c> enqueued (push events, ref heads, default
/// branch, activity, merge-request push options). A body that is not a job, or a job for an unknown
/// repository, fails the invocation every time and so ends in <c>post-receive-poison</c>.
/// </summary>
public static class PostReceive
{
    /// <summary>The queue.</summary>
    public const string QueueName = PostReceiveService.QueueName;

    /// <summary>Declaration.</summary>
    public static QueueFunction Function { get; } = new("PostReceive", QueueName, "AzureWebJobsStorage", HandleAsync);

    /// <summary>Decodes the job and processes it.</summary>
    public static async Task HandleAsync(QueueTrigger trigger, IServiceProvider services, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(trigger);
        ArgumentNullException.ThrowIfNull(services);
        var job = trigger.ReadJson(ReceiveJsonContext.Default.PostReceiveJob);
        if (string.IsNullOrEmpty(job.JobId))
        {
            throw new InvalidDataException("The post-receive message has no job id.");
        }

        await services.GetRequiredService<PostReceiveProcessor>().ProcessAsync(job, cancellationToken);
    }
}
