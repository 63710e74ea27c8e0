using Azure.Storage.Queues;
using InternalApi.Core.Subscriptions;
using InternalApi.Functions.Functions.Admin;
using InternalApi.Functions.Hosting;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;

namespace InternalApi.Functions.Functions.CustomersDot;

/// <summary>
/// <c>PATCH /api/v4/internal/gitlab_subscriptions/namespaces/:id/minutes/move/:target_id</c>: the deprecated move's
/// checks, then the same <c>minutes-move</c> queue (the <c>MinutesMove</c> function moves the packs); 202
/// <c>{"message":"202 Accepted"}</c>.
/// </summary>
public sealed class MoveInternalMinutePacks(MinutePackService packs, QueueServiceClient queues)
{
    private readonly QueueClient _queue = queues.GetQueueClient(MinutePackService.MoveQueueName);

    /// <summary>The HTTP trigger; the CustomersDot token (or an admin token) is checked before this runs.</summary>
    [Function(nameof(MoveInternalMinutePacks))]
    [FunctionAuth(FunctionAuth.CustomersDotToken)]
    public Task<IActionResult> RunAsync(
        [HttpTrigger(AuthorizationLevel.Anonymous, "patch", Route = "v4/internal/gitlab_subscriptions/namespaces/{id}/minutes/move/{targetId}")] HttpRequest request,
        string id,
        string targetId,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        return MoveMinutePacks.AnswerAsync(packs, _queue, id, targetId, cancellationToken);
    }
}
