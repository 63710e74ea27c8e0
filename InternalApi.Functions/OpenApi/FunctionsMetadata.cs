using System.Text.Json;

namespace InternalApi.Functions.OpenApi;

/// <summary>One binding of a function, as the Functions SDK writes it into <c>functions.metadata</c>.</summary>
public sealed record FunctionBinding
{
    /// <summary>Parameter name.</summary>
    public string Name { get; init; } = "";

    /// <summary><c>httpTrigger</c>, <c>queueTrigger</c>, <c>http</c> (output), ...</summary>
    public string Type { get; init; } = "";

    /// <summary><c>In</c> or <c>Out</c>.</summary>
    public string? Direction { get; init; }

    /// <summary>HTTP methods (lower case).</summary>
    public IReadOnlyList<string>? Methods { get; init; }

    /// <summary>Route template, relative to the route prefix.</summary>
    public string? Route { get; init; }

    /// <summary>Queue name of a queue trigger.</summary>
    public string? QueueName { get; init; }

    /// <summary>Connection setting name of a queue trigger.</summary>
    public string? Connection { get; init; }
}

/// <summary>One function entry of <c>functions.metadata</c>.</summary>
public sealed record FunctionMetadata
{
    /// <summary>Function name.</summary>
    public string Name { get; init; } = "";

    /// <summary>Assembly file.</summary>
    public string ScriptFile { get; init; } = "";

    /// <summary><c>Namespace.Class.Method</c>.</summary>
    public string EntryPoint { get; init; } = "";

    /// <summary>Triggers and bindings.</summary>
    public IReadOnlyList<FunctionBinding> Bindings { get; init; } = [];

    /// <summary>The trigger binding.</summary>
    public FunctionBinding? Trigger => Bindings.FirstOrDefault(b => b.Type.EndsWith("Trigger", StringComparison.OrdinalIgnoreCase));

    /// <summary>True for HTTP-triggered functions.</summary>
    public bool IsHttp => string.Equals(Trigger?.Type, "httpTrigger", StringComparison.OrdinalIgnoreCase);

    /// <summary>True for queue-triggered functions.</summary>
    public bool IsQueue => string.Equals(Trigger?.Type, "queueTrigger", StringComparison.OrdinalIgnoreCase);

    /// <summary>
    /// Reads the file the SDK generates next to the built assembly. Through <see cref="JsonDocument"/>, not the
    /// serializer: on a cold start the serializer's first use costs ~20-30 ms the local host's first answer pays.
    /// Property names match without regard to case, as the host reads them.
    /// </summary>
    public static IReadOnlyList<FunctionMetadata> Load(string path)
    {
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"functions.metadata not found at {path}: build InternalApi.Functions first (the Functions SDK writes it).", path);
        }

        using var document = HostJson.Parse(path);
        if (document.RootElement.ValueKind != JsonValueKind.Array)
        {
            throw new InvalidDataException($"{path}: functions.metadata is not a JSON array.");
        }

        var functions = new List<FunctionMetadata>();
        foreach (var entry in document.RootElement.EnumerateArray())
        {
            var bindings = new List<FunctionBinding>();
            if (Property(entry, "bindings") is { ValueKind: JsonValueKind.Array } list)
            {
                foreach (var b in list.EnumerateArray())
                {
                    bindings.Add(new FunctionBinding
                    {
                        Name = Text(b, "name") ?? "",
                        Type = Text(b, "type") ?? "",
                        Direction = Text(b, "direction"),
                        Methods = Property(b, "methods") is { ValueKind: JsonValueKind.Array } methods
                            ? [.. methods.EnumerateArray().Select(m => m.GetString() ?? "")]
                            : null,
                        Route = Text(b, "route"),
                        QueueName = Text(b, "queueName"),
                        Connection = Text(b, "connection"),
                    });
                }
            }

            functions.Add(new FunctionMetadata
            {
                Name = Text(entry, "name") ?? "",
                ScriptFile = Text(entry, "scriptFile") ?? "",
                EntryPoint = Text(entry, "entryPoint") ?? "",
                Bindings = bindings,
            });
        }

        return functions;
    }

    private static JsonElement? Property(JsonElement element, string name)
    {
        if (element.ValueKind == JsonValueKind.Object)
        {
            foreach (var property in element.EnumerateObject())
            {
                if (string.Equals(property.Name, name, StringComparison.OrdinalIgnoreCase))
                {
                    return property.Value;
                }
            }
        }

        return null;
    }

    private static string? Text(JsonElement element, string name) =>
        Property(element, name) is { ValueKind: JsonValueKind.String } value ? value.GetString() : null;
}
