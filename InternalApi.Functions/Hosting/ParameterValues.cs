using System.Text.Json;
using System.Text.Json.Nodes;

namespace InternalApi.Functions.Hosting;

/// <summary>
/// Reads values from the merged parameters of endpoints that, in GitLab, declare no schema: any
/// scalar (string, number, boolean) reads as its text, so <c>"key_id": 11</c> and <c>key_id=11</c> agree,
/// and <c>null</c> reads as absent.
/// </summary>
internal static class ParameterValues
{
    /// <summary>
    /// The parameter as text. An array or object is refused with 400 <c>&lt;name&gt; is invalid</c> (Grape's
    /// wording): it can never be the identifier or text the function needs, and reading it as absent would let
    /// a malformed request act on the empty key (a reference counter under "", an empty push).
    /// </summary>
    public static string? Text(this JsonObject parameters, string name) => parameters[name] switch
    {
        null => null,
        JsonValue v when v.GetValueKind() == JsonValueKind.String => v.GetValue<string>(),
        JsonValue v when v.GetValueKind() is JsonValueKind.Number or JsonValueKind.True or JsonValueKind.False => v.ToJsonString(),
        JsonValue => null,
        _ => throw ApiErrorException.Parameters([$"{name} is invalid"]),
    };
}
