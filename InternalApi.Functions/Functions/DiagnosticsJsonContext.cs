using System.Text.Json.Serialization;
using InternalApi.Functions.Hosting;

namespace InternalApi.Functions.Functions;

/// <summary>
/// Source-generated serialization of the diagnostic functions' own types (<c>check</c>, <c>health</c>, the
/// <c>ping</c> queue): here, beside them, so that the HTTP pipeline's context (<see cref="WireJsonContext"/>, its
/// error bodies) needs nothing from the functions that use it.
/// </summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower,
    NumberHandling = JsonNumberHandling.AllowReadingFromString,
    UnmappedMemberHandling = JsonUnmappedMemberHandling.Skip)]
[JsonSerializable(typeof(CheckResponse))]
[JsonSerializable(typeof(HealthResponse))]
[JsonSerializable(typeof(PingMessage))]
public sealed partial class DiagnosticsJsonContext : JsonSerializerContext
{
    /// <summary>The context answers are written with (only the escaping JSON requires, see <see cref="WireJsonOptions"/>).</summary>
    public static DiagnosticsJsonContext Wire { get; } = new(WireJsonOptions.Create());
}
