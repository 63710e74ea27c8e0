using InternalApi.Core.Kubernetes;
using InternalApi.Functions.Hosting;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;

namespace InternalApi.Functions.Functions.Kubernetes;

/// <summary>
/// <c>POST /api/v4/internal/kubernetes/authorize_proxy_user</c> (KAS JWT only): may this user reach the agent's
/// cluster through KAS's Kubernetes API proxy? Personal access tokens only (<c>k8s_proxy</c> scope, a Developer of
/// a project or group the agent's <c>user_access</c> authorizes); the <c>session_cookie</c> kind needs GitLab's web
/// session store and is refused with 401 and a message saying so. 201 (Grape's status for a POST) with
/// <c>{agent, user, access_as: {agent: {}}}</c>; errors as <see cref="ProxyUserFailure"/> lists them.
/// </summary>
public sealed class AuthorizeProxyUser(ProxyUserAuthorizer authorizer)
{
    /// <summary>GitLab's 403 for a token without the scope.</summary>
    private const string InsufficientScope = "The request requires higher privileges than provided by the access token.";

    /// <summary>The HTTP trigger; the KAS JWT is checked before this runs.</summary>
    [Function(nameof(AuthorizeProxyUser))]
    [FunctionAuth(FunctionAuth.KasJwt)]
    public async Task<IActionResult> RunAsync(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "v4/internal/kubernetes/authorize_proxy_user")] HttpRequest request,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var parameters = await RequestBinder.BindAsync(request.HttpContext, KasJsonContext.Default.AuthorizeProxyUserRequest);
        var outcome = await authorizer.AuthorizeAsync(
            new ProxyUserRequest(
                parameters.AgentId!.Value,
                parameters.AccessType == AuthorizeProxyUserRequest.SessionCookie ? ProxyAccessType.SessionCookie : ProxyAccessType.PersonalAccessToken,
                parameters.AccessKey!),
            cancellationToken);
        if (outcome is not { Failure: ProxyUserFailure.None, Agent: { } agent, User: { } user })
        {
            throw Refusal(outcome.Failure);
        }

        return TypedResults.Json(
            new AuthorizeProxyUserResponse(
                new ProxyAgent(agent.Id, new ProxyConfigProject(agent.ProjectId)),
                new ProxyUser(user.Id, user.Username),
                new ProxyAccessAs(new ProxyAccessAsAgent())),
            KasJsonContext.Wire.AuthorizeProxyUserResponse,
            statusCode: StatusCodes.Status201Created).AsAction();
    }

    /// <summary>GitLab's status and body for each refusal (its texts; the session-cookie one is ours).</summary>
    private static ApiErrorException Refusal(ProxyUserFailure failure) => failure switch
    {
        ProxyUserFailure.SessionCookieUnsupported => ApiErrorException.WithMessage(
            StatusCodes.Status401Unauthorized,
            "401 Unauthorized - session_cookie access is not supported: this GitLab internal API has no web sessions; use a personal access token with the k8s_proxy scope"),
        ProxyUserFailure.UnknownToken => ApiErrorException.WithMessage(StatusCodes.Status400BadRequest, "400 Bad request - Unable to get user from request data"),
        ProxyUserFailure.TokenExpired => InvalidToken("Token has expired."),
        ProxyUserFailure.TokenRevoked => InvalidToken("Token has been revoked."),
        ProxyUserFailure.InsufficientScope => ApiErrorException.OAuth(StatusCodes.Status403Forbidden, "insufficient_scope", InsufficientScope, ProxyUserOutcome.Scope),
        ProxyUserFailure.UserNotUsable => ApiErrorException.WithMessage(StatusCodes.Status401Unauthorized, "401 Unauthorized"),
        ProxyUserFailure.AgentNotFound => ApiErrorException.WithMessage(StatusCodes.Status404NotFound, "404 Not found"),
        ProxyUserFailure.NoUserAccess => Forbidden("`user_access` keyword is not found in agent config file."),
        ProxyUserFailure.NoAccessAs => Forbidden("`access_as` is not found under the `user_access` keyword."),
        ProxyUserFailure.AccessAsNotOnce => Forbidden("`access_as` must exist only once under the `user_access` keyword."),
        ProxyUserFailure.AccessAsUnsupported => Forbidden("`access_as` must be `agent`: impersonating the user (`access_as: user`) is not supported."),
        _ => Forbidden("You must be a member of `projects` or `groups` under the `user_access` keyword."),
    };

    private static ApiErrorException Forbidden(string message) => ApiErrorException.WithMessage(StatusCodes.Status403Forbidden, message);

    private static ApiErrorException InvalidToken(string description) => ApiErrorException.OAuth(StatusCodes.Status401Unauthorized, "invalid_token", description);
}
