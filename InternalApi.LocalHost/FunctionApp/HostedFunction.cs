using System.Text.Json;
using InternalApi.LocalHost.Rpc;

namespace InternalApi.LocalHost.FunctionApp;

/// <summary>A function the worker has loaded, with the trigger the host serves it by.</summary>
public sealed record HostedFunction(string Id, string Name, FunctionTrigger Trigger)
{
    /// <summary>
    /// Reads a function from the metadata the worker indexed (or <c>functions.metadata</c>): its trigger is the one
    /// raw binding of type <c>…Trigger</c>. Functions with a trigger the host does not serve are kept as such.
    /// </summary>
    public static HostedFunction From(RpcFunctionMetadata metadata)
    {
        ArgumentNullException.ThrowIfNull(metadata);
        FunctionTrigger trigger = new UnsupportedTrigger("none", "");
        foreach (var raw in metadata.RawBindings)
        {
            using var binding = JsonDocument.Parse(raw);
            var root = binding.RootElement;
            var type = Text(root, "type") ?? "";
            var name = Text(root, "name") ?? "";
            if (type.Equals("httpTrigger", StringComparison.OrdinalIgnoreCase))
            {
                var methods = Property(root, "methods") is { ValueKind: JsonValueKind.Array } list
                    ? list.EnumerateArray().Select(m => (m.GetString() ?? "").ToUpperInvariant()).Where(m => m.Length > 0).ToArray()
                    : [];
                trigger = new HttpTrigger(name, Text(root, "route") ?? metadata.Name, methods);
                break;
            }

            if (type.Equals("queueTrigger", StringComparison.OrdinalIgnoreCase))
            {
                trigger = new QueueTrigger(name, Text(root, "queueName") ?? "", Text(root, "connection") ?? "AzureWebJobsStorage");
                break;
            }

            if (type.EndsWith("Trigger", StringComparison.OrdinalIgnoreCase))
            {
                trigger = new UnsupportedTrigger(type, name);
                break;
            }
        }

        return new HostedFunction(metadata.FunctionId, metadata.Name, trigger);
    }

    /// <summary>The bindings as the load request carries them (type, direction, data type), from the raw JSON when the metadata lacks them.</summary>
    public static void FillBindings(RpcFunctionMetadata metadata)
    {
        ArgumentNullException.ThrowIfNull(metadata);
        if (metadata.Bindings.Count > 0)
        {
            return;
        }

        foreach (var raw in metadata.RawBindings)
        {
            using var binding = JsonDocument.Parse(raw);
            var root = binding.RootElement;
            var info = new BindingInfo
            {
                Type = Text(root, "type") ?? "",
                Direction = (Text(root, "direction") ?? "in").ToUpperInvariant() switch
                {
                    "OUT" => BindingInfo.Types.Direction.Out,
                    "INOUT" => BindingInfo.Types.Direction.Inout,
                    _ => BindingInfo.Types.Direction.In,
                },
            };
            if (Text(root, "dataType") is { } dataType && Enum.TryParse<BindingInfo.Types.DataType>(dataType, ignoreCase: true, out var parsed))
            {
                info.DataType = parsed;
            }

            metadata.Bindings[Text(root, "name") ?? ""] = info;
        }
    }

    /// <summary>
    /// <c>functions.metadata</c> as <see cref="RpcFunctionMetadata"/>, for a worker that answers the metadata request
    /// with <c>use_default_metadata_indexing</c>. The host gives each function an id of its own then.
    /// </summary>
    public static IReadOnlyList<RpcFunctionMetadata> ReadMetadataFile(string path)
    {
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"functions.metadata not found at {path}: build InternalApi.Functions first (the Functions SDK writes it).", path);
        }

        using var doc = FunctionAppFolder.Parse(path);
        var functions = new List<RpcFunctionMetadata>();
        foreach (var entry in doc.RootElement.EnumerateArray())
        {
            var metadata = new RpcFunctionMetadata
            {
                Name = Text(entry, "name") ?? "",
                ScriptFile = Text(entry, "scriptFile") ?? "",
                EntryPoint = Text(entry, "entryPoint") ?? "",
                Language = Text(entry, "language") ?? "dotnet-isolated",
                FunctionId = Guid.NewGuid().ToString(),
            };
            if (Property(entry, "bindings") is { ValueKind: JsonValueKind.Array } bindings)
            {
                metadata.RawBindings.AddRange(bindings.EnumerateArray().Select(b => b.GetRawText()));
            }

            FillBindings(metadata);
            functions.Add(metadata);
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

/// <summary>How a function is triggered; <see cref="Parameter"/> is the trigger's binding name.</summary>
public abstract record FunctionTrigger(string Parameter);

/// <summary>An HTTP trigger: its route (relative to the route prefix) and methods (upper case; none means all).</summary>
public sealed record HttpTrigger(string Parameter, string Route, IReadOnlyList<string> Methods) : FunctionTrigger(Parameter);

/// <summary>A queue trigger.</summary>
public sealed record QueueTrigger(string Parameter, string QueueName, string Connection) : FunctionTrigger(Parameter);

/// <summary>A trigger the local host does not serve (timers, blobs, ...): the function is loaded, never invoked.</summary>
public sealed record UnsupportedTrigger(string Type, string Parameter) : FunctionTrigger(Parameter);
