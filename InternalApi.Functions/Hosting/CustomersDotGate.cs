using InternalApi.Core.CustomersDot;

namespace InternalApi.Functions.Hosting;

/// <summary>
/// Authentication of <c>/internal/gitlab_subscriptions</c> as GitLab's internal subscriptions API does it: a request
/// carrying <c>X-Customers-Dot-Internal-Token</c> is judged by that JWT alone (401 <c>401 Unauthorized</c> when it
/// fails, also when no issuer is configured); a request without it must bring an administrator's personal access
/// token (GitLab's deprecated <c>authenticated_as_admin!</c> path). While the issuer's keys cannot be fetched the
/// token cannot be judged: 503 with <c>Retry-After</c>, which CustomersDot retries, rather than a 401 it would not.
/// </summary>
public sealed partial class CustomersDotGate(CustomersDotTokenValidator tokens, AdminTokenGate adminTokens, ILogger<CustomersDotGate> logger)
{
    /// <summary>Throws the refusal; returns when the caller may proceed.</summary>
    public async Task AuthenticateAsync(HttpContext context, string functionName)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (context.Request.Headers[CustomersDotTokenValidator.Header].FirstOrDefault() is not { Length: > 0 } token)
        {
            await adminTokens.AuthenticateAsync(context, functionName, FunctionAuth.AdminToken);
            return;
        }

        switch (await tokens.ValidateAsync(token, context.RequestAborted))
        {
            case CustomersDotTokenOutcome.Valid:
                return;
            case CustomersDotTokenOutcome.IssuerUnavailable:
                context.Response.Headers.RetryAfter = HttpFunctionPipeline.RetryAfterSeconds;
                throw ApiErrorException.WithMessage(StatusCodes.Status503ServiceUnavailable, "503 Service Unavailable");
            default:
                Log.Rejected(logger, functionName, tokens.Enabled ? "the CustomersDot token is not valid" : "no CustomersDot issuer is configured (CustomersDot:MetadataAddress)");
                throw ApiErrorException.WithMessage(StatusCodes.Status401Unauthorized, "401 Unauthorized");
        }
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 1125, Level = LogLevel.Information, Message = "Rejected caller of {Function}: {Reason}")]
        public static partial void Rejected(ILogger logger, string function, string reason);
    }
}

/// <summary>Says once, when the app starts, that CustomersDot's JWT routes will refuse every token.</summary>
public sealed partial class CustomersDotStartupNotice(CustomersDotTokenValidator tokens, ILogger<CustomersDotStartupNotice> logger) : IHostedService
{
    /// <inheritdoc/>
    public Task StartAsync(CancellationToken cancellationToken)
    {
        if (!tokens.Enabled)
        {
            Log.NotConfigured(logger);
        }

        return Task.CompletedTask;
    }

    /// <inheritdoc/>
    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    private static partial class Log
    {
        // Information, not a warning: an instance that CustomersDot does not call (most self-managed ones) leaves it unset.
        [LoggerMessage(EventId = 1126, Level = LogLevel.Information, Message = "CustomersDot:MetadataAddress is not set: /api/v4/internal/gitlab_subscriptions answers 401 to every CustomersDot token")]
        public static partial void NotConfigured(ILogger logger);
    }
}
