using InternalApi.Functions.Hosting;
using InternalApi.Functions.OpenApi;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;

namespace InternalApi.Functions.Functions;

/// <summary>
/// Every path under the route prefix that no other function serves (a catch-all route, which every host matches last):
/// GitLab's JSON <c>404 Not Found</c>, or <c>405 Not Allowed</c> when the path is served with other methods. The
/// worker's own answer, so that a caller gets GitLab's body under any Functions host, not the host's empty 404.
/// </summary>
public sealed class RouteNotFound(KnownRoutes routes)
{
    /// <summary>404 or 405, as Grape answers them.</summary>
    [Function(nameof(RouteNotFound))]
    [FunctionAuth(FunctionAuth.Anonymous)]
    public IActionResult Run(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", "post", "put", "patch", "delete", Route = "{*path}")] HttpRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        return routes.ServedWithOtherMethods(request.Path, request.Method)
            ? ApiErrorException.WithError(StatusCodes.Status405MethodNotAllowed, "405 Not Allowed").ToResult()
            : ApiErrorException.WithError(StatusCodes.Status404NotFound, "404 Not Found").ToResult();
    }
}
