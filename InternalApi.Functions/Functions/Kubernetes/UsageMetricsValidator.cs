using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
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
    public static UsageMetricsMessage? Validate(JsonObject parameters, DateTimeOffset receivedAt)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        var errors = new List<string>();
        var counters = new Dictionary<string, long>(StringComparer.Ordinal);
        var uniques = new Dictionary<string, long[]>(StringComparer.Ordinal);

        var counterNode = parameters["counters"];
        if (counterNode is not (null or JsonObject))
        {
            errors.Add("counters is invalid");
        }
        else if (counterNode is JsonObject counterObject)
        {
            foreach (var name in UsageMetricsEvents.Counters)
            {
                if (!counterObject.TryGetPropertyValue(name, out var value) || value is null)
                {
                    continue;
                }

                if (Integer(value) is { } n)
                {
                    counters[name] = n;
                }
                else
                {
                    errors.Add($"counters[{name}] is invalid");
                }
            }
        }

        var uniqueNode = parameters["unique_counters"];
        if (uniqueNode is not (null or JsonObject))
        {
            errors.Add("unique_counters is invalid");
        }
        else if (uniqueNode is JsonObject uniqueObject)
        {
            foreach (var name in UsageMetricsEvents.UniqueCounters)
            {
                if (!uniqueObject.TryGetPropertyValue(name, out var value) || value is null)
                {
                    continue;
                }

                var ids = value is JsonArray array ? array.Select(v => v is null ? null : Integer(v)).ToList() : null;
                if (ids is null || ids.Any(i => i is null))
                {
                    errors.Add($"unique_counters[{name}] is invalid");
                }
                else if (ids.Count > 0)
                {
                    uniques[name] = ids.Select(i => i!.Value).ToArray();
                }
            }
        }

        if (errors.Count > 0)
        {
            throw ApiErrorException.Parameters(errors);
        }

        if (counters.FirstOrDefault(c => c.Value < 0) is { Key: not null } negative)
        {
            throw ApiErrorException.WithMessage(StatusCodes.Status400BadRequest, $"400 Bad request - {negative.Key} count must be greater than or equal to zero");
        }

        var kept = counters.Where(c => c.Value > 0).ToDictionary(c => c.Key, c => c.Value, StringComparer.Ordinal);
        return kept.Count == 0 && uniques.Count == 0 ? null : new UsageMetricsMessage { Counters = kept, UniqueCounters = uniques, ReceivedAt = receivedAt };
    }

    private static long? Integer(JsonNode node) => node is JsonValue v ? v.GetValueKind() switch
    {
        JsonValueKind.Number when v.TryGetValue<long>(out var n) => n,
        JsonValueKind.Number when v.TryGetValue<double>(out var d) && d == Math.Floor(d) && Math.Abs(d) < 9e15 => (long)d,
        JsonValueKind.String when long.TryParse(v.GetValue<string>().Trim(), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var s) => s,
        _ => null,
    } : null;
}
