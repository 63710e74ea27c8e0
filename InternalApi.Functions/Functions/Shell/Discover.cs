using InternalApi.Core.Access;
using InternalApi.Core.Identity;
using InternalApi.Functions.Hosting;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;

namespace InternalApi.Functions.Functions.Shell;

/// <summary>
/// <c>GET /api/v4/internal/discover</c> (spec §3.4): who is behind a key id, user id or username, for
/// gitlab-shell's welcome message and before its 2FA/token commands.
/// </summary>
public sealed class Discover(ActorResolver actors)
{
    /// <summary>The HTTP trigger; auth is checked before this runs.</summary>
    [Function(nameof(Discover))]
    [FunctionAuth(FunctionAuth.ShellJwt)]
    public async Task<IActionResult> RunAsync(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "v4/internal/discover")] HttpRequest request,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        return (await HandleAsync(request.HttpContext, cancellationToken)).AsAction();
    }

    /// <summary>
    /// Always 200: <c>{"id","username","name"}</c>, or the 4-byte body <c>null</c> when nobody is found
    /// (gitlab-shell then greets "Anonymous"). A deploy key answers its creator, or <c>null</c> once gone.
    /// </summary>
    private async Task<Results<JsonHttpResult<DiscoverResponse>, ContentHttpResult>> HandleAsync(HttpContext context, CancellationToken cancellationToken)
    {
        var request = await RequestBinder.BindAsync(context, ShellJsonContext.Default.ShellActorRequest);
        var actor = await actors.ResolveAsync(new ActorQuery(request.KeyId, request.UserId, request.Identifier, request.Username), cancellationToken);
        if (actor.User is not { } user)
        {
            // A JSON result with a null value writes no body at all; GitLab writes the literal null.
            return TypedResults.Text("null", "application/json");
        }

        return TypedResults.Json(new DiscoverResponse(user.Id, user.Username, user.Name), ShellJsonContext.Wire.DiscoverResponse);
    }
}
