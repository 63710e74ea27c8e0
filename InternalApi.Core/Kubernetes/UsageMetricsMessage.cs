using System.Text.Json.Serialization;

namespace InternalApi.Core.Kubernetes;

/// <summary>The message on queue <c>usage-metrics</c>: one validated <c>usage_metrics</c> call.</summary>
public sealed record UsageMetricsMessage
{
    /// <summary>Increments per counter event (zeros already dropped).</summary>
    public Dictionary<string, long> Counters { get; init; } = [];

    /// <summary>Ids per unique-counter event (empty arrays already dropped).</summary>
    public Dictionary<string, long[]> UniqueCounters { get; init; } = [];

    /// <summary>When the call was received; its UTC date is the day the ids count for.</summary>
    public required DateTimeOffset ReceivedAt { get; init; }
}

/// <summary>Source-generated JSON for this area's queue messages.</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower)]
[JsonSerializable(typeof(UsageMetricsMessage))]
[JsonSerializable(typeof(AgentEventsMessage))]
public sealed partial class KubernetesJsonContext : JsonSerializerContext;
