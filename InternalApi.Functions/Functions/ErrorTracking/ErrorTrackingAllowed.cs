using InternalApi.Core.Shell;
using InternalApi.Functions.Functions.Shell;
using InternalApi.Functions.Hosting;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;

namespace InternalApi.Functions.Functions.ErrorTracking;

/// <summary>
/// <c>POST /api/v4/internal/error_tracking/allowed</c> (spec §3.9): the error tracking ingestion service
/// asks whether a project's client key may send events. Authenticated by the instance's error tracking
/// access token (<c>Gitlab-Error-Tracking-Token</c> or <c>error_tracking_token</c>), not the shell JWT.
/// </summary>
public sealed class ErrorTrackingAllowed(ErrorTrackingAccess access)
{
    /// <summary>The header carrying the access token.</summary>
    public const string TokenHeader = "Gitlab-Error-Tracking-Token";


    /// <summary>The HTTP trigger; auth is checked before this runs.</summary>
    [Function(nameof(ErrorTrackingAllowed))]
    [FunctionAuth(FunctionAuth.Custom)]
    public async Task<IActionResult> RunAsync(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "v4/internal/error_tracking/allowed")] HttpRequest request,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        return (await HandleAsync(request.HttpContext, cancellationToken)).AsAction();
    }

    /// <summary>401, then 422 for blank parameters, 404 <c>404 Not found</c> for an unknown project, else 200 <c>{"enabled":bool}</c>.</summary>
    private async Task<Results<JsonHttpResult<ErrorTrackingAllowedResponse>, JsonHttpResult<MessageError>>> HandleAsync(HttpContext context, CancellationToken cancellationToken)
    {
        var header = context.Request.Headers.TryGetValue(TokenHeader, out var values) ? values.FirstOrDefault() : null;
        ErrorTrackingAllowedRequest request;
        try
        {
            request = await RequestBinder.BindAsync(context, ShellJsonContext.Default.ErrorTrackingAllowedRequest);
        }
        catch (ApiErrorException) when (!access.IsAuthorized(header))
        {
            // An unreadable body from a caller we cannot authenticate: it learns nothing but 401.
            return Unauthorized();
        }

        // The parameter wins over the header, as in GitLab.
        if (!access.IsAuthorized(request.ErrorTrackingToken ?? header))
        {
            return Unauthorized();
        }

        var decision = await access.CheckAsync(request.ProjectId, request.PublicKey, cancellationToken);
        return decision.Outcome switch
        {
            ErrorTrackingOutcome.Unprocessable => Message(StatusCodes.Status422UnprocessableEntity, "422 Unprocessable Entity"),

            // A record-not-found error in GitLab, hence the lower-case "found".
            ErrorTrackingOutcome.ProjectNotFound => Message(StatusCodes.Status404NotFound, "404 Not found"),
            _ => TypedResults.Json(new ErrorTrackingAllowedResponse(decision.Enabled), ShellJsonContext.Wire.ErrorTrackingAllowedResponse),
        };
    }

    private static JsonHttpResult<MessageError> Unauthorized() => Message(StatusCodes.Status401Unauthorized, "401 Unauthorized");

    private static JsonHttpResult<MessageError> Message(int status, string text) =>
        TypedResults.Json(new MessageError(text), WireJsonContext.Wire.MessageError, statusCode: status);
}
