using System.Text.Json.Nodes;
using InternalApi.Functions.Hosting;

namespace InternalApi.Functions.LocalHost;

/// <summary>
/// The local host's outermost middleware: what routing answers without a function (unknown paths, wrong
/// methods) gets GitLab's E1 JSON bodies, and a failure outside any function (functions have
/// <see cref="HttpFunctionPipeline"/> for theirs) is a logged JSON 500, never an HTML page or a stack trace.
/// </summary>
public sealed partial class ErrorHandlingMiddleware(RequestDelegate next, ILogger<ErrorHandlingMiddleware> logger)
{
    /// <summary>Runs the pipeline and maps failures and empty error responses to JSON.</summary>
    public async Task InvokeAsync(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        try
        {
            await next(context);
        }
        catch (OperationCanceledException) when (context.RequestAborted.IsCancellationRequested)
        {
            // The caller went away; there is nobody to answer.
            return;
        }
        catch (Exception ex) when (!context.Response.HasStarted)
        {
            Log.Unhandled(logger, ex, context.Request.Method, context.Request.Path);
            await WriteAsync(context, StatusCodes.Status500InternalServerError, new JsonObject { ["message"] = "500 Internal Server Error" });
            return;
        }

        if (!context.Response.HasStarted && context.Response.ContentLength is null && string.IsNullOrEmpty(context.Response.ContentType))
        {
            var text = context.Response.StatusCode switch
            {
                404 => "404 Not Found",
                405 => "405 Not Allowed",
                413 => "413 Request Entity Too Large",
                415 => "415 Unsupported Media Type",
                _ => null,
            };
            if (text is not null)
            {
                await WriteAsync(context, context.Response.StatusCode, new JsonObject { ["error"] = text });
            }
        }
    }

    private static Task WriteAsync(HttpContext context, int status, JsonObject body)
    {
        context.Response.Clear();
        context.Response.StatusCode = status;
        context.Response.ContentType = "application/json";
        return context.Response.WriteAsync(body.ToJsonString(), context.RequestAborted);
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 1001, Level = LogLevel.Error, Message = "Unhandled exception outside any function for {Method} {Path}")]
        public static partial void Unhandled(ILogger logger, Exception exception, string method, PathString path);
    }
}
