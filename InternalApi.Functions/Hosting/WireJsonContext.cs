using System.Text.Json.Serialization;
using InternalApi.Functions.Functions;

namespace InternalApi.Functions.Hosting;

/// <summary>Source-generated serialization for every GitLab wire type: snake_case on the wire.</summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower,
    NumberHandling = JsonNumberHandling.AllowReadingFromString,
    UnmappedMemberHandling = JsonUnmappedMemberHandling.Skip)]
[JsonSerializable(typeof(MessageError))]
[JsonSerializable(typeof(ParameterError))]
[JsonSerializable(typeof(CheckResponse))]
[JsonSerializable(typeof(HealthResponse))]
[JsonSerializable(typeof(PingMessage))]
public sealed partial class WireJsonContext : JsonSerializerContext
{
    /// <summary>The same types with the wire's escaping (see <see cref="WireJsonOptions"/>).</summary>
    public static WireJsonContext Wire { get; } = new(WireJsonOptions.Create());
}
