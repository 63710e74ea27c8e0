using InternalApi.Core.Subscriptions;
using InternalApi.Functions.Hosting;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;

namespace InternalApi.Functions.Functions.Admin;

/// <summary>
/// <c>POST /api/v4/namespaces/:id/minutes</c> (spec §5.10): adds compute minute packs, all or nothing. A pack whose
/// <c>purchase_xid</c> the namespace already has is answered as stored and never counted twice. 201 with every pack,
/// in request order.
/// </summary>
[LegacyEndpoint("Deprecated by GitLab: use POST /api/v4/internal/gitlab_subscriptions/namespaces/:id/minutes (same behaviour, CustomersDot JWT).")]
public sealed class CreateMinutePacks(MinutePackService packs, NamespaceFinder namespaces)
{
    /// <summary>The HTTP trigger; the admin token is checked before this runs (a <c>before</c> hook in GitLab).</summary>
    [Function(nameof(CreateMinutePacks))]
    [FunctionAuth(FunctionAuth.AdminToken)]
    public Task<IActionResult> RunAsync(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "v4/namespaces/{id}/minutes")] HttpRequest request,
        string id,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        return AnswerAsync(packs, namespaces, request, id, cancellationToken);
    }

    /// <summary>The answer of both front doors (this deprecated route and CustomersDot's internal one).</summary>
    internal static Task<IActionResult> AnswerAsync(MinutePackService packs, NamespaceFinder namespaces, HttpRequest request, string id, CancellationToken cancellationToken) =>
        AdminJson.AnswerAsync(async () =>
        {
            var requested = SubscriptionParameters.Packs(await RequestBinder.ParametersAsync(request.HttpContext));
            var ns = await namespaces.RequireAsync(id, cancellationToken);
            var saved = await packs.AddAsync(ns, requested, cancellationToken);
            IReadOnlyList<MinutePackResponse> body = [.. saved.Select(p => new MinutePackResponse(p.NamespaceId, AdminJson.Date(p.ExpiresAt)!, p.NumberOfMinutes, p.PurchaseXid))];
            return TypedResults.Json(body, AdminJsonContext.Wire.IReadOnlyListMinutePackResponse, statusCode: StatusCodes.Status201Created).AsAction();
        });
}
