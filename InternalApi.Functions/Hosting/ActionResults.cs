using Microsoft.AspNetCore.Mvc;

namespace InternalApi.Functions.Hosting;

/// <summary>
/// Lets functions build their answers with <see cref="TypedResults"/> (source-generated JSON, exact status
/// codes) while returning the <see cref="IActionResult"/> the worker's ASP.NET Core integration executes.
/// </summary>
public static class ActionResults
{
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
        return result.ExecuteResultAsync(new ActionContext(context, context.GetRouteData(), new Microsoft.AspNetCore.Mvc.Abstractions.ActionDescriptor()));
    }

    private sealed class HttpResultAction(IResult result) : IActionResult
    {
        public Task ExecuteResultAsync(ActionContext context) => result.ExecuteAsync(context.HttpContext);
    }
}
