using System.Globalization;
using System.Text.Json;

namespace InternalApi.LocalHost.FunctionApp;

/// <summary>
/// What the host reads from the function app's folder before it starts the worker: <c>host.json</c> (route prefix,
/// queue settings) and <c>worker.config.json</c> (how to launch the worker). Functions themselves come from the
/// worker (worker indexing), or from <c>functions.metadata</c> when the worker asks for default indexing.
/// </summary>
public sealed class FunctionAppFolder
{
    private FunctionAppFolder(string directory, string routePrefix, WorkerDescription worker)
    {
        Directory = directory;
        RoutePrefix = routePrefix;
        Worker = worker;
    }

    /// <summary>The script root (absolute).</summary>
    public string Directory { get; }

    /// <summary><c>extensions.http.routePrefix</c>, <c>api</c> when absent (the host's default), without slashes.</summary>
    public string RoutePrefix { get; }

    /// <summary>From <c>worker.config.json</c>.</summary>
    public WorkerDescription Worker { get; }

    /// <summary>Path of a file of the app.</summary>
    public string PathOf(string file) => Path.Combine(Directory, file);

    /// <summary>Reads the folder; throws with the folder's name when it is not a built function app.</summary>
    public static FunctionAppFolder Load(string directory)
    {
        var root = Path.GetFullPath(directory);
        var config = Path.Combine(root, "worker.config.json");
        if (!File.Exists(config))
        {
            throw new FileNotFoundException($"{root} holds no worker.config.json: point LocalHost:ScriptRoot at the build or publish output of InternalApi.Functions.", config);
        }

        return new FunctionAppFolder(root, ReadRoutePrefix(Path.Combine(root, "host.json")), WorkerDescription.Read(config));
    }

    /// <summary>Applies <c>extensions.queues</c> of host.json to <paramref name="options"/>.</summary>
    public void ApplyQueueSettings(Queues.QueueProcessingOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var path = PathOf("host.json");
        if (!File.Exists(path))
        {
            return;
        }

        using var doc = Parse(path);
        if (!doc.RootElement.TryGetProperty("extensions", out var ext) || !ext.TryGetProperty("queues", out var q))
        {
            return;
        }

        if (q.TryGetProperty("batchSize", out var b) && b.TryGetInt32(out var batch))
        {
            options.BatchSize = Math.Clamp(batch, 1, 32);
        }

        if (q.TryGetProperty("maxDequeueCount", out var m) && m.TryGetInt32(out var max))
        {
            options.MaxDequeueCount = Math.Max(1, max);
        }

        if (q.TryGetProperty("visibilityTimeout", out var v) && TimeSpan.TryParse(v.GetString(), CultureInfo.InvariantCulture, out var visibility))
        {
            options.VisibilityTimeout = visibility;
        }

        if (q.TryGetProperty("maxPollingInterval", out var p) && TimeSpan.TryParse(p.GetString(), CultureInfo.InvariantCulture, out var polling))
        {
            options.MaxPollingInterval = polling;
        }

        if (q.TryGetProperty("messageEncoding", out var e))
        {
            options.MessageEncoding = string.Equals(e.GetString(), "none", StringComparison.OrdinalIgnoreCase)
                ? Azure.Storage.Queues.QueueMessageEncoding.None
                : Azure.Storage.Queues.QueueMessageEncoding.Base64;
        }
    }

    private static string ReadRoutePrefix(string path)
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

/// <summary>The <c>description</c> of <c>worker.config.json</c>, as the host uses it to start the worker.</summary>
public sealed record WorkerDescription(string Language, string Executable, string WorkerPath, bool WorkerIndexing)
{
    /// <summary>Reads the SDK-generated file.</summary>
    public static WorkerDescription Read(string path)
    {
        using var doc = FunctionAppFolder.Parse(path);
        var description = doc.RootElement.TryGetProperty("description", out var d) ? d : throw new InvalidDataException($"{path} has no description.");
        string Text(string name, string fallback) =>
            description.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString()! : fallback;

        var indexing = description.TryGetProperty("workerIndexing", out var i) &&
                       (i.ValueKind == JsonValueKind.True || (i.ValueKind == JsonValueKind.String && bool.TryParse(i.GetString(), out var on) && on));
        var workerPath = Text("defaultWorkerPath", "");
        if (workerPath.Length == 0)
        {
            throw new InvalidDataException($"{path} names no defaultWorkerPath.");
        }

        return new WorkerDescription(Text("language", "dotnet-isolated"), Text("defaultExecutablePath", "dotnet"), workerPath, indexing);
    }
}
