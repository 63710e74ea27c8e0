using System.Text.Json;
using System.Text.Json.Serialization;

namespace InternalApi.Functions.LocalHost;

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
    [JsonIgnore]
    public FunctionBinding? Trigger => Bindings.FirstOrDefault(b => b.Type.EndsWith("Trigger", StringComparison.OrdinalIgnoreCase));

    /// <summary>True for HTTP-triggered functions.</summary>
    [JsonIgnore]
    public bool IsHttp => string.Equals(Trigger?.Type, "httpTrigger", StringComparison.OrdinalIgnoreCase);

    /// <summary>True for queue-triggered functions.</summary>
    [JsonIgnore]
    public bool IsQueue => string.Equals(Trigger?.Type, "queueTrigger", StringComparison.OrdinalIgnoreCase);

    /// <summary>Reads the file the SDK generates next to the built assembly.</summary>
    public static IReadOnlyList<FunctionMetadata> Load(string path)
    {
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"functions.metadata not found at {path}: build InternalApi.Functions first (the Functions SDK writes it).", path);
        }

        return JsonSerializer.Deserialize(File.ReadAllBytes(path), LocalHostJsonContext.Default.IReadOnlyListFunctionMetadata) ?? [];
    }
}

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, PropertyNameCaseInsensitive = true, ReadCommentHandling = JsonCommentHandling.Skip)]
[JsonSerializable(typeof(IReadOnlyList<FunctionMetadata>))]
internal sealed partial class LocalHostJsonContext : JsonSerializerContext;
