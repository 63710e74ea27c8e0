using InternalApi.Core.Receive;
using InternalApi.Functions.Hosting;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;

namespace InternalApi.Functions.Functions.Receive;

/// <summary>
/// <c>POST /api/v4/internal/post_receive</c> (spec §3.8.2): Gitaly's post-receive hook. Hands the push to
/// the <c>post-receive</c> queue, decrements the reference counter and answers the messages to print.
/// </summary>
public sealed class PostReceiveHook(PostReceiveService service)
{
    /// <summary>The HTTP trigger; auth is checked before this runs.</summary>
    [Function(nameof(PostReceiveHook))]
    [FunctionAuth(FunctionAuth.ShellJwt)]
    public async Task<IActionResult> RunAsync(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "v4/internal/post_receive")] HttpRequest request,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        return (await HandleAsync(request.HttpContext, cancellationToken)).AsAction();
    }

    /// <summary>Runs the hook.</summary>
    private async Task<JsonHttpResult<PostReceiveResponse>> HandleAsync(HttpContext context, CancellationToken cancellationToken)
    {
        var p = await RequestBinder.ParametersAsync(context);
        var (glRepository, identifier, changes) = (p.Text("gl_repository"), p.Text("identifier"), p.Text("changes"));
        p.ThrowIfAny();
        var outcome = await service.HandleAsync(glRepository, identifier, changes, p.Strings("push_options"), cancellationToken);
        return TypedResults.Json(new PostReceiveResponse(outcome.Messages, outcome.ReferenceCounterDecreased), ReceiveWireJsonContext.Wire.PostReceiveResponse);
    }
}
