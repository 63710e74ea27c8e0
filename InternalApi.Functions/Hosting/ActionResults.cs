using Microsoft.AspNetCore.Mvc;

namespace InternalApi.Functions.Hosting;

/// <summary>
/// Lets functions build their answers with <see cref="TypedResults"/> (source-generated JSON, exact status
/// codes) while returning the <see cref="IActionResult"/> the worker's ASP.NET Core integration executes.
/// </summary>
public static class ActionResults
{
    private static readonly Microsoft.AspNetCore.Mvc.Abstractions.ActionDescriptor NoAction = new();

    /// <summary>Wraps a minimal-API result.</summary>
    public static IActionResult AsAction(this IResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        return new HttpResultAction(result);
    }

    /// <summary>Executes an action result outside MVC (the local host and the shared error path).</summary>
    public static Task ExecuteAsync(this IActionResult result, HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(result);
        ArgumentNullException.ThrowIfNull(context);
        // Our own answers run as what they are; only another action result needs an MVC action context, which
        // gets one shared, never-changed descriptor (a new one draws a Guid for every request).
        return result is HttpResultAction own
            ? own.Result.ExecuteAsync(context)
            : result.ExecuteResultAsync(new ActionContext(context, context.GetRouteData(), NoAction));
    }

    private sealed class HttpResultAction(IResult result) : IActionResult
    {
        public IResult Result { get; } = result;

        public Task ExecuteResultAsync(ActionContext context) => Result.ExecuteAsync(context.HttpContext);
    }
}
