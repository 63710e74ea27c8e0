using InternalApi.Core.Access;

namespace InternalApi.Functions.Functions.Git;

/// <summary>The status codes GitLab answers each kind of access denial with, on <c>/allowed</c> and the routes that share its check.</summary>
public static class AccessDenialStatus
{
    /// <summary>401, 404, 422 or 503, as GitLab's <c>lib/api/internal/base.rb</c> maps its access errors.</summary>
    public static int StatusCode(this AccessDenial kind) => kind switch
    {
        AccessDenial.Forbidden => StatusCodes.Status401Unauthorized,
        AccessDenial.NotFound => StatusCodes.Status404NotFound,
        AccessDenial.Unprocessable => StatusCodes.Status422UnprocessableEntity,
        AccessDenial.TimedOut => StatusCodes.Status503ServiceUnavailable,
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, null),
    };
}
