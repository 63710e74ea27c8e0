using System.Net;
using System.Text.Json;
using InternalApi.LocalHost.FunctionApp;
using InternalApi.LocalHost.Rpc;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Logging;
using Yarp.ReverseProxy.Forwarder;

namespace InternalApi.LocalHost.Http;

/// <summary>
/// Serves one HTTP trigger as the Functions host does in proxy mode (host-protocol spec §4): the request is forwarded to
/// the worker's own Kestrel with an <c>x-ms-invocation-id</c> header and the forwarded headers, and an
/// <c>InvocationRequest</c> with the same id carries the trigger's binding data over gRPC; the worker pairs the two. The
/// answer travels back over HTTP. A failed invocation, or a worker that cannot be reached, is answered with a JSON 500
/// (503 while no worker is ready), never with what the worker's Kestrel wrote for it.
/// </summary>
public sealed partial class HttpInvoker(WorkerHub hub, IHttpForwarder forwarder, ILogger<HttpInvoker> logger) : IDisposable
{
    /// <summary>The header the worker pairs a request with its invocation by.</summary>
    public const string InvocationIdHeader = "x-ms-invocation-id";

    /// <summary>Answers up to this size wait for the invocation's outcome before they are sent.</summary>
    private const int HoldLimit = 1024 * 1024;

    private static readonly ForwarderRequestConfig RequestConfig = new() { ActivityTimeout = TimeSpan.FromMinutes(10) };

    private readonly HttpMessageInvoker _client = new(new SocketsHttpHandler
    {
        UseProxy = false,
        AllowAutoRedirect = false,
        AutomaticDecompression = DecompressionMethods.None,
        UseCookies = false,
        EnableMultipleHttp2Connections = true,
        ActivityHeadersPropagator = null,
        ConnectTimeout = TimeSpan.FromSeconds(15),
    });

    /// <summary>Invokes <paramref name="function"/> for the request.</summary>
    public async Task InvokeAsync(HttpContext context, HostedFunction function)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(function);
        WorkerConnection worker;
        try
        {
            worker = await hub.ReadyAsync(context.RequestAborted);
        }
        catch (TimeoutException)
        {
            await JsonErrors.WriteAsync(context, StatusCodes.Status503ServiceUnavailable, "503 Service Unavailable", retryAfter: true);
            return;
        }
        catch (OperationCanceledException) when (context.RequestAborted.IsCancellationRequested)
        {
            return;
        }

        // A body small enough to keep is kept, so that a forward that never reached the worker can be sent again (a
        // pooled connection the worker's Kestrel had just closed: keep-alive's race).
        var retryable = context.Request.ContentLength is null or 0
            ? context.Request.Headers.TransferEncoding.Count == 0
            : context.Request.ContentLength <= HoldLimit;
        if (retryable && context.Request.ContentLength > 0)
        {
            context.Request.EnableBuffering(HoldLimit, HoldLimit);
        }

        var original = context.Features.Get<IHttpResponseBodyFeature>()!;
        for (var attempt = 1; ; attempt++)
        {
            var invocationId = Guid.NewGuid().ToString();
            var held = new HeldResponseBody(context, original, HoldLimit);
            context.Features.Set<IHttpResponseBodyFeature>(held);
            context.Items[InvocationIdHeader] = invocationId;

            // Both at once, as the host does: either may reach the worker first, and the worker waits for the other.
            using var abandon = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted);
            var invocation = worker.InvokeAsync(Invocation(context, function, invocationId), abandon.Token);
            ForwarderError forwarded;
            try
            {
                forwarded = await forwarder.SendAsync(context, worker.HttpUri!.ToString(), _client, RequestConfig, InvocationTransformer.Instance);
            }
            catch (OperationCanceledException) when (context.RequestAborted.IsCancellationRequested)
            {
                forwarded = ForwarderError.RequestCanceled;
            }

            if (forwarded is ForwarderError.Request or ForwarderError.RequestTimedOut && !held.Released)
            {
                // The worker never got the request: its invocation would only wait for it, so it is cancelled at once.
                held.Discard();
                await abandon.CancelAsync();
                await invocation.ContinueWith(static _ => { }, CancellationToken.None, TaskContinuationOptions.None, TaskScheduler.Default);
                Log.ForwardFailed(logger, function.Name, invocationId, forwarded.ToString(), context.Features.Get<IForwarderErrorFeature>()?.Exception?.Message ?? "");
                // Sent again once: a pooled connection the worker's Kestrel had just closed (keep-alive's race).
                if (attempt == 1 && retryable && !context.RequestAborted.IsCancellationRequested)
                {
                    context.Response.Clear();
                    context.Features.Set<IForwarderErrorFeature>(null);
                    if (context.Request.Body.CanSeek)
                    {
                        context.Request.Body.Position = 0;
                    }

                    continue;
                }

                await JsonErrors.WriteAsync(context, StatusCodes.Status500InternalServerError, "500 Internal Server Error");
                return;
            }

