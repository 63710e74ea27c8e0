using InternalApi.Core.Subscriptions;
using InternalApi.Functions.Functions.Admin;
using InternalApi.Functions.Hosting;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;

namespace InternalApi.Functions.Functions.CustomersDot;

/// <summary>
/// <c>POST /api/v4/internal/gitlab_subscriptions/namespaces/:id/minutes</c>: the deprecated <c>POST /namespaces/:id/minutes</c>
/// (all or nothing; a known <c>purchase_xid</c> is answered as stored); 201 with every pack.
/// </summary>
public sealed class CreateInternalMinutePacks(MinutePackService packs, NamespaceFinder namespaces)
{
    /// <summary>The HTTP trigger; the CustomersDot token (or an admin token) is checked before this runs.</summary>
    [Function(nameof(CreateInternalMinutePacks))]
    [FunctionAuth(FunctionAuth.CustomersDotToken)]
    public Task<IActionResult> RunAsync(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "v4/internal/gitlab_subscriptions/namespaces/{id}/minutes")] HttpRequest request,
        string id,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        return CreateMinutePacks.AnswerAsync(packs, namespaces, request, id, cancellationToken);
    }
}
