using Microsoft.Azure.Functions.Worker;
using Microsoft.Azure.Functions.Worker.Middleware;

namespace InternalApi.Functions.Hosting;

/// <summary>
/// Under the Functions host: runs each HTTP invocation through <see cref="HttpFunctionPipeline"/> (auth, JSON
/// errors) and leaves the answer as the invocation result, which the ASP.NET Core integration executes.
/// Queue invocations pass straight through, so their exceptions reach the host's retry and poison handling.
/// </summary>
public sealed class WorkerHttpMiddleware(HttpFunctionPipeline pipeline) : IFunctionsWorkerMiddleware
{
    /// <inheritdoc/>
    public async Task Invoke(FunctionContext context, FunctionExecutionDelegate next)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(next);
        if (context.GetHttpContext() is not { } http)
        {
            await next(context);
            return;
        }

        var function = FunctionEntryPoints.Resolve(context.FunctionDefinition.EntryPoint);
        var result = await pipeline.RunAsync(http, function, async () =>
        {
            await next(context);
            return context.GetInvocationResult().Value as Microsoft.AspNetCore.Mvc.IActionResult;
        });
        context.GetInvocationResult().Value = result;
    }
}
