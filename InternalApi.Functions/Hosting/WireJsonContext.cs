using System.Text.Json.Serialization;

namespace InternalApi.Functions.Hosting;

/// <summary>Source-generated serialization of the pipeline's own wire types (the error bodies): snake_case on the wire.</summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower,
    NumberHandling = JsonNumberHandling.AllowReadingFromString,
    UnmappedMemberHandling = JsonUnmappedMemberHandling.Skip)]
[JsonSerializable(typeof(MessageError))]
[JsonSerializable(typeof(ParameterError))]
[JsonSerializable(typeof(StatusMessageError))]
public sealed partial class WireJsonContext : JsonSerializerContext
{
    /// <summary>The same types with the wire's escaping (see <see cref="WireJsonOptions"/>).</summary>
    public static WireJsonContext Wire { get; } = new(WireJsonOptions.Create());
}
