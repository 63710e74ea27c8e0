using InternalApi.Functions.Hosting;

namespace InternalApi.Functions.Functions.Receive;

/// <summary>Queue <c>post-receive</c>: processes a push after Gitaly's post-receive hook.</summary>
public static class PostReceive
{
    /// <summary>The queue.</summary>
    public const string QueueName = "post-receive";

    /// <summary>Declaration.</summary>
    public static QueueFunction Function { get; } = new("PostReceive", QueueName, "AzureWebJobsStorage", HandleAsync);

    /// <summary>Not written yet.</summary>
    public static Task HandleAsync(QueueTrigger trigger, IServiceProvider services, CancellationToken cancellationToken) =>
        throw new NotSupportedException("PostReceive is not implemented yet.");
}
