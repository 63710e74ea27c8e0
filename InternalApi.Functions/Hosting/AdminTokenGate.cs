using System.Text.Json.Nodes;
using InternalApi.Core.Auth;
using InternalApi.Core.Model;
using InternalApi.Core.Subscriptions;
using Microsoft.Extensions.Options;

namespace InternalApi.Functions.Hosting;

/// <summary>The user a personal access token authenticated, for the function to authorize.</summary>
/// <param name="User">The token's user.</param>
/// <param name="Token">The token.</param>
public sealed record AdminCaller(User User, PersonalAccessToken Token);

/// <summary>How a personal-token function gets its caller, and checks that it is an administrator.</summary>
public static class AdminCallerContext
{
    /// <summary>The authenticated caller (only the authenticator sets it; missing means a wrong declaration: 401).</summary>
    public static AdminCaller Caller(this HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        return context.Features.Get<AdminCaller>() ?? throw ApiErrorException.WithMessage(StatusCodes.Status401Unauthorized, "401 Unauthorized");
    }

    /// <summary>GitLab's <c>authenticated_as_admin!</c>: 403 <c>403 Forbidden</c> for anyone else.</summary>
    public static AdminCaller RequireAdmin(this HttpContext context)
    {
        var caller = context.Caller();
        return caller.User.Admin ? caller : throw ApiErrorException.WithMessage(StatusCodes.Status403Forbidden, "403 Forbidden");
    }
}

/// <summary>
/// Personal access token authentication of the CustomersDot and Admin Area endpoints (spec §1.7 E). The token is
/// read, as GitLab's token finder reads it, from the <c>private_token</c> parameter, the <c>PRIVATE-TOKEN</c>
/// header or <c>Authorization: Bearer</c> (and a header named <c>TOKEN</c> only with
/// <see cref="SubscriptionOptions.AcceptTokenHeader"/>). No, unknown, expired or revoked token, or a user who may
/// not sign in: 401 <c>401 Unauthorized</c>. Without the <c>api</c> scope (<c>read_api</c> is enough for GET):
/// GitLab's 403 <c>insufficient_scope</c> body. For admin kinds, a non-admin: 403 <c>403 Forbidden</c>.
/// </summary>
public sealed partial class AdminTokenGate(PersonalAccessTokenAuthenticator tokens, IOptions<SubscriptionOptions> options, ILogger<AdminTokenGate> logger)
{
    /// <summary>The header GitLab reads personal access tokens from.</summary>
    public const string PrivateTokenHeader = "PRIVATE-TOKEN";

    /// <summary>The doc's <c>TOKEN</c> header (compatibility switch only).</summary>
    public const string DocTokenHeader = "TOKEN";

    /// <summary>The 403 of a token without the scope the endpoint needs.</summary>
    private const string InsufficientScope = "The request requires higher privileges than provided by the access token.";

    /// <summary>Throws the refusal, or stores the caller on the context.</summary>
    public async Task AuthenticateAsync(HttpContext context, string functionName, FunctionAuth kind)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (kind == FunctionAuth.GitLabComAdminToken && !options.Value.GitLabCom)
        {
            throw ApiErrorException.WithMessage(StatusCodes.Status403Forbidden, "403 Forbidden - This API is gitlab.com only!");
        }

        var identity = await tokens.AuthenticateAsync(await ReadTokenAsync(context), context.RequestAborted);
        if (identity is not { User: { } user, Token: { } token })
        {
            Log.Rejected(logger, functionName, identity.Reason);
            throw ApiErrorException.WithMessage(StatusCodes.Status401Unauthorized, "401 Unauthorized");
        }

        var read = HttpMethods.IsGet(context.Request.Method) || HttpMethods.IsHead(context.Request.Method);
        if (!token.Scopes.Contains("api", StringComparer.Ordinal) && !(read && token.Scopes.Contains("read_api", StringComparer.Ordinal)))
        {
            Log.Rejected(logger, functionName, "the token lacks the api scope");
            throw ApiErrorException.OAuth(StatusCodes.Status403Forbidden, "insufficient_scope", InsufficientScope, read ? "api read_api" : "api");
        }

        if (kind != FunctionAuth.PersonalToken && !user.Admin)
        {
            Log.Rejected(logger, functionName, "the token's user is not an administrator");
            throw ApiErrorException.WithMessage(StatusCodes.Status403Forbidden, "403 Forbidden");
        }

        context.Features.Set(new AdminCaller(user, token));
    }

    /// <summary>GitLab's order: the parameter first, then the header, then a bearer token.</summary>
    private async Task<string?> ReadTokenAsync(HttpContext context)
    {
        var headers = context.Request.Headers;
        var parameter = await RequestParameters.ReadAsync(context);
        if (parameter["private_token"] is JsonValue v && v.TryGetValue<string>(out var fromParameter) && fromParameter.Length > 0)
        {
            return fromParameter;
        }

        if (headers[PrivateTokenHeader].FirstOrDefault() is { Length: > 0 } header)
        {
            return header;
        }

        if (headers.Authorization.FirstOrDefault() is { } authorization && authorization.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
        {
            return authorization["Bearer ".Length..].Trim();
        }

        return options.Value.AcceptTokenHeader ? headers[DocTokenHeader].FirstOrDefault() : null;
    }

    private static partial class Log
    {
        // The reason never contains the token.
        [LoggerMessage(EventId = 1110, Level = LogLevel.Information, Message = "Rejected caller of {Function}: {Reason}")]
        public static partial void Rejected(ILogger logger, string function, string reason);
    }
}
