using System.Globalization;
using Azure.Data.Tables;
using InternalApi.Core.Storage;

namespace InternalApi.Core.Kubernetes;

/// <summary>
/// One line of the report: <paramref name="Value"/> is the counter's total or the unique counter's distinct
/// count over the requested days; <paramref name="AllTime"/> is a counter's total over every day (null for
/// unique counters, whose distinct count only means something over a stated range).
/// </summary>
public sealed record UsageMetricsFigure(string Event, bool Unique, long Value, long? AllTime = null);

/// <summary>Operator read side: counter totals and distinct counts over a UTC day range (inclusive).</summary>
public sealed class UsageMetricsReport(UsageMetricsTables names)
{
    /// <summary>Every known event with its total (counters) or distinct count (unique counters) in the range.</summary>
    public async Task<IReadOnlyList<UsageMetricsFigure>> GetAsync(DateOnly from, DateOnly to, CancellationToken cancellationToken = default)
    {
        var figures = new List<UsageMetricsFigure>();
        foreach (var name in UsageMetricsEvents.Counters.Concat(UsageMetricsEvents.AgentEventCounters))
        {
            figures.Add(new(name, false, await TotalAsync(name, from, to, cancellationToken), await TotalAsync(name, cancellationToken)));
        }

        foreach (var name in UsageMetricsEvents.UniqueCounters.Concat(UsageMetricsEvents.AgentEventUniqueCounters))
        {
            figures.Add(new(name, true, await DistinctAsync(name, from, to, cancellationToken)));
        }

        return figures;
    }

    /// <summary>Sum of a counter's daily totals in the range.</summary>
    public async Task<long> TotalAsync(string name, DateOnly from, DateOnly to, CancellationToken cancellationToken = default)
    {
        long sum = 0;
        var filter = TableClient.CreateQueryFilter($"PartitionKey ge {UsageMetricsProcessor.CounterPartition(name, Day(from))} and PartitionKey le {UsageMetricsProcessor.CounterPartition(name, Day(to))} and RowKey eq {"total"}");
        await foreach (var e in names.UsageMetrics.QueryAsync<TableEntity>(filter, select: ["Value"], cancellationToken: cancellationToken))
        {
            sum += e.GetInt64("Value") ?? 0;
        }

        return sum;
    }

    /// <summary>A counter's total over every day recorded (the sum of its daily totals).</summary>
    public async Task<long> TotalAsync(string name, CancellationToken cancellationToken = default)
    {
        // Every day partition of the event lies between "c|<event>|" and "c|<event>}" ('}' sorts right after '|').
        long sum = 0;
        var filter = TableClient.CreateQueryFilter($"PartitionKey gt {UsageMetricsProcessor.CounterPartition(name, "")} and PartitionKey lt {"c|" + name + "}"} and RowKey eq {"total"}");
        await foreach (var e in names.UsageMetrics.QueryAsync<TableEntity>(filter, select: ["Value"], cancellationToken: cancellationToken))
        {
            sum += e.GetInt64("Value") ?? 0;
        }

        return sum;
    }

    /// <summary>Distinct ids of a unique counter across the days of the range.</summary>
    public async Task<long> DistinctAsync(string name, DateOnly from, DateOnly to, CancellationToken cancellationToken = default)
    {
        var ids = new HashSet<string>(StringComparer.Ordinal);
        var filter = TableClient.CreateQueryFilter($"PartitionKey ge {UsageMetricsProcessor.UniquePartition(name, Day(from))} and PartitionKey le {UsageMetricsProcessor.UniquePartition(name, Day(to))}");
        await foreach (var e in names.UsageMetrics.QueryAsync<TableEntity>(filter, select: ["RowKey"], cancellationToken: cancellationToken))
        {
            ids.Add(e.RowKey);
        }

        return ids.Count;
    }

    private static string Day(DateOnly d) => d.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
}
