using InternalApi.Core.Receive;
using InternalApi.Functions.Hosting;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;

namespace InternalApi.Functions.Functions.Receive;

/// <summary>
/// <c>POST /api/v4/internal/pre_receive</c> (spec §3.8.1): Gitaly marks a push as in flight. The answer is
/// always 200; <c>false</c> only when the store really could not be updated (Gitaly then rejects the push).
/// </summary>
public sealed partial class PreReceive(ReferenceCounter counter, ILogger<PreReceive> logger)
{
    /// <summary>The HTTP trigger; auth is checked before this runs.</summary>
    [Function(nameof(PreReceive))]
    [FunctionAuth(FunctionAuth.ShellJwt)]
    public async Task<IActionResult> RunAsync(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "v4/internal/pre_receive")] HttpRequest request,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        return (await HandleAsync(request.HttpContext, cancellationToken)).AsAction();
    }

    /// <summary>Increments the repository's reference counter.</summary>
    private async Task<JsonHttpResult<PreReceiveResponse>> HandleAsync(HttpContext context, CancellationToken cancellationToken)
    {
        var p = await RequestBinder.ParametersAsync(context);
        var glRepository = p.Text("gl_repository") ?? "";
        p.ThrowIfAny();
        bool increased;
        try
        {
            increased = await counter.IncrementAsync(glRepository, cancellationToken);
        }
        catch (Exception ex) when (ex is Azure.RequestFailedException or HttpRequestException or IOException || Core.Storage.StorageFaults.IsUnavailable(ex, cancellationToken))
        {
            Log.Failed(logger, ex, glRepository);
            increased = false;
        }

        return TypedResults.Json(new PreReceiveResponse(increased), ReceiveWireJsonContext.Wire.PreReceiveResponse);
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 4100, Level = LogLevel.Error, Message = "Could not increment the reference counter of {GlRepository}")]
        public static partial void Failed(ILogger logger, Exception exception, string glRepository);
    }
}
