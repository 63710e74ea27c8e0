using InternalApi.Core.Kubernetes;
using InternalApi.Functions.Hosting;

namespace InternalApi.Functions.Functions.Kubernetes;

/// <summary>
/// Validates a <c>usage_metrics</c> body like GitLab (spec §4.4): type errors first, all of them
/// (<c>counters[name] is invalid</c>, Grape's E1 shape), then negative counts (E2 400). Integer-looking
/// strings are integers (form bodies carry only strings); unknown names are dropped; zero increments and
/// empty id lists are skipped. The legacy flat names (<c>gitops_sync_count</c>, ...) were removed from
/// GitLab and are ignored like any unknown parameter.
/// </summary>
internal static class UsageMetricsValidator
{
    /// <summary>The counts to queue (null when there is nothing to count), or the 400 for the first problem kind found.</summary>
    public static UsageMetricsMessage? Validate(GrapeParameters parameters, DateTimeOffset receivedAt)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        var counters = new Dictionary<string, long>(StringComparer.Ordinal);
        var uniques = new Dictionary<string, long[]>(StringComparer.Ordinal);
        if (parameters.Hash("counters") is { } counterHash)
        {
            foreach (var name in UsageMetricsEvents.Counters)
            {
                if (counterHash.WholeNumber(name) is { } n)
                {
                    counters[name] = n;
                }
            }

            parameters.Absorb(counterHash);
        }

        if (parameters.Hash("unique_counters") is { } uniqueHash)
        {
            foreach (var name in UsageMetricsEvents.UniqueCounters)
            {
                if (uniqueHash.WholeNumbers(name) is { Count: > 0 } ids)
                {
                    uniques[name] = [.. ids];
                }
            }

            parameters.Absorb(uniqueHash);
        }

        parameters.ThrowIfAny();
        if (counters.FirstOrDefault(c => c.Value < 0) is { Key: not null } negative)
        {
            throw ApiErrorException.WithMessage(StatusCodes.Status400BadRequest, $"400 Bad request - {negative.Key} count must be greater than or equal to zero");
        }

        var kept = counters.Where(c => c.Value > 0).ToDictionary(c => c.Key, c => c.Value, StringComparer.Ordinal);
        return kept.Count == 0 && uniques.Count == 0 ? null : new UsageMetricsMessage { Counters = kept, UniqueCounters = uniques, ReceivedAt = receivedAt };
    }
}
