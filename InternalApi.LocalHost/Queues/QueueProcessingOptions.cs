using Azure.Storage.Queues;

namespace InternalApi.LocalHost.Queues;

/// <summary>
/// The host's queue-trigger settings (<c>extensions.queues</c> in host.json), which the local host's
/// listener obeys so that local runs behave like Azure. Configuration section <c>Queues</c> overrides
/// host.json (tests use it for short polling intervals).
/// </summary>
public sealed class QueueProcessingOptions
{
    /// <summary>Configuration section.</summary>
    public const string SectionName = "Queues";

    /// <summary>Messages fetched and processed in parallel per function (1–32).</summary>
    public int BatchSize { get; set; } = 16;

    /// <summary>Attempts before a message moves to <c>&lt;queue&gt;-poison</c>.</summary>
    public int MaxDequeueCount { get; set; } = 5;

    /// <summary>Delay before a failed message becomes visible again.</summary>
    public TimeSpan VisibilityTimeout { get; set; } = TimeSpan.Zero;

    /// <summary>Back-off ceiling when a queue is empty (minimum 100 ms).</summary>
    public TimeSpan MaxPollingInterval { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>How long a received message stays invisible while its function runs.</summary>
    public TimeSpan LeaseDuration { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>base64 (default) or none.</summary>
    public QueueMessageEncoding MessageEncoding { get; set; } = QueueMessageEncoding.Base64;

    /// <summary>Whether the local host polls queues at all.</summary>
    public bool DispatcherEnabled { get; set; } = true;

    /// <summary>
    /// The first poll waits for the first HTTP answer, or this long after start, whichever comes first (so a cold
    /// start answers its request without pollers competing for the CPU).
    /// </summary>
    public TimeSpan StartDelay { get; set; } = TimeSpan.FromSeconds(1);
}
