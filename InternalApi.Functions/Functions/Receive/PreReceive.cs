using InternalApi.Core.Receive;
using InternalApi.Functions.Hosting;
using Microsoft.AspNetCore.Http.HttpResults;

namespace InternalApi.Functions.Functions.Receive;

/// <summary>
/// <c>POST /api/v4/internal/pre_receive</c> (spec §3.8.1): Gitaly marks a push as in flight. The answer is
/// always 200; <c>false</c> only when the store really could not be updated (Gitaly then rejects the push).
/// </summary>
public static partial class PreReceive
{
    /// <summary>Declaration.</summary>
    public static HttpFunction Function { get; } = new("PreReceive", ["POST"], "v4/internal/pre_receive", FunctionAuth.ShellJwt, HandleAsync);

    /// <summary>Increments the repository's reference counter.</summary>
    public static async Task<JsonHttpResult<PreReceiveResponse>> HandleAsync(HttpContext context, ReferenceCounter counter, ILogger<PreReceiveResponse> logger, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(counter);
        var parameters = await RequestParameters.ReadAsync(context);
        var glRepository = parameters.Text("gl_repository") ?? "";
        bool increased;
        try
        {
            increased = await counter.IncrementAsync(glRepository, cancellationToken);
        }
        catch (Exception ex) when (ex is Azure.RequestFailedException or HttpRequestException or IOException)
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
