using System.Text.Json;
using System.Text.Json.Nodes;

namespace InternalApi.Functions.Hosting;

/// <summary>
/// Writes one <c>&lt;Name&gt;/function.json</c> per catalog entry, the layout the Functions host reads.
/// Run at build and publish time (see the csproj); the catalog in C# is the only source.
/// </summary>
public static class FunctionJsonGenerator
{
    /// <summary>Marker file listing the folders we generated, so stale ones can be removed safely.</summary>
    public const string ManifestFile = ".generated-functions";

    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    /// <summary>The function.json document for a function.</summary>
    public static JsonObject Describe(FunctionDefinition function) => function switch
    {
        HttpFunction http => new JsonObject
        {
            ["bindings"] = new JsonArray(
                new JsonObject
                {
                    ["type"] = "httpTrigger",
                    ["direction"] = "in",
                    ["name"] = "req",
                    // Auth is ours (JWTs); a function key would break gitlab-shell, which cannot send one.
                    ["authLevel"] = "anonymous",
                    ["methods"] = new JsonArray(http.Methods.Select(m => (JsonNode)JsonValue.Create(m.ToLowerInvariant())).ToArray()),
                    ["route"] = http.Route,
                },
                new JsonObject { ["type"] = "http", ["direction"] = "out", ["name"] = "res" }),
        },
        QueueFunction queue => new JsonObject
        {
            ["bindings"] = new JsonArray(
                new JsonObject
                {
                    ["type"] = "queueTrigger",
                    ["direction"] = "in",
                    ["name"] = QueueFunction.TriggerBindingName,
                    ["queueName"] = queue.QueueName,
                    ["connection"] = queue.Connection,
                }),
        },
        _ => throw new ArgumentOutOfRangeException(nameof(function)),
    };

    /// <summary>Writes all function folders under <paramref name="outputDirectory"/> and removes ones no longer in the catalog.</summary>
    public static IReadOnlyList<string> Generate(IEnumerable<FunctionDefinition> functions, string outputDirectory)
    {
        ArgumentNullException.ThrowIfNull(functions);
        Directory.CreateDirectory(outputDirectory);
        var manifest = Path.Combine(outputDirectory, ManifestFile);
        var previous = File.Exists(manifest) ? File.ReadAllLines(manifest) : [];
        var written = new List<string>();
        foreach (var function in functions)
        {
            var dir = Path.Combine(outputDirectory, function.Name);
            Directory.CreateDirectory(dir);
            var text = Describe(function).ToJsonString(Indented) + "\n";
            var path = Path.Combine(dir, "function.json");
            // Only touch the file when it changes, so incremental builds stay incremental.
            if (!File.Exists(path) || File.ReadAllText(path) != text)
            {
                File.WriteAllText(path, text);
            }

            written.Add(function.Name);
        }

        foreach (var stale in previous.Except(written, StringComparer.Ordinal))
        {
            var dir = Path.Combine(outputDirectory, stale);
            if (stale.Length > 0 && !stale.Contains('/', StringComparison.Ordinal) && !stale.Contains("..", StringComparison.Ordinal) && Directory.Exists(dir))
            {
                Directory.Delete(dir, recursive: true);
            }
        }

        File.WriteAllLines(manifest, written);
        return written;
    }
}