            InvocationResponse response;
            try
            {
                response = await invocation;
            }
            catch (OperationCanceledException) when (context.RequestAborted.IsCancellationRequested)
            {
                // The caller went away; the worker was told (InvocationCancel) and nobody waits for an answer.
                held.Discard();
                return;
            }

            var failed = response.Result?.Status == StatusResult.Types.Status.Failure;
            if (!failed && forwarded == ForwarderError.None)
            {
                await held.ReleaseAsync(context.RequestAborted);
                return;
            }

            if (failed)
            {
                Log.InvocationFailed(logger, function.Name, invocationId, response.Result?.Exception?.Type ?? "", response.Result?.Exception?.Message ?? "");
            }
            else
            {
                Log.ForwardFailed(logger, function.Name, invocationId, forwarded.ToString(), context.Features.Get<IForwarderErrorFeature>()?.Exception?.Message ?? "");
            }

            if (held.Discard() && !context.Response.HasStarted)
            {
                await JsonErrors.WriteAsync(context, StatusCodes.Status500InternalServerError, "500 Internal Server Error");
            }
            else
            {
                // Part of a large answer has gone out already: all that is left is to cut it.
                context.Abort();
            }

            return;
        }
    }

    /// <inheritdoc/>
    public void Dispose() => _client.Dispose();

    /// <summary>
    /// The invocation in proxy mode: an empty RpcHttp as the trigger's input, and as trigger metadata every route
    /// value and query parameter (strings), plus <c>Query</c> and <c>Headers</c> as JSON objects. (The real host also
    /// adds a JSON body's top-level properties; nothing of ours binds them, and reading the body here would hold it.)
    /// </summary>
    private static InvocationRequest Invocation(HttpContext context, HostedFunction function, string invocationId)
    {
        var request = new InvocationRequest { InvocationId = invocationId, FunctionId = function.Id };
        request.InputData.Add(new ParameterBinding { Name = function.Trigger.Parameter, Data = new TypedData { Http = new RpcHttp() } });
        var query = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var (key, value) in context.Request.Query)
        {
            if (!string.Equals(key, "code", StringComparison.OrdinalIgnoreCase))
            {
                query[key] = value.ToString();
                request.TriggerMetadata[key] = new TypedData { String = value.ToString() };
            }
        }

        foreach (var (key, value) in context.GetRouteData().Values)
        {
            if (value is not null)
            {
                request.TriggerMetadata[key] = new TypedData { String = Convert.ToString(value, System.Globalization.CultureInfo.InvariantCulture) };
            }
        }

        var headers = context.Request.Headers.ToDictionary(h => h.Key, h => h.Value.ToString(), StringComparer.OrdinalIgnoreCase);
        request.TriggerMetadata["Query"] = new TypedData { Json = JsonSerializer.Serialize(query, HostJsonContext.Default.DictionaryStringString) };
        request.TriggerMetadata["Headers"] = new TypedData { Json = JsonSerializer.Serialize(headers, HostJsonContext.Default.DictionaryStringString) };
        request.TraceContext = TraceContexts.Current();
        return request;
    }

    /// <summary>YARP's default transform (Host dropped, <c>X-Forwarded-*</c> added) plus the invocation id.</summary>
    private sealed class InvocationTransformer : HttpTransformer
    {
        public static readonly InvocationTransformer Instance = new();

        public override async ValueTask TransformRequestAsync(HttpContext httpContext, HttpRequestMessage proxyRequest, string destinationPrefix, CancellationToken cancellationToken)
        {
            await Default.TransformRequestAsync(httpContext, proxyRequest, destinationPrefix, cancellationToken);

            // The request target byte for byte, as the caller sent it: Uri would rewrite an invalid escape (%zz to %25zz)
            // and so turn a request the app must refuse into one it reads.
            if (httpContext.Features.Get<IHttpRequestFeature>()?.RawTarget is { Length: > 0 } raw && raw[0] == '/')
            {
                var target = destinationPrefix.TrimEnd('/') + raw;
                proxyRequest.RequestUri = Uri.TryCreate(target, UriKind.Absolute, out var plain) && plain.PathAndQuery == raw
                    ? plain
                    : new Uri(target, new UriCreationOptions { DangerousDisablePathAndQueryCanonicalization = true });
            }

            proxyRequest.Headers.TryAddWithoutValidation(InvocationIdHeader, (string)httpContext.Items[InvocationIdHeader]!);
        }

        public override ValueTask<bool> TransformResponseAsync(HttpContext httpContext, HttpResponseMessage? proxyResponse, CancellationToken cancellationToken) =>
            Default.TransformResponseAsync(httpContext, proxyResponse, cancellationToken);
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 3030, Level = LogLevel.Error, Message = "Invocation {InvocationId} of {Function} failed in the worker ({ExceptionType}: {Reason}); answered 500")]
        public static partial void InvocationFailed(ILogger logger, string function, string invocationId, string exceptionType, string reason);

        [LoggerMessage(EventId = 3031, Level = LogLevel.Error, Message = "Forwarding invocation {InvocationId} of {Function} to the worker failed ({Error}: {Reason}); answered 500")]
        public static partial void ForwardFailed(ILogger logger, string function, string invocationId, string error, string reason);
    }
}
