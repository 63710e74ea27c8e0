using Azure.Storage.Queues.Models;
using InternalApi.Core.Receive;
using InternalApi.Functions.Hosting;
using Microsoft.Azure.Functions.Worker;

namespace InternalApi.Functions.Functions.Receive;

/// <summary>
/// Queue <c>post-receive</c>: processes the job <c>/post_receive</c> enqueued (push events, ref heads, default
/// branch, activity, merge-request push options). A body that is not a job, or a job for an unknown
/// repository, fails the invocation every time and so ends in <c>post-receive-poison</c>.
/// </summary>
public sealed class PostReceive(PostReceiveProcessor processor)
{
    /// <summary>Decodes the job and processes it.</summary>
    [Function(nameof(PostReceive))]
    public async Task RunAsync([QueueTrigger(PostReceiveService.QueueName, Connection = StorageConnection.Name)] QueueMessage message, CancellationToken cancellationToken)
    {
        var job = QueueMessages.ReadJson(message, PostReceiveService.QueueName, ReceiveJsonContext.Default.PostReceiveJob);
        if (string.IsNullOrEmpty(job.JobId))
        {
            throw new InvalidDataException("The post-receive message has no job id.");
        }

        await processor.ProcessAsync(job, cancellationToken);
    }
}
