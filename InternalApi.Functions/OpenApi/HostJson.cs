using System.Text.Json;

namespace InternalApi.Functions.OpenApi;

/// <summary>What the OpenAPI document reads from host.json: the route prefix its paths start with.</summary>
public static class HostJson
{
    /// <summary><c>extensions.http.routePrefix</c>, <c>api</c> when absent (the host's default).</summary>
    public static string RoutePrefix(string path)
    {
        if (!File.Exists(path))
        {
            return "api";
        }

        using var doc = Parse(path);
        return doc.RootElement.TryGetProperty("extensions", out var ext) && ext.TryGetProperty("http", out var http) &&
               http.TryGetProperty("routePrefix", out var prefix) && prefix.ValueKind == JsonValueKind.String
            ? prefix.GetString()!.Trim('/')
            : "api";
    }

    internal static JsonDocument Parse(string path) =>
        JsonDocument.Parse(File.ReadAllText(path), new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true });
}
