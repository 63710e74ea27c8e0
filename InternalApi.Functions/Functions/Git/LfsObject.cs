using InternalApi.Core.Lfs;
using InternalApi.Functions.Hosting;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;

namespace InternalApi.Functions.Functions.Git;

/// <summary>
/// <c>GET /api/v4/internal/lfs?oid=…&amp;gl_repository=project-N</c>: Gitaly's <c>gitaly-lfs-smudge</c> fetches an LFS
/// object's bytes to put real files, not pointers, into archives (GitLab's <c>API::Internal::Lfs</c>, not in the
/// internal API doc). The bytes are streamed from Blob Storage as they arrive, never held whole.
/// </summary>
public sealed class LfsObject(LfsObjectService lfs)
{
    /// <summary>The HTTP trigger; auth is checked before this runs.</summary>
    [Function(nameof(LfsObject))]
    [FunctionAuth(FunctionAuth.ShellJwt)]
    public async Task<IActionResult> RunAsync(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "v4/internal/lfs")] HttpRequest request,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        return (await HandleAsync(request.HttpContext, cancellationToken)).AsAction();
    }

    /// <summary>
    /// 200 <c>application/octet-stream</c> with the bytes; 404 <c>{"message":"404 Not Found"}</c> for an unknown object
    /// or project, an object not linked to the project, or bytes missing from storage; 400 without <c>oid</c> or
    /// <c>gl_repository</c>.
    /// </summary>
    private async Task<Results<FileStreamHttpResult, JsonHttpResult<MessageError>>> HandleAsync(HttpContext context, CancellationToken cancellationToken)
    {
        var request = await RequestBinder.BindAsync(context, GitJsonContext.Default.LfsObjectRequest);
        var found = await lfs.FindAsync(request.Oid!, request.GlRepository!, cancellationToken);
        if (found.Content is not { } content)
        {
            return TypedResults.Json(new MessageError("404 Not Found"), WireJsonContext.Wire.MessageError, statusCode: 404);
        }

        // The blob's stream cannot seek, so the result would not know the length: give it, so that the answer is not chunked.
        context.Response.ContentLength = content.Length;
        return TypedResults.Stream(content.Content, "application/octet-stream");
    }
}
