using System.Buffers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Unicode;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Primitives;

namespace InternalApi.Functions.Hosting;

/// <summary>
/// GitLab merges query string and body into one parameter set whatever the encoding (spec §1.2).
/// This reads both once per request into a JSON object: JSON bodies as they are, form and query
/// values as strings, <c>a[]=x</c> as arrays and <c>a[b]=x</c> as nested objects. Body values win.
/// <para>
/// What cannot be read is refused here, before any function runs, so bad input never reaches a handler
/// (and never writes). As GitLab's stack does (Rack, Grape, and its malformed-strings middleware, which
/// answers 400 for invalid UTF-8 and NUL in parameters):
/// </para>
/// <list type="bullet">
/// <item>JSON that does not parse, repeats a key, is not UTF-8, holds a lone surrogate escape, nests deeper
/// than <see cref="MaxDepth"/>, or is not an object: 400 <c>400 Bad request - malformed JSON body</c>.
/// A <c>charset</c> parameter is ignored: JSON is UTF-8, and GitLab reads the bytes as UTF-8 too.</item>
/// <item>Form bodies and query strings with a bad <c>%</c> escape, invalid UTF-8, keys nested deeper than
/// <see cref="MaxDepth"/> or more than 1024 values (ASP.NET's form limits): 400 <c>400 Bad request - malformed
/// form body</c> / <c>malformed query string</c>; a multipart body that does not parse: the same form error.</item>
/// <item>A NUL character in any key or value: 400 <c>400 Bad request - null byte in parameters</c>.</item>
/// <item>A body in a format nobody here reads (XML, octet-stream, ...) on POST/PUT/PATCH/DELETE: 415
/// <c>{"error":"The provided content-type is not supported."}</c>, Grape's answer for a type the API does not
/// declare. <c>text/plain</c>, which GitLab declares without a parser, is accepted and not read; so are bodies
/// of other methods, which Grape does not read either.</item>
/// </list>
/// </summary>
public static class RequestParameters
{
    /// <summary>Deepest nesting accepted in a JSON body or a form key (<c>a[b][c]</c>).</summary>
    public const int MaxDepth = 32;

    /// <summary>Most keys and values in one form body or query string (ASP.NET's form value count limit).</summary>
    public const int MaxValues = 1024;

    /// <summary>Longest form or query key (ASP.NET's form key length limit).</summary>
    public const int MaxKeyLength = 2048;

    private const string MalformedJson = "400 Bad request - malformed JSON body";
    private const string MalformedForm = "400 Bad request - malformed form body";
    private const string MalformedQuery = "400 Bad request - malformed query string";
    private const string NullByte = "400 Bad request - null byte in parameters";

    // Bodies up to this size are read into an array of the announced length (ReadBodyAsync).
    private const int PresizeLimit = 64 * 1024;

    private static readonly object CacheKey = new();

    private static readonly JsonDocumentOptions JsonOptions = new() { MaxDepth = MaxDepth, AllowDuplicateProperties = false };

    private enum BodyFormat
    {
        None,
        Json,
        UrlEncoded,
        Multipart,
        Unread,
        Unsupported,
    }

