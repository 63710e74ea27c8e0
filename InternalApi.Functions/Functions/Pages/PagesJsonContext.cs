using System.Text.Json.Serialization;
using InternalApi.Core.Pages;
using InternalApi.Functions.Hosting;

namespace InternalApi.Functions.Functions.Pages;

/// <summary>
/// Source-generated serialization of the Pages answer: GitLab's virtual domain entity, snake_case, nulls written
/// (<c>certificate</c>, <c>key</c>, <c>unique_host</c>, <c>primary_domain</c> are <c>null</c> when unset, as Grape writes them).
/// </summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower,
    NumberHandling = JsonNumberHandling.AllowReadingFromString,
    UnmappedMemberHandling = JsonUnmappedMemberHandling.Skip)]
[JsonSerializable(typeof(PagesLookupRequest))]
[JsonSerializable(typeof(PagesVirtualDomain))]
public sealed partial class PagesJsonContext : JsonSerializerContext
{
    /// <summary>The context answers are written with (only the escaping JSON requires, see <see cref="WireJsonOptions"/>).</summary>
    public static PagesJsonContext Wire { get; } = new(WireJsonOptions.Create());
}
