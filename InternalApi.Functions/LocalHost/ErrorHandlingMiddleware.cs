using System.Text.Json.Nodes;

using InternalApi.Functions.Hosting;

namespace InternalApi.Functions.LocalHost;

/// <summary>
/// The outermost middleware: every failure leaves as JSON, never as an HTML page or a stack trace.
/// Request errors (<see cref="ApiErrorException"/>, Kestrel's bad-request/too-large) keep their status;
/// anything else is a logged 500 <c>{"message":"500 Internal Server Error"}</c>.
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
        catch (ApiErrorException ex) when (!context.Response.HasStarted)
        {
            await WriteAsync(context, ex.Status, ex.Body);
            return;
        }
        catch (BadHttpRequestException ex) when (!context.Response.HasStarted)
        {
            var body = ex.StatusCode == StatusCodes.Status413PayloadTooLarge
                ? new JsonObject { ["message"] = "413 Request Entity Too Large" }
                : new JsonObject { ["message"] = "400 Bad request" };
            await WriteAsync(context, ex.StatusCode, body);
            return;
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

        // Routing answers unknown paths and wrong methods with an empty body: give them GitLab's E1 bodies.
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
        [LoggerMessage(EventId = 1000, Level = LogLevel.Error, Message = "Unhandled exception for {Method} {Path}")]
        public static partial void Unhandled(ILogger logger, Exception exception, string method, PathString path);
    }
}