    /// <summary>The merged parameters of the request (cached on the context).</summary>
    public static async ValueTask<JsonObject> ReadAsync(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (context.Items.TryGetValue(CacheKey, out var cached) && cached is JsonObject hit)
        {
            return hit;
        }

        var request = context.Request;
        var result = new JsonObject();
        var query = request.QueryString.HasValue ? request.QueryString.Value![1..] : "";
        AddPairs(result, DecodePairs(Encoding.UTF8.GetBytes(query), MalformedQuery), MalformedQuery);

        switch (FormatOf(request))
        {
            case BodyFormat.Json:
                var body = ReadJsonObject(await ReadBodyAsync(request, context.RequestAborted));
                if (result.Count == 0)
                {
                    // No query parameters: the body is the whole set (a merge would copy it, key by key, unchanged).
                    result = body;
                }
                else
                {
                    Merge(result, body);
                }

                break;
            case BodyFormat.UrlEncoded:
                AddPairs(result, DecodePairs(await ReadBodyAsync(request, context.RequestAborted), MalformedForm), MalformedForm);
                break;
            case BodyFormat.Multipart:
                foreach (var (key, values) in await ReadMultipartAsync(request, context.RequestAborted))
                {
                    if (key.Contains('\0', StringComparison.Ordinal) || values.Any(v => v?.Contains('\0', StringComparison.Ordinal) == true))
                    {
                        throw ApiErrorException.WithMessage(400, NullByte);
                    }

                    AddFormValue(result, key, values, MalformedForm);
                }

                break;
            case BodyFormat.Unsupported:
                throw ApiErrorException.WithError(StatusCodes.Status415UnsupportedMediaType, "The provided content-type is not supported.");
        }

        context.Items[CacheKey] = result;
        return result;
    }

    /// <summary>Picks the reader from the media type, taken as Rack does: what precedes the first <c>;</c> or <c>,</c>.</summary>
    private static BodyFormat FormatOf(HttpRequest request)
    {
        var header = request.ContentType;
        var media = (header ?? "").Split([';', ','], 2)[0].Trim();
        if (media.Equals("application/x-www-form-urlencoded", StringComparison.OrdinalIgnoreCase))
        {
            return BodyFormat.UrlEncoded;
        }

        if (media.Equals("multipart/form-data", StringComparison.OrdinalIgnoreCase))
        {
            return BodyFormat.Multipart;
        }

        if (!HasBody(request))
        {
            return BodyFormat.None;
        }

        // No type at all: JSON, Grape's default format.
        if (string.IsNullOrWhiteSpace(header) ||
            media.Equals("application/json", StringComparison.OrdinalIgnoreCase) ||
            media.EndsWith("+json", StringComparison.OrdinalIgnoreCase))
        {
            return BodyFormat.Json;
        }

        if (media.Equals("text/plain", StringComparison.OrdinalIgnoreCase))
        {
            return BodyFormat.Unread;
        }

        var method = request.Method;
        return HttpMethods.IsPost(method) || HttpMethods.IsPut(method) || HttpMethods.IsPatch(method) || HttpMethods.IsDelete(method)
            ? BodyFormat.Unsupported
            : BodyFormat.Unread;
    }

    private static bool HasBody(HttpRequest request) =>
        request.ContentLength > 0 ||
        (request.ContentLength is null && request.HttpContext.Features.Get<IHttpRequestBodyDetectionFeature>()?.CanHaveBody == true);

