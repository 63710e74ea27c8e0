using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Primitives;

namespace InternalApi.Functions.Hosting;

/// <summary>
/// GitLab merges query string and body into one parameter set whatever the encoding (spec §1.2).
/// This reads both once per request into a JSON object: JSON bodies as they are, form and query
/// values as strings, <c>a[]=x</c> as arrays and <c>a[b]=x</c> as nested objects. Body values win.
/// </summary>
public static class RequestParameters
{
    private static readonly object CacheKey = new();

    /// <summary>The merged parameters of the request (cached on the context).</summary>
    public static async ValueTask<JsonObject> ReadAsync(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (context.Items.TryGetValue(CacheKey, out var cached) && cached is JsonObject hit)
        {
            return hit;
        }

        var result = new JsonObject();
        foreach (var (key, values) in context.Request.Query)
        {
            AddFormValue(result, key, values);
        }

        var request = context.Request;
        var contentType = request.ContentType ?? "";
        if (request.HasFormContentType)
        {
            IFormCollection form;
            try
            {
                form = await request.ReadFormAsync(context.RequestAborted);
            }
            catch (InvalidDataException)
            {
                throw ApiErrorException.WithMessage(400, "400 Bad request - malformed form body");
            }

            foreach (var (key, values) in form)
            {
                AddFormValue(result, key, values);
            }
        }
        else if (HasBody(request))
        {
            var isJson = contentType.Length == 0 ||
                         contentType.StartsWith("application/json", StringComparison.OrdinalIgnoreCase) ||
                         contentType.Contains("+json", StringComparison.OrdinalIgnoreCase);
            if (isJson)
            {
                Merge(result, await ReadJsonObjectAsync(request, context.RequestAborted));
            }
        }

        context.Items[CacheKey] = result;
        return result;
    }

    private static bool HasBody(HttpRequest request) =>
        request.ContentLength > 0 ||
        (request.ContentLength is null && request.HttpContext.Features.Get<IHttpRequestBodyDetectionFeature>()?.CanHaveBody == true);

    private static async Task<JsonObject> ReadJsonObjectAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        using var buffer = new MemoryStream();
        await request.Body.CopyToAsync(buffer, cancellationToken);
        if (buffer.Length == 0)
        {
            return [];
        }

        JsonNode? node;
        try
        {
            node = JsonNode.Parse(buffer.ToArray(), documentOptions: new JsonDocumentOptions { MaxDepth = 32 });
        }
        catch (JsonException)
        {
            throw ApiErrorException.WithMessage(400, "400 Bad request - malformed JSON body");
        }

        return node as JsonObject ?? throw ApiErrorException.WithMessage(400, "400 Bad request - JSON body must be an object");
    }

    private static void Merge(JsonObject target, JsonObject source)
    {
        foreach (var (key, value) in source.ToList())
        {
            source.Remove(key);
            target[key] = value;
        }
    }

    private static void AddFormValue(JsonObject target, string key, StringValues values)
    {
        var path = ParseKey(key);
        if (path.Count == 0)
        {
            return;
        }

        var isArray = path[^1].Length == 0;
        if (isArray)
        {
            path.RemoveAt(path.Count - 1);
            if (path.Count == 0)
            {
                return;
            }
        }

        JsonObject current = target;
        for (var i = 0; i < path.Count - 1; i++)
        {
            if (current[path[i]] is not JsonObject child)
            {
                child = [];
                current[path[i]] = child;
            }

            current = child;
        }

        var leaf = path[^1];
        if (isArray)
        {
            if (current[leaf] is not JsonArray array)
            {
                array = [];
                current[leaf] = array;
            }

            foreach (var v in values)
            {
                array.Add(v);
            }
        }
        else
        {
            // Repeated scalar keys: the last one wins, as in Rack.
            current[leaf] = values.Count == 0 ? null : JsonValue.Create(values[^1]);
        }
    }

    /// <summary><c>a[b][]</c> → ["a", "b", ""].</summary>
    private static List<string> ParseKey(string key)
    {
        var parts = new List<string>();
        var open = key.IndexOf('[', StringComparison.Ordinal);
        if (open <= 0)
        {
            if (key.Length > 0)
            {
                parts.Add(key);
            }

            return parts;
        }

        parts.Add(key[..open]);
        var rest = key[open..];
        while (rest.StartsWith('['))
        {
            var close = rest.IndexOf(']', StringComparison.Ordinal);
            if (close < 0)
            {
                break;
            }

            parts.Add(rest[1..close]);
            rest = rest[(close + 1)..];
        }

        return parts;
    }
}
