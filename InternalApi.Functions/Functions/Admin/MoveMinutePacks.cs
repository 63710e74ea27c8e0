using System.Text.Json;
using System.Text.Json.Nodes;
using Azure.Storage.Queues;
using InternalApi.Core.Subscriptions;
using InternalApi.Functions.Hosting;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;

namespace InternalApi.Functions.Functions.Admin;

/// <summary>
/// <c>PATCH /api/v4/namespaces/:id/minutes/move/:target_id</c> (spec §5.11): checks both namespaces (found,
/// top-level, a common owner), then hands the move to the <c>minutes-move</c> queue and answers 202
/// <c>{"message":"202 Accepted"}</c>; the packs show under the target once the queue function has run.
/// </summary>
[LegacyEndpoint("Deprecated by GitLab: use PATCH /api/v4/internal/gitlab_subscriptions/namespaces/:id/minutes/move/:target_id (same behaviour, CustomersDot JWT).")]
public sealed class MoveMinutePacks(MinutePackService packs, QueueServiceClient queues)
{
    private readonly QueueClient _queue = queues.GetQueueClient(MinutePackService.MoveQueueName);

    /// <summary>The HTTP trigger; the admin token is checked before this runs.</summary>
    [Function(nameof(MoveMinutePacks))]
    [FunctionAuth(FunctionAuth.AdminToken)]
    public Task<IActionResult> RunAsync(
        [HttpTrigger(AuthorizationLevel.Anonymous, "patch", Route = "v4/namespaces/{id}/minutes/move/{targetId}")] HttpRequest request,
        string id,
        string targetId,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        return AnswerAsync(packs, _queue, id, targetId, cancellationToken);
    }

    /// <summary>The answer of both front doors (this deprecated route and CustomersDot's internal one).</summary>
    internal static Task<IActionResult> AnswerAsync(MinutePackService packs, QueueClient queue, string id, string targetId, CancellationToken cancellationToken) =>
        AdminJson.AnswerAsync(async () =>
        {
            var move = await packs.ValidateMoveAsync(id, targetId, cancellationToken);
            await queue.SendMessageAsync(BinaryData.FromBytes(JsonSerializer.SerializeToUtf8Bytes(move, AdminJsonContext.Default.MinutesMoveMessage)), cancellationToken: cancellationToken);
            return HttpFunctionPipeline.Json(StatusCodes.Status202Accepted, new JsonObject { ["message"] = "202 Accepted" });
        });
}
