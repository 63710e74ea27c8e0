namespace InternalApi.Core.Kubernetes;

/// <summary>
/// Turns an <c>agent-events</c> message into usage-metric counts and applies them with the usage-metrics processor,
/// keyed on the queue message id: a redelivered message adds nothing twice (<see cref="UsageMetricsProcessor"/>).
/// </summary>
public sealed class AgentEventsProcessor(UsageMetricsProcessor metrics)
{
    /// <summary>The queue <c>agent_events</c> sends each validated call to.</summary>
    public const string QueueName = "agent-events";

    /// <summary>Applies the message; safe to call again with the same id.</summary>
    public Task ApplyAsync(string messageId, AgentEventsMessage message, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(message);
        return metrics.ApplyAsync(messageId, ToMetrics(message), cancellationToken);
    }

    /// <summary>User ids per event (events without a user count for nobody), their union, and the registrations.</summary>
    public static UsageMetricsMessage ToMetrics(AgentEventsMessage message)
    {
        ArgumentNullException.ThrowIfNull(message);
        var unique = new Dictionary<string, long[]>(StringComparer.Ordinal);
        foreach (var (name, events) in message.UserEvents)
        {
            if (events.Select(e => e.UserId).OfType<long>().Distinct().ToArray() is { Length: > 0 } users)
            {
                unique[name] = users;
            }
        }

        if (unique.Values.SelectMany(u => u).Distinct().ToArray() is { Length: > 0 } all)
        {
            unique[AgentEventNames.AllTunnelUsers] = all;
        }

        if (message.Registrations.Select(r => r.AgentId).OfType<long>().Distinct().ToArray() is { Length: > 0 } agents)
        {
            unique[AgentEventNames.RegisteredAgents] = agents;
        }

        var counters = new Dictionary<string, long>(StringComparer.Ordinal);
        if (message.Registrations.Length > 0)
        {
            counters[AgentEventNames.RegistrationsCounter] = message.Registrations.Length;
        }

        return new UsageMetricsMessage { Counters = counters, UniqueCounters = unique, ReceivedAt = message.ReceivedAt };
    }
}
