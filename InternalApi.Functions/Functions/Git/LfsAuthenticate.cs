using System.Globalization;
using InternalApi.Core;
using InternalApi.Core.Access;
using InternalApi.Core.Data;
using InternalApi.Functions.Hosting;
using Microsoft.Extensions.Options;

namespace InternalApi.Functions.Functions.Git;

/// <summary>
/// <c>POST /api/v4/internal/lfs_authenticate</c> (spec §3.2): gitlab-shell's <c>git-lfs-authenticate</c>, after
/// <c>/allowed</c> has authorised the actor. The container is checked first (404 <c>404 Not Found</c>), then
/// the actor (404 <c>404 Not found</c>, GitLab's not-found exception wording).
/// </summary>
public static class LfsAuthenticate
{
    /// <summary>Declaration.</summary>
    public static HttpFunction Function { get; } = new("LfsAuthenticate", ["POST"], "v4/internal/lfs_authenticate", FunctionAuth.ShellJwt, HandleAsync);

    /// <summary>Issues the LFS token.</summary>
    public static async Task<IResult> HandleAsync(
        HttpContext context,
        RepositoryResolver repositories,
        ActorResolver actors,
        GitLabStore store,
        LfsTokenIssuer tokens,
        IOptions<GitLabOptions> gitlab,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(repositories);
        ArgumentNullException.ThrowIfNull(actors);
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(tokens);
        ArgumentNullException.ThrowIfNull(gitlab);
        var parameters = await RequestParameters.ReadAsync(context);
        var target = await repositories.ResolveAsync(parameters.Text("project"), null, cancellationToken);
        if (target.Project is not { LfsEnabled: true } project || target.Type is RepositoryType.Snippet or RepositoryType.Design)
        {
            return NotFound("404 Not Found");
        }

        var actor = await actors.ResolveAsync(new ActorQuery(parameters.Text("key_id"), parameters.Text("user_id"), null, parameters.Text("username")), cancellationToken);
        if (actor.Kind == ActorKind.Anonymous || (actor.Kind == ActorKind.User && actor.User is null))
        {
            return NotFound("404 Not found");
        }

        if (actor.Key is { } key)
        {
            await store.TouchKeyUsedAsync(key.Id, cancellationToken);
        }

        var username = actor.Kind == ActorKind.DeployKey
            ? "lfs+deploy-key-" + actor.Key!.Id.ToString(CultureInfo.InvariantCulture)
            : actor.User!.Username;
        var gid = (target.Type == RepositoryType.Wiki ? "gid://gitlab/Wiki/" : "gid://gitlab/Project/") + project.Id.ToString(CultureInfo.InvariantCulture);
        return TypedResults.Json(
            new LfsAuthenticateResponse(
                username,
                tokens.Issue(username, gid),
                gitlab.Value.ExternalUrl.ToString().TrimEnd('/') + "/" + target.RepositoryPath + ".git",
                tokens.LifetimeSeconds),
            GitJsonContext.Default.LfsAuthenticateResponse);
    }

    private static Microsoft.AspNetCore.Http.HttpResults.JsonHttpResult<MessageError> NotFound(string message) =>
        TypedResults.Json(new MessageError(message), WireJsonContext.Default.MessageError, statusCode: 404);
}
