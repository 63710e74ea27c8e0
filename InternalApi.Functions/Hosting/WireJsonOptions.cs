using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace InternalApi.Functions.Hosting;

/// <summary>
/// The serializer options every GitLab wire answer is written with: snake_case, lenient numbers on input,
/// unknown members skipped, and only the escaping JSON requires — as GitLab answers, so "can't" keeps its
/// apostrophe and a key blob its <c>+</c>. The bodies go to programs, never into HTML.
/// </summary>
public static class WireJsonOptions
{
    /// <summary>Fresh options for a source-generated context's wire instance.</summary>
    public static JsonSerializerOptions Create() => new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        NumberHandling = JsonNumberHandling.AllowReadingFromString,
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Skip,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };
}
