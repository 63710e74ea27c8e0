using Microsoft.Azure.Functions.Worker;
using Microsoft.Azure.Functions.Worker.Middleware;

namespace InternalApi.Functions.Hosting;

/// <summary>
/// Under the Functions host: runs each HTTP invocation through <see cref="HttpFunctionPipeline"/> (auth, JSON
/// errors) and leaves the answer as the invocation result, which the ASP.NET Core integration executes.
/// Queue invocations pass straight through (inside their <see cref="InvocationScope"/>: message id and dequeue
/// count), so their exceptions reach the host's retry and poison handling.
/// </summary>
public sealed class WorkerHttpMiddleware(HttpFunctionPipeline pipeline, StorageGate storage, ILogger<WorkerHttpMiddleware> logger) : IFunctionsWorkerMiddleware
{
    /// <inheritdoc/>
    public async Task Invoke(FunctionContext context, FunctionExecutionDelegate next)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(next);
        if (context.GetHttpContext() is not { } http)
        {
            // Program checks tables and queues while the worker connects to the host: no function meets a missing
            // one (HTTP invocations wait in the pipeline, where a failed check is answered as JSON).
            await storage.Ready.WaitAsync(context.CancellationToken);
            var data = context.BindingContext.BindingData;
            using var scope = InvocationScope.Queue(
                logger,
                context.FunctionDefinition.Name,
                context.InvocationId,
                data.TryGetValue("Id", out var id) ? id?.ToString() : null,
                data.TryGetValue("DequeueCount", out var count) && long.TryParse(count?.ToString(), System.Globalization.CultureInfo.InvariantCulture, out var n) ? n : null);
            try
            {
                await next(context);
            }
            catch (Exception ex)
            {
                scope.Failed(ex);
                throw;
            }

            return;
        }

        var function = FunctionEntryPoints.Resolve(context.FunctionDefinition);
        var result = await pipeline.RunAsync(http, function, async () =>
        {
            await next(context);
            return context.GetInvocationResult().Value as Microsoft.AspNetCore.Mvc.IActionResult;
        }, context.InvocationId);
        context.GetInvocationResult().Value = result;
    }
}
