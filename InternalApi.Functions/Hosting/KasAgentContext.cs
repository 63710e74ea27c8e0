using InternalApi.Core.Kubernetes;

namespace InternalApi.Functions.Hosting;

/// <summary>How a <see cref="FunctionAuth.KasAgentToken"/> function gets the agent the authenticator found.</summary>
public static class KasAgentContext
{
    /// <summary>
    /// The authenticated agent. Only the authenticator sets it, after both checks passed; a function reached
    /// without it (a wrong declaration) fails closed with the agent token's 401.
    /// </summary>
    public static AuthenticatedAgent Agent(this HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        return context.Features.Get<AuthenticatedAgent>()
            ?? throw ApiErrorException.WithMessage(StatusCodes.Status401Unauthorized, "401 Unauthorized");
    }
}
