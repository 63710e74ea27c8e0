using InternalApi.Core.Access;
using InternalApi.Functions.Hosting;
using Microsoft.AspNetCore.Http.HttpResults;

namespace InternalApi.Functions.Functions.Shell;

/// <summary>
/// <c>GET /api/v4/internal/discover</c> (spec §3.4): who is behind a key id, user id or username, for
/// gitlab-shell's welcome message and before its 2FA/token commands.
/// </summary>
public static class Discover
{
    /// <summary>Declaration.</summary>
    public static HttpFunction Function { get; } = new("Discover", ["GET"], "v4/internal/discover", FunctionAuth.ShellJwt, HandleAsync);

    /// <summary>
    /// Always 200: <c>{"id","username","name"}</c>, or the 4-byte body <c>null</c> when nobody is found
    /// (gitlab-shell then greets "Anonymous"). A deploy key answers its creator, or <c>null</c> once gone.
    /// </summary>
    public static async Task<Results<JsonHttpResult<DiscoverResponse>, ContentHttpResult>> HandleAsync(
        HttpContext context, ActorResolver actors, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(actors);
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
