using System.Text.Json;
using System.Text.Json.Nodes;

namespace InternalApi.Functions.Hosting;

/// <summary>
/// Reads values from the merged parameters of endpoints that, in GitLab, declare no schema: any
/// scalar (string, number, boolean) reads as its text, so <c>"key_id": 11</c> and <c>key_id=11</c> agree,
/// and anything else reads as absent rather than failing the request.
/// </summary>
internal static class ParameterValues
{
    public static string? Text(this JsonObject parameters, string name) => parameters[name] switch
    {
        JsonValue v when v.GetValueKind() == JsonValueKind.String => v.GetValue<string>(),
        JsonValue v when v.GetValueKind() is JsonValueKind.Number or JsonValueKind.True or JsonValueKind.False => v.ToJsonString(),
        _ => null,
    };
}
