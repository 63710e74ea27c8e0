using System.Globalization;
using System.Text.Json;
using Azure.Storage.Queues;

namespace InternalApi.Functions.LocalHost;

/// <summary>What the local host reads from host.json besides the queue settings.</summary>
public static class HostJson
{
    /// <summary><c>extensions.http.routePrefix</c>, <c>api</c> when absent (the host's default).</summary>
    public static string RoutePrefix(string path)
    {
        if (!File.Exists(path))
        {
            return "api";
        }

        using var doc = Parse(path);
        return doc.RootElement.TryGetProperty("extensions", out var ext) && ext.TryGetProperty("http", out var http) &&
               http.TryGetProperty("routePrefix", out var prefix) && prefix.ValueKind == JsonValueKind.String
            ? prefix.GetString()!.Trim('/')
            : "api";
    }

    internal static JsonDocument Parse(string path) =>
        JsonDocument.Parse(File.ReadAllText(path), new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true });
}

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

    /// <summary>Applies <c>extensions.queues</c> from a host.json file, when present.</summary>
    public void ApplyHostJson(string path)
    {
        if (!File.Exists(path))
        {
            return;
        }

        using var doc = HostJson.Parse(path);
        if (!doc.RootElement.TryGetProperty("extensions", out var ext) || !ext.TryGetProperty("queues", out var q))
        {
            return;
        }

        if (q.TryGetProperty("batchSize", out var b) && b.TryGetInt32(out var batch))
        {
            BatchSize = Math.Clamp(batch, 1, 32);
        }

        if (q.TryGetProperty("maxDequeueCount", out var m) && m.TryGetInt32(out var max))
        {
            MaxDequeueCount = Math.Max(1, max);
        }

        if (q.TryGetProperty("visibilityTimeout", out var v) && TimeSpan.TryParse(v.GetString(), CultureInfo.InvariantCulture, out var vis))
        {
            VisibilityTimeout = vis;
        }

        if (q.TryGetProperty("maxPollingInterval", out var p) && TimeSpan.TryParse(p.GetString(), CultureInfo.InvariantCulture, out var poll))
        {
            MaxPollingInterval = poll;
        }

        if (q.TryGetProperty("messageEncoding", out var e))
        {
            MessageEncoding = string.Equals(e.GetString(), "none", StringComparison.OrdinalIgnoreCase) ? QueueMessageEncoding.None : QueueMessageEncoding.Base64;
        }
    }
}
