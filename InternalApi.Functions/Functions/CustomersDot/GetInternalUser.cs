using InternalApi.Core;
using InternalApi.Core.Data;
using InternalApi.Core.Subscriptions;
using InternalApi.Functions.Functions.Admin;
using InternalApi.Functions.Hosting;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.Options;

namespace InternalApi.Functions.Functions.CustomersDot;

/// <summary>
/// <c>GET /api/v4/internal/gitlab_subscriptions/users/:id</c>: <c>id</c>, <c>username</c>, <c>name</c>, <c>web_url</c>;
/// an id that is no integer is 400 <c>{"error":"id is invalid"}</c>, an unknown one 404 <c>404 User Not Found</c>.
/// </summary>
public sealed class GetInternalUser(UserStore users, IOptions<GitLabOptions> settings)
{
    /// <summary>The HTTP trigger; the CustomersDot token (or an admin token) is checked before this runs.</summary>
    [Function(nameof(GetInternalUser))]
    [FunctionAuth(FunctionAuth.CustomersDotToken)]
    public Task<IActionResult> RunAsync(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "v4/internal/gitlab_subscriptions/users/{id}")] HttpRequest request,
        string id,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        return AdminJson.AnswerAsync(async () =>
        {
            var p = RequestBinder.RouteParameters(request.HttpContext, ("id", id));
            var userId = p.WholeNumber("id", required: true);
            p.ThrowIfAny();
            var user = await users.GetUserAsync(userId!.Value, cancellationToken) ?? throw SubscriptionException.NotFound("User");
            return TypedResults.Json(new InternalUserResponse(user.Id, user.Username, user.Name, CustomersDotJson.UserUrl(settings.Value, user)), CustomersDotJsonContext.Wire.InternalUserResponse).AsAction();
        });
    }
}
