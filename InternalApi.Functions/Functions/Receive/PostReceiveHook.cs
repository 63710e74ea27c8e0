using System.Text.Json;
using System.Text.Json.Nodes;
using InternalApi.Core.Receive;
using InternalApi.Functions.Hosting;
using Microsoft.AspNetCore.Http.HttpResults;

namespace InternalApi.Functions.Functions.Receive;

/// <summary>
/// <c>POST /api/v4/internal/post_receive</c> (spec §3.8.2): Gitaly's post-receive hook. Hands the push to
/// the <c>post-receive</c> queue, decrements the reference counter and answers the messages to print.
/// </summary>
public static class PostReceiveHook
{
    /// <summary>Declaration.</summary>
    public static HttpFunction Function { get; } = new("PostReceiveHook", ["POST"], "v4/internal/post_receive", FunctionAuth.ShellJwt, HandleAsync);

    /// <summary>Runs the hook.</summary>
    public static async Task<JsonHttpResult<PostReceiveResponse>> HandleAsync(HttpContext context, PostReceiveService service, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(service);
        var parameters = await RequestParameters.ReadAsync(context);
        var outcome = await service.HandleAsync(
            parameters.Text("gl_repository"),
            parameters.Text("identifier"),
            parameters.Text("changes"),
            PushOptions(parameters["push_options"]),
            cancellationToken);
        return TypedResults.Json(new PostReceiveResponse(outcome.Messages, outcome.ReferenceCounterDecreased), ReceiveWireJsonContext.Wire.PostReceiveResponse);
    }

    /// <summary>An array of strings, a single string, or nothing (Gitaly may send null).</summary>
    private static List<string> PushOptions(JsonNode? node) => node switch
    {
        JsonArray array => array.OfType<JsonValue>().Where(v => v.GetValueKind() == JsonValueKind.String).Select(v => v.GetValue<string>()).ToList(),
        JsonValue v when v.GetValueKind() == JsonValueKind.String => [v.GetValue<string>()],
        _ => [],
    };
}
