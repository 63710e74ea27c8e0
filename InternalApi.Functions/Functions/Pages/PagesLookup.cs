using InternalApi.Core.Pages;
using InternalApi.Functions.Hosting;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;

namespace InternalApi.Functions.Functions.Pages;

/// <summary>
/// <c>GET /api/v4/internal/pages?host=</c>: what the Pages daemon serves at a host it has not cached: the sites'
/// prefixes and, for each, a short-lived read-only URL of its deployment's zip. 204 when nothing is served there (the
/// daemon's normal "unknown host", not an error); 400 <c>{"error":"host is missing"}</c> without the parameter.
/// </summary>
public sealed class PagesLookup(PagesHostFinder finder)
{
    /// <summary>The HTTP trigger; the Pages JWT is checked before this runs.</summary>
    [Function(nameof(PagesLookup))]
    [FunctionAuth(FunctionAuth.PagesJwt)]
    public async Task<IActionResult> RunAsync(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "v4/internal/pages")] HttpRequest request,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);

        var parameters = await RequestBinder.BindAsync(request.HttpContext, PagesJsonContext.Default.PagesLookupRequest);
        var domain = await finder.FindAsync(parameters.Host, cancellationToken);
        return domain is null
            ? TypedResults.NoContent().AsAction()
            : TypedResults.Json(domain, PagesJsonContext.Wire.PagesVirtualDomain).AsAction();
    }
}
