using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Azure.Core;
using Azure.Core.Pipeline;

namespace InternalApi.Core.Storage;

/// <summary>Adds <c>x-ms-date</c> to every attempt (a retried request must carry a fresh date).</summary>
internal sealed class StorageDatePolicy(TimeProvider time) : HttpPipelineSynchronousPolicy
{
    public override void OnSendingRequest(HttpMessage message) =>
        message.Request.Headers.SetValue("x-ms-date", time.GetUtcNow().ToString("r", CultureInfo.InvariantCulture));
}

/// <summary>
/// SharedKey for the Table service: <c>VERB\nContent-MD5\nContent-Type\nDate\nResource</c>, where only
/// <c>comp</c> survives from the query. The resource is the account name followed by the path exactly as
/// sent, so path-style URLs (Azurite) name the account twice.
/// </summary>
internal sealed class TableSharedKeyPolicy(string accountName, byte[] key) : HttpPipelineSynchronousPolicy
{
    public override void OnSendingRequest(HttpMessage message)
    {
        var request = message.Request;
        var uri = request.Uri.ToUri();
        var resource = new StringBuilder("/").Append(accountName).Append(uri.AbsolutePath);
        var comp = SharedKeyCanonicalizer.QueryParameters(uri.Query).FirstOrDefault(p => p.Key == "comp");
        if (comp.Key is not null)
        {
            resource.Append("?comp=").Append(comp.Value);
        }

        var stringToSign = string.Join('\n',
            request.Method.Method,
            Header(request, "Content-MD5"),
            Header(request, "Content-Type"),
            Header(request, "x-ms-date"),
            resource.ToString());
        request.Headers.SetValue("Authorization", $"SharedKey {accountName}:{SharedKeyCanonicalizer.Sign(key, stringToSign)}");
    }

    private static string Header(Request request, string name) => request.Headers.TryGetValue(name, out var v) ? v : "";
}

/// <summary>
/// SharedKey for the Queue service: twelve standard header lines, the canonicalized <c>x-ms-*</c>
/// headers and the canonicalized resource including every query parameter. We never send
/// Content-Encoding or Content-Language on queue calls because Azurite orders them differently from
/// the documented string-to-sign.
/// </summary>
internal sealed class QueueSharedKeyPolicy(string accountName, byte[] key) : HttpPipelineSynchronousPolicy
{
    public override void OnSendingRequest(HttpMessage message)
    {
        var request = message.Request;
        var uri = request.Uri.ToUri();
        long length = 0;
        if (request.Content is not null && request.Content.TryComputeLength(out var computed))
        {
            length = computed;
        }

        var sb = new StringBuilder();
        sb.Append(request.Method.Method).Append('\n');
        sb.Append('\n'); // Content-Encoding
        sb.Append('\n'); // Content-Language
        sb.Append(length == 0 ? "" : length.ToString(CultureInfo.InvariantCulture)).Append('\n');
        sb.Append(Header(request, "Content-MD5")).Append('\n');
        sb.Append(Header(request, "Content-Type")).Append('\n');
        sb.Append('\n'); // Date: x-ms-date is used instead
        sb.Append(Header(request, "If-Modified-Since")).Append('\n');
        sb.Append(Header(request, "If-Match")).Append('\n');
        sb.Append(Header(request, "If-None-Match")).Append('\n');
        sb.Append(Header(request, "If-Unmodified-Since")).Append('\n');
        sb.Append(Header(request, "Range")).Append('\n');

        foreach (var header in request.Headers
                     .Where(h => h.Name.StartsWith("x-ms-", StringComparison.OrdinalIgnoreCase))
                     .Select(h => (Name: h.Name.ToLowerInvariant(), h.Value))
                     .OrderBy(h => h.Name, StringComparer.Ordinal))
        {
            sb.Append(header.Name).Append(':').Append(CollapseWhitespace(header.Value)).Append('\n');
        }

        sb.Append('/').Append(accountName).Append(uri.AbsolutePath);
        foreach (var group in SharedKeyCanonicalizer.QueryParameters(uri.Query)
                     .GroupBy(p => p.Key)
                     .OrderBy(g => g.Key, StringComparer.Ordinal))
        {
            sb.Append('\n').Append(group.Key).Append(':')
              .Append(string.Join(',', group.Select(p => p.Value).Order(StringComparer.Ordinal)));
        }

        request.Headers.SetValue("Authorization", $"SharedKey {accountName}:{SharedKeyCanonicalizer.Sign(key, sb.ToString())}");
    }

    private static string Header(Request request, string name) => request.Headers.TryGetValue(name, out var v) ? v : "";

    private static string CollapseWhitespace(string value) =>
        string.Join(' ', value.Trim().Split([' ', '\t'], StringSplitOptions.RemoveEmptyEntries));
}

internal static class SharedKeyCanonicalizer
{
    public static string Sign(byte[] key, string stringToSign) =>
        Convert.ToBase64String(HMACSHA256.HashData(key, Encoding.UTF8.GetBytes(stringToSign)));

    /// <summary>Query parameters with lower-cased names and decoded values.</summary>
    public static IEnumerable<KeyValuePair<string, string>> QueryParameters(string query)
    {
        foreach (var pair in query.TrimStart('?').Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            var eq = pair.IndexOf('=', StringComparison.Ordinal);
            var name = eq < 0 ? pair : pair[..eq];
            var value = eq < 0 ? "" : pair[(eq + 1)..];
            yield return new(Uri.UnescapeDataString(name).ToLowerInvariant(), Uri.UnescapeDataString(value));
        }
    }
}
