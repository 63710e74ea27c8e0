using InternalApi.Core.Auth;
using InternalApi.Core.Kubernetes;
using InternalApi.Core.Pages;
using InternalApi.Core.Scim;

namespace InternalApi.Functions.Hosting;

/// <summary>
/// The one place a function's declared <see cref="FunctionAuth"/> is enforced, before any parameter is
/// bound: worker middleware calls it under the Functions host, the local host calls it too. Failures
/// are GitLab's 401 bodies.
/// </summary>
public sealed partial class RequestAuthenticator(
    InternalAuthenticator authenticator, PagesAuthenticator pages, WorkhorseAuthenticator workhorse, AgentTokenAuthenticator agents, ScimTokenAuthenticator scim, AdminTokenGate adminTokens, CustomersDotGate customersDot, ILogger<RequestAuthenticator> logger)
{
    /// <summary>Shell JWT header.</summary>
    public const string ShellHeader = "Gitlab-Shell-Api-Request";

    /// <summary>Legacy shared-secret header (older docs).</summary>
    public const string LegacySecretHeader = "Gitlab-Shared-Secret";

    /// <summary>KAS JWT header.</summary>
    public const string KasHeader = "Gitlab-Kas-Api-Request";

    /// <summary>Workhorse JWT header.</summary>
    public const string WorkhorseHeader = "Gitlab-Workhorse-Api-Request";

    /// <summary>The header Workhorse puts on every request it proxies (its version).</summary>
    public const string WorkhorseVersionHeader = "Gitlab-Workhorse";

    /// <summary>Throws the 401 <see cref="ApiErrorException"/> when the caller lacks the credential; a missing declaration fails closed.</summary>
    public async Task AuthenticateAsync(HttpContext context, string functionName, FunctionAuth? kind)
    {
        ArgumentNullException.ThrowIfNull(context);
        switch (kind)
        {
            case FunctionAuth.Anonymous or FunctionAuth.Custom:
                return;

            case FunctionAuth.ShellOrWorkhorseJwt when string.IsNullOrEmpty(context.Request.Headers[ShellHeader].FirstOrDefault()):
                await AuthenticateWorkhorseAsync(context, functionName);
                return;

            case FunctionAuth.ShellJwt or FunctionAuth.ShellOrWorkhorseJwt:
                {
                    var result = await authenticator.AuthenticateShellAsync(
                        context.Request.Headers[ShellHeader].FirstOrDefault(),
                        context.Request.Headers[LegacySecretHeader].FirstOrDefault(),
                        await LegacySecretParameterAsync(context));
                    if (!result.IsValid)
                    {
                        Log.Rejected(logger, functionName, result.Reason);
                        throw ApiErrorException.WithMessage(StatusCodes.Status401Unauthorized, "401 Unauthorized");
                    }

                    return;
                }

            case FunctionAuth.KasJwt:
                await AuthenticateKasAsync(context, functionName);
                return;

            case FunctionAuth.PagesJwt:
                {
                    var result = await pages.AuthenticateAsync(context.Request.Headers[PagesAuthenticator.Header].FirstOrDefault());
                    if (!result.IsValid)
                    {
                        Log.Rejected(logger, functionName, result.Reason);
                        throw ApiErrorException.WithMessage(StatusCodes.Status401Unauthorized, "401 Unauthorized");
                    }

                    return;
                }

            case FunctionAuth.KasAgentToken:
                {
                    // GitLab's order: the KAS JWT first (its own 401 text), then the agent token.
                    await AuthenticateKasAsync(context, functionName);
                    var token = AgentTokenHeader.Read(
                        context.Request.Headers[AgentTokenHeader.AgentHeader].FirstOrDefault(),
                        context.Request.Headers[AgentTokenHeader.AgentkHeader].FirstOrDefault(),
                        context.Request.Headers.Authorization.FirstOrDefault());
                    var result = await agents.AuthenticateAsync(token, context.RequestAborted);
                    if (result.Agent is not { } agent)
                    {
                        Log.Rejected(logger, functionName, result.Reason);
                        throw ApiErrorException.WithMessage(StatusCodes.Status401Unauthorized, "401 Unauthorized");
                    }

                    context.Features.Set(agent);
                    return;
                }

            case FunctionAuth.ScimGroupToken or FunctionAuth.ScimInstanceToken:
                {
                    var token = ScimScopeContext.Token(context.Request);
                    var result = kind == FunctionAuth.ScimGroupToken
                        ? await scim.AuthenticateGroupAsync(ScimScopeContext.GroupPath(context), token, context.RequestAborted)
                        : await scim.AuthenticateInstanceAsync(token, context.RequestAborted);
                    if (result.Scope is not { } scope)
                    {
                        Log.ScimRejected(logger, functionName, result.Failure);
                        throw ScimScopeContext.Refusal(result);
                    }

                    context.Features.Set(scope);
                    return;
                }
            case FunctionAuth.AdminToken or FunctionAuth.PersonalToken or FunctionAuth.GitLabComAdminToken:
                await adminTokens.AuthenticateAsync(context, functionName, kind.Value);
                return;

            case FunctionAuth.CustomersDotToken:
                await customersDot.AuthenticateAsync(context, functionName);
                return;

            default:
                Log.Rejected(logger, functionName, "the function declares no [FunctionAuth]");
                throw ApiErrorException.WithMessage(StatusCodes.Status401Unauthorized, "401 Unauthorized");
        }
    }

    private async Task AuthenticateKasAsync(HttpContext context, string functionName)
    {
        var result = await authenticator.AuthenticateKasAsync(context.Request.Headers[KasHeader].FirstOrDefault());
        if (!result.IsValid)
        {
            Log.Rejected(logger, functionName, result.Reason);
            throw ApiErrorException.WithMessage(StatusCodes.Status401Unauthorized, "KAS JWT authentication invalid");
        }
    }

    /// <summary>
    /// GitLab's <c>require_gitlab_workhorse!</c>: a bad or missing token is a plain 403, a good token without the
    /// <c>Gitlab-Workhorse</c> header the 403 that says the request must come through Workhorse.
    /// </summary>
    private async Task AuthenticateWorkhorseAsync(HttpContext context, string functionName)
    {
        var result = await workhorse.AuthenticateAsync(context.Request.Headers[WorkhorseHeader].FirstOrDefault());
        if (!result.IsValid)
        {
            Log.Rejected(logger, functionName, result.Reason);
            throw ApiErrorException.WithMessage(StatusCodes.Status403Forbidden, "403 Forbidden");
        }

        if (string.IsNullOrEmpty(context.Request.Headers[WorkhorseVersionHeader].FirstOrDefault()))
        {
            Log.Rejected(logger, functionName, "no Gitlab-Workhorse header");
            throw ApiErrorException.WithMessage(StatusCodes.Status403Forbidden, "403 Forbidden - Request should be executed via GitLab Workhorse");
        }
    }

    /// <summary>The <c>secret_token</c> parameter is read only when legacy mode could use it.</summary>
    private async ValueTask<string?> LegacySecretParameterAsync(HttpContext context)
    {
        if (!authenticator.LegacySharedSecretEnabled || context.Request.Headers.ContainsKey(ShellHeader))
        {
            return null;
        }

        var parameters = await RequestParameters.ReadAsync(context);
        return parameters["secret_token"] is System.Text.Json.Nodes.JsonValue v && v.TryGetValue<string>(out var s) ? s : null;
    }

    private static partial class Log
    {
        // The reason never contains the token or the secret.
        [LoggerMessage(EventId = 1100, Level = LogLevel.Information, Message = "Rejected caller of {Function}: {Reason}")]
        public static partial void Rejected(ILogger logger, string function, string reason);

        [LoggerMessage(EventId = 1101, Level = LogLevel.Information, Message = "Rejected SCIM caller of {Function}: {Reason}")]
        public static partial void ScimRejected(ILogger logger, string function, InternalApi.Core.Scim.ScimAuthFailure reason);
    }
}
