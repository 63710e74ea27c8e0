using System.Text.Json.Nodes;
using InternalApi.Core.Storage;
using Microsoft.AspNetCore.Mvc;

namespace InternalApi.Functions.Hosting;

/// <summary>
/// What every HTTP function invocation goes through, under either host: authentication first, then the
/// function, with every failure turned into JSON — request errors (<see cref="ApiErrorException"/>, Kestrel's
/// bad-request/too-large) keep their status, storage that does not answer is a 503 the caller may retry,
/// anything else is a logged 500 without internals.
/// </summary>
public sealed partial class HttpFunctionPipeline(RequestAuthenticator authenticator, StorageGate storage, Microsoft.Extensions.Options.IOptions<HttpOptions> http, ILogger<HttpFunctionPipeline> logger)
{
    /// <summary>The answer's storage request count, with <see cref="HttpOptions.StorageCallsHeader"/> on.</summary>
    public const string StorageCallsHeader = "X-Storage-Calls";

    /// <summary>
    /// Authenticates, invokes and maps failures; the answer is always an action result to execute.
    /// <paramref name="invocationId"/> is the host's (the Functions host's invocation id; the local host
    /// uses the request's trace identifier).
    /// </summary>
    public async Task<IActionResult?> RunAsync(HttpContext context, FunctionEntryPoint function, Func<Task<IActionResult?>> invoke, string? invocationId = null)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(function);
        ArgumentNullException.ThrowIfNull(invoke);
        using var scope = InvocationScope.Http(logger, function.Name, invocationId ?? context.TraceIdentifier);
        if (http.Value.StorageCallsHeader)
        {
            // Counted in this flow only (other invocations run beside it); written when the answer starts, after the function.
            var calls = StorageCallCounter.CountFlow();
            context.Response.OnStarting(() =>
            {
                context.Response.Headers[StorageCallsHeader] = calls.Calls.ToString(System.Globalization.CultureInfo.InvariantCulture);
                return Task.CompletedTask;
            });
        }

        // SCIM answers everything, errors included, as application/scim+json (spec §6.1).
        var mediaType = function.Auth is FunctionAuth.ScimGroupToken or FunctionAuth.ScimInstanceToken ? ScimScopeContext.MediaType : "application/json";
        try
        {
            // Tables and queues are checked while the host starts (Program): nothing, the authenticator's token
            // reads included, may meet a missing table. Inside the mapping, so a failed check answers JSON too.
            await storage.Ready.WaitAsync(context.RequestAborted);
            await authenticator.AuthenticateAsync(context, function.Method.DeclaringType?.Name ?? function.EntryPoint, function.Auth);
            if (context.Request.ContentLength > http.Value.MaxRequestBodyBytes)
            {
                return await TooLargeAsync(context, mediaType);
            }

            if (context.Request.ContentLength is null)
            {
                // A body of unknown length is cut at the app's limit as it is read (Kestrel's own sits above it).
                context.Request.Body = new LimitedRequestBody(context.Request.Body, http.Value.MaxRequestBodyBytes);
            }

            return await invoke();
        }
        catch (ApiErrorException ex)
        {
            return ex.ToResult(mediaType);
        }
        catch (BadHttpRequestException ex)
        {
            return ApiErrorException.WithMessage(ex.StatusCode, ex.StatusCode == StatusCodes.Status413PayloadTooLarge ? TooLargeMessage : "400 Bad request").ToResult(mediaType);
        }
        catch (OperationCanceledException) when (context.RequestAborted.IsCancellationRequested)
        {
            // The caller went away; there is nobody to answer.
            return null;
        }
        catch (Exception ex) when (StorageFaults.IsUnavailable(ex, context.RequestAborted))
        {
            // Storage is down or not answering: a retryable 503, not a bug. One line, no stack: during an
            // outage every request lands here. Functions that write first and then do more must not let a
            // storage failure after their side effect reach this (see docs/reliability.md).
            Log.StorageUnavailable(logger, function.EntryPoint, ex.GetType().Name, ex.GetBaseException().Message);
            context.Response.Headers.RetryAfter = RetryAfterSeconds;
            return ApiErrorException.WithMessage(StatusCodes.Status503ServiceUnavailable, "503 Service Unavailable").ToResult(mediaType);
        }
        catch (Exception ex)
        {
            scope.Failed(ex);
            Log.Unhandled(logger, ex, function.EntryPoint);
            return ApiErrorException.WithMessage(StatusCodes.Status500InternalServerError, "500 Internal Server Error").ToResult(mediaType);
        }
    }

    /// <summary>
    /// A body declared larger than the limit: 413, after reading the body to its end. Left unread, the worker's Kestrel
    /// would close the connection with bytes still arriving, and the reset can reach the host before the answer does;
    /// read, the host (or any proxy in front) always gets the 413. Bodies beyond <see cref="DrainLimit"/> are cut instead.
    /// </summary>
    private static async Task<IActionResult> TooLargeAsync(HttpContext context, string mediaType)
    {
        if (context.Request.ContentLength <= DrainLimit && context.Features.Get<Microsoft.AspNetCore.Http.Features.IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } size)
        {
            size.MaxRequestBodySize = null;
            var buffer = new byte[16 * 1024];
            while (await context.Request.Body.ReadAsync(buffer, context.RequestAborted) > 0)
            {
            }
        }

        return ApiErrorException.WithMessage(StatusCodes.Status413PayloadTooLarge, TooLargeMessage).ToResult(mediaType);
    }

    private const string TooLargeMessage = "413 Request Entity Too Large";

    private const long DrainLimit = 64L * 1024 * 1024;

    /// <summary>How far above the app's body limit the worker's Kestrel reads, to drain what a refusal left unread.</summary>
    public const long DrainAllowance = 1024 * 1024;

    /// <summary>What a 503 for unavailable storage tells the caller to wait before trying again.</summary>
    public const string RetryAfterSeconds = "5";

    private static readonly System.Text.Json.JsonSerializerOptions WireOptions = WireJsonOptions.Create();

    /// <summary>
    /// A JSON body with a status (written directly: no MVC services are needed to execute it), escaped as GitLab
    /// escapes it (<see cref="WireJsonOptions"/>): "can't" keeps its apostrophe.
    /// </summary>
    public static IActionResult Json(int status, JsonObject body, string mediaType = "application/json")
    {
        ArgumentNullException.ThrowIfNull(body);
        return new JsonBodyResult(status, body.ToJsonString(WireOptions), mediaType);
    }

    private sealed class JsonBodyResult(int status, string body, string mediaType) : IActionResult
    {
        public Task ExecuteResultAsync(ActionContext context)
        {
            var response = context.HttpContext.Response;
            response.StatusCode = status;
            response.ContentType = mediaType;
            return response.WriteAsync(body, context.HttpContext.RequestAborted);
        }
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 1000, Level = LogLevel.Error, Message = "Unhandled exception in {Function}")]
        public static partial void Unhandled(ILogger logger, Exception exception, string function);

        [LoggerMessage(EventId = 1002, Level = LogLevel.Warning, Message = "Storage unavailable in {Function}: {ExceptionType}: {Reason}; answered 503")]
        public static partial void StorageUnavailable(ILogger logger, string function, string exceptionType, string reason);
    }
}
