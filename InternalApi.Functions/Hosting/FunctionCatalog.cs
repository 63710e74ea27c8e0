using InternalApi.Functions.Functions;
using InternalApi.Functions.Functions.ErrorTracking;
using InternalApi.Functions.Functions.Git;
using InternalApi.Functions.Functions.Kubernetes;
using InternalApi.Functions.Functions.Receive;
using InternalApi.Functions.Functions.Shell;

namespace InternalApi.Functions.Hosting;

/// <summary>
/// Every function the app exposes, declared once. Routes are mapped from it, function.json files are
/// generated from it, and the standalone dispatcher polls its queues. No assembly scanning: a function
/// that is not listed here does not exist.
/// </summary>
public sealed class FunctionCatalog(IReadOnlyList<FunctionDefinition> functions)
{
    /// <summary>The production catalog.</summary>
    public static FunctionCatalog Default { get; } = new(
    [
        Health.Function,
        Check.Function,

        // Git and shell (spec §3)
        Allowed.Function,
        LfsAuthenticate.Function,
        AuthorizedKeys.Function,
        Discover.Function,
        TwoFactorRecoveryCodes.Function,
        PersonalAccessTokens.Function,
        PreReceive.Function,
        PostReceiveHook.Function,
        ErrorTrackingAllowed.Function,

        // Kubernetes agent server (spec §4)
        KubernetesUsageMetrics.Function,

        // Queue-triggered
        Ping.Function,
        PostReceive.Function,
        UsageMetrics.Function,
    ]);

    /// <summary>All functions.</summary>
    public IReadOnlyList<FunctionDefinition> Functions { get; } = Validate(functions);

    /// <summary>HTTP-triggered functions.</summary>
    public IEnumerable<HttpFunction> HttpFunctions => Functions.OfType<HttpFunction>();

    /// <summary>Queue-triggered functions.</summary>
    public IEnumerable<QueueFunction> QueueFunctions => Functions.OfType<QueueFunction>();

    private static IReadOnlyList<FunctionDefinition> Validate(IReadOnlyList<FunctionDefinition> functions)
    {
        ArgumentNullException.ThrowIfNull(functions);
        var duplicate = functions.GroupBy(f => f.Name, StringComparer.OrdinalIgnoreCase).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null)
        {
            throw new InvalidOperationException($"Function name '{duplicate.Key}' is declared twice.");
        }

        return functions;
    }
}
