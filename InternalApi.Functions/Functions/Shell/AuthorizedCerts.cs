using InternalApi.Core.Shell;
using InternalApi.Functions.Hosting;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;

namespace InternalApi.Functions.Functions.Shell;

/// <summary>
/// <c>GET /api/v4/internal/authorized_certs?key=&lt;CA fingerprint&gt;&amp;user_identifier=&lt;key id&gt;</c>: gitlab-shell's
/// SSH certificate login (EE; called by gitlab-shell, not in the internal API doc). gitlab-shell sends the
/// signing CA's SHA-256 fingerprint and the certificate's key id, and logs the user in as the answer's username.
/// </summary>
public sealed class AuthorizedCerts(AuthorizedCertFinder finder)
{
    /// <summary>The HTTP trigger; auth is checked before this runs.</summary>
    [Function(nameof(AuthorizedCerts))]
    [FunctionAuth(FunctionAuth.ShellJwt)]
    public async Task<IActionResult> RunAsync(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "v4/internal/authorized_certs")] HttpRequest request,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        return (await HandleAsync(request.HttpContext, cancellationToken)).AsAction();
    }

    /// <summary>200 <c>{"success":true,"namespace","username"}</c>; 404/403 <c>{"message":...}</c> with GitLab's texts.</summary>
    private async Task<Results<JsonHttpResult<AuthorizedCertResponse>, JsonHttpResult<MessageError>>> HandleAsync(HttpContext context, CancellationToken cancellationToken)
    {
        var request = await RequestBinder.BindAsync(context, ShellExtrasJsonContext.Default.AuthorizedCertsRequest);
        var result = await finder.FindAsync(request.Key ?? "", request.UserIdentifier, cancellationToken);
        return result.Refusal switch
        {
            null => TypedResults.Json(new AuthorizedCertResponse(true, result.Namespace!, result.Username!), ShellExtrasJsonContext.Wire.AuthorizedCertResponse),
            AuthorizedCertRefusal.FeatureNotAvailable => TypedResults.Json(new MessageError(result.Message!), WireJsonContext.Wire.MessageError, statusCode: StatusCodes.Status403Forbidden),
            _ => TypedResults.Json(new MessageError(result.Message!), WireJsonContext.Wire.MessageError, statusCode: StatusCodes.Status404NotFound),
        };
    }
}
