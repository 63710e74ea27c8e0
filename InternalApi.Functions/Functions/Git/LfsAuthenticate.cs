using InternalApi.Core.Access;
using InternalApi.Core.Identity;
using InternalApi.Functions.Hosting;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;

namespace InternalApi.Functions.Functions.Git;

/// <summary>
/// <c>POST /api/v4/internal/lfs_authenticate</c> (spec §3.2): an LFS credential for gitlab-shell's
/// <c>git-lfs-authenticate</c>, after <c>/allowed</c> has authorised the command.
/// </summary>
public sealed class LfsAuthenticate(LfsAuthentication lfs)
{
    /// <summary>The HTTP trigger; auth is checked before this runs.</summary>
    [Function(nameof(LfsAuthenticate))]
    [FunctionAuth(FunctionAuth.ShellJwt)]
    public async Task<IActionResult> RunAsync(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "v4/internal/lfs_authenticate")] HttpRequest request,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        return (await HandleAsync(request.HttpContext, cancellationToken)).AsAction();
    }

    /// <summary>
    /// 200 with the credential; 404 <c>{"message":"404 Not Found"}</c> without a container that has LFS, then
    /// 404 <c>{"message":"404 Not found"}</c> (lower-case f: GitLab's not-found exception) without an actor.
    /// </summary>
    private async Task<Results<JsonHttpResult<LfsAuthenticateResponse>, JsonHttpResult<MessageError>>> HandleAsync(HttpContext context, CancellationToken cancellationToken)
    {
        var request = await RequestBinder.BindAsync(context, GitJsonContext.Default.LfsAuthenticateRequest);
        var (credentials, failure) = await lfs.AuthenticateAsync(
            request.Project, new ActorQuery(request.KeyId, request.UserId, null, request.Username), cancellationToken);
        if (credentials is null)
        {
            var message = failure == LfsFailure.ContainerNotFound ? "404 Not Found" : "404 Not found";
            return TypedResults.Json(new MessageError(message), WireJsonContext.Wire.MessageError, statusCode: 404);
        }

        return TypedResults.Json(
            new LfsAuthenticateResponse(credentials.Username, credentials.LfsToken, credentials.RepositoryHttpPath, credentials.ExpiresIn),
            GitJsonContext.Wire.LfsAuthenticateResponse);
    }
}
