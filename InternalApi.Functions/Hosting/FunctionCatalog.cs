using InternalApi.Functions.Functions;

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
        Ping.Function,
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