    /// <summary>The whole body; the server's body size limit applies (413 beyond it).</summary>
    private static async Task<ArraySegment<byte>> ReadBodyAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        // Sized from Content-Length (capped: the header is the client's word, and the size limit applies only as
        // the body arrives), so a body that is as long as announced is read into one array and used as is,
        // without the growing copies and the final ToArray. Whatever the header says, every byte is read.
        var announced = request.ContentLength is > 0 and <= PresizeLimit ? (int)request.ContentLength.Value : 0;
        using var buffer = new MemoryStream(announced);
        await request.Body.CopyToAsync(buffer, cancellationToken);
        return new ArraySegment<byte>(buffer.GetBuffer(), 0, (int)buffer.Length);
    }

    private static JsonObject ReadJsonObject(ArraySegment<byte> body)
    {
        if (body.Count == 0)
        {
            return [];
        }

        // The parser checks UTF-8 and escapes inside strings only when a string is read, which would then
        // throw in the middle of a handler: check the bytes first, and read every string once below.
        if (!Utf8.IsValid(body))
        {
            throw ApiErrorException.WithMessage(400, MalformedJson);
        }

        JsonNode? node;
        try
        {
            node = JsonNode.Parse(body, documentOptions: JsonOptions);
            RequireReadableStrings(body);
        }
        catch (JsonException)
        {
            throw ApiErrorException.WithMessage(400, MalformedJson);
        }
        catch (InvalidOperationException)
        {
            // A lone surrogate escape (\ud800): valid JSON grammar, but no text.
            throw ApiErrorException.WithMessage(400, MalformedJson);
        }

        return node as JsonObject ?? throw ApiErrorException.WithMessage(400, "400 Bad request - JSON body must be an object");
    }

    /// <summary>
    /// Reads every key and string once (so that none fails later) and refuses NUL in any of them. Only escaped
    /// ones can fail: the bytes are valid UTF-8 and the parser refuses raw control characters, so NUL and lone
    /// surrogates can only arrive as <c>\u</c> escapes. Those are unescaped into a pooled buffer (cleared on return:
    /// parameters can be secrets), in document
    /// order (a key before its value), from the bytes the object was parsed from: the object itself stays unread
    /// until a caller reads it, and nothing is allocated for strings that are not escaped.
    /// </summary>
    private static void RequireReadableStrings(ReadOnlySpan<byte> json)
    {
        var reader = new Utf8JsonReader(json, new JsonReaderOptions { MaxDepth = MaxDepth });
        char[]? text = null;
        try
        {
            while (reader.Read())
            {
                if (reader.TokenType is not (JsonTokenType.PropertyName or JsonTokenType.String) || !reader.ValueIsEscaped)
                {
                    continue;
                }

                // Unescaping never lengthens: one UTF-16 unit per byte at most.
                if (text is null || text.Length < reader.ValueSpan.Length)
                {
                    if (text is not null)
                    {
                        ArrayPool<char>.Shared.Return(text, clearArray: true);
                    }

                    text = ArrayPool<char>.Shared.Rent(reader.ValueSpan.Length);
                }

                var length = reader.CopyString(text);
                if (text.AsSpan(0, length).Contains('\0'))
                {
                    throw ApiErrorException.WithMessage(400, NullByte);
                }
            }
        }
        finally
        {
            if (text is not null)
            {
                ArrayPool<char>.Shared.Return(text, clearArray: true);
            }
        }
    }

    private static async Task<IFormCollection> ReadMultipartAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        try
        {
            return await request.ReadFormAsync(cancellationToken);
        }
        catch (Exception ex) when (ex is InvalidDataException or IOException and not BadHttpRequestException && !cancellationToken.IsCancellationRequested)
        {
            // No or a bad boundary, a truncated part, a bad part header. A body over the size limit
            // (BadHttpRequestException) keeps its 413.
            throw ApiErrorException.WithMessage(400, MalformedForm);
        }
    }

    /// <summary>
    /// <c>application/x-www-form-urlencoded</c> pairs, decoded strictly as Rack does: <c>+</c> is a space, every
    /// <c>%</c> starts two hex digits, and the result must be UTF-8 without NUL. Empty keys are skipped.
    /// </summary>
    private static List<(string Key, string Value)> DecodePairs(ReadOnlySpan<byte> input, string malformed)
    {
        var pairs = new List<(string, string)>();
        while (!input.IsEmpty)
        {
            var end = input.IndexOf((byte)'&');
            var pair = end < 0 ? input : input[..end];
            input = end < 0 ? [] : input[(end + 1)..];
            if (pair.IsEmpty)
            {
                continue;
            }

            var equals = pair.IndexOf((byte)'=');
            var key = Unescape(equals < 0 ? pair : pair[..equals], malformed);
            var value = equals < 0 ? "" : Unescape(pair[(equals + 1)..], malformed);
            if (key.Length == 0)
            {
                continue;
            }

            if (pairs.Count == MaxValues || key.Length > MaxKeyLength)
            {
                throw ApiErrorException.WithMessage(400, malformed);
            }

            pairs.Add((key, value));
        }

        return pairs;
    }

    private static string Unescape(ReadOnlySpan<byte> encoded, string malformed)
    {
        // Most keys and values have nothing to decode: they are checked and turned into text as they are. The
        // others are decoded into a pooled buffer, cleared on return (parameters can be secrets).
        if (encoded.IndexOfAny((byte)'%', (byte)'+') < 0)
        {
            return Decoded(encoded, malformed);
        }

        var bytes = ArrayPool<byte>.Shared.Rent(encoded.Length);
        try
        {
            return Decoded(bytes.AsSpan(0, Unescape(encoded, bytes, malformed)), malformed);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(bytes, clearArray: true);
        }
    }

    /// <summary>Decodes <c>+</c> and <c>%XX</c> into <paramref name="bytes"/>; the decoded length.</summary>
    private static int Unescape(ReadOnlySpan<byte> encoded, byte[] bytes, string malformed)
    {
        var length = 0;
        for (var i = 0; i < encoded.Length; i++)
        {
            var b = encoded[i];
            if (b == '+')
            {
                b = (byte)' ';
            }
            else if (b == '%')
            {
                if (i + 2 >= encoded.Length || HexValue(encoded[i + 1]) is not { } high || HexValue(encoded[i + 2]) is not { } low)
                {
                    throw ApiErrorException.WithMessage(400, malformed);
                }

                b = (byte)((high << 4) | low);
                i += 2;
            }

            bytes[length++] = b;
        }

        return length;
    }

    /// <summary>The decoded bytes as text: valid UTF-8 without NUL.</summary>
    private static string Decoded(ReadOnlySpan<byte> decoded, string malformed)
    {
        if (!Utf8.IsValid(decoded))
        {
            throw ApiErrorException.WithMessage(400, malformed);
        }

        if (decoded.Contains((byte)0))
        {
            throw ApiErrorException.WithMessage(400, NullByte);
        }

        return Encoding.UTF8.GetString(decoded);
    }

    private static int? HexValue(byte b) => b switch
    {
        >= (byte)'0' and <= (byte)'9' => b - '0',
        >= (byte)'a' and <= (byte)'f' => b - 'a' + 10,
        >= (byte)'A' and <= (byte)'F' => b - 'A' + 10,
        _ => null,
    };

    private static void AddPairs(JsonObject target, List<(string Key, string Value)> pairs, string malformed)
    {
        foreach (var (key, value) in pairs)
        {
            AddFormValue(target, key, value, malformed);
        }
    }

    private static void Merge(JsonObject target, JsonObject source)
    {
        foreach (var (key, value) in source.ToList())
        {
            source.Remove(key);
            target[key] = value;
        }
    }

    private static void AddFormValue(JsonObject target, string key, StringValues values, string malformed)
    {
        // A plain key (no brackets after its first character) is one scalar: what the general case below does
        // with ParseKey's one-element path, without building the path.
        if (key.Length > 0 && key.IndexOf('[', StringComparison.Ordinal) <= 0)
        {
            target[key] = values.Count == 0 ? null : JsonValue.Create(values[^1]);
            return;
        }

        var path = ParseKey(key);
        if (path.Count == 0)
        {
            return;
        }

        // Rack refuses deeper keys too; without a limit a 5,000-level key builds a 5,000-level object.
        if (path.Count > MaxDepth)
        {
            throw ApiErrorException.WithMessage(400, malformed);
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

    /// <summary><c>a[b][]</c> → ["a", "b", ""]; stops once deeper than <see cref="MaxDepth"/> (refused by the caller).</summary>
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
        var index = open;
        while (index < key.Length && key[index] == '[' && parts.Count <= MaxDepth)
        {
            var close = key.IndexOf(']', index);
            if (close < 0)
            {
                break;
            }

            parts.Add(key[(index + 1)..close]);
            index = close + 1;
        }

        return parts;
    }
}
