using InternalApi.Core.Auth;

namespace InternalApi.Functions.Hosting;

/// <summary>
/// Authenticates the calling component per function, after routing and before any parameter binding,
/// so a request without valid credentials is answered 401 before anything is looked at (spec §3).
/// </summary>
public sealed partial class FunctionAuthMiddleware(RequestDelegate next, InternalAuthenticator authenticator, ILogger<FunctionAuthMiddleware> logger)
{
    /// <summary>Shell JWT header.</summary>
    public const string ShellHeader = "Gitlab-Shell-Api-Request";

    /// <summary>Legacy shared-secret header (older docs).</summary>
    public const string LegacySecretHeader = "Gitlab-Shared-Secret";

    /// <summary>KAS JWT header.</summary>
    public const string KasHeader = "Gitlab-Kas-Api-Request";

    /// <summary>Checks the credential the matched function requires.</summary>
    public async Task InvokeAsync(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var function = context.GetEndpoint()?.Metadata.GetMetadata<HttpFunction>();
        switch (function?.Auth)
        {
            case FunctionAuth.ShellJwt:
                {
                    var legacy = await LegacySecretParameterAsync(context);
                    var result = await authenticator.AuthenticateShellAsync(
                        context.Request.Headers[ShellHeader].FirstOrDefault(),
                        context.Request.Headers[LegacySecretHeader].FirstOrDefault(),
                        legacy);
                    if (!result.IsValid)
                    {
                        Log.Rejected(logger, function.Name, result.Reason);
                        throw ApiErrorException.WithMessage(StatusCodes.Status401Unauthorized, "401 Unauthorized");
                    }

                    break;
                }

            case FunctionAuth.KasJwt:
                {
                    var result = await authenticator.AuthenticateKasAsync(context.Request.Headers[KasHeader].FirstOrDefault());
                    if (!result.IsValid)
                    {
                        Log.Rejected(logger, function.Name, result.Reason);
                        throw ApiErrorException.WithMessage(StatusCodes.Status401Unauthorized, "KAS JWT authentication invalid");
                    }

                    break;
                }
        }

        await next(context);
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
    }
}
