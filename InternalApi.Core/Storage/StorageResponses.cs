using System.Globalization;
using System.Text.Json;
using System.Xml.Linq;
using Azure;
using Azure.Core;

namespace InternalApi.Core.Storage;

/// <summary>Turns unexpected storage responses into typed exceptions carrying status and error code.</summary>
internal static class StorageResponses
{
    public static RequestFailedException Failure(Response response, string operation)
    {
        var code = response.Headers.TryGetValue("x-ms-error-code", out var headerCode) ? headerCode : null;
        var detail = ReadMessage(response);
        code ??= detail.Code;
        var message = string.Create(CultureInfo.InvariantCulture,
            $"Storage {operation} failed: {response.Status} {code ?? response.ReasonPhrase}{(detail.Message is null ? "" : " - " + detail.Message)}");
        return response.Status is 412 || (response.Status is 409 && code is StorageErrorCodes.EntityAlreadyExists)
            ? new StorageConcurrencyException(response.Status, message, code)
            : new RequestFailedException(response.Status, message, code, null);
    }

    private static (string? Code, string? Message) ReadMessage(Response response)
    {
        var body = response.Content;
        if (body is null || body.ToMemory().Length == 0)
        {
            return (null, null);
        }

        var text = body.ToString();
        try
        {
            if (text.TrimStart().StartsWith('{'))
            {
                using var doc = JsonDocument.Parse(text);
                if (doc.RootElement.TryGetProperty("odata.error", out var err))
                {
                    var code = err.TryGetProperty("code", out var c) ? c.GetString() : null;
                    var msg = err.TryGetProperty("message", out var m) && m.TryGetProperty("value", out var v) ? v.GetString() : null;
                    return (code, FirstLine(msg));
                }
            }
            else if (text.TrimStart().StartsWith('<'))
            {
                var xml = XDocument.Parse(text);
                return (xml.Root?.Element("Code")?.Value, FirstLine(xml.Root?.Element("Message")?.Value));
            }
        }
        catch (Exception ex) when (ex is JsonException or System.Xml.XmlException)
        {
            // An unparsable error body still yields a useful exception from the status alone.
        }

        return (null, null);
    }

    private static string? FirstLine(string? s) => s?.Split('\n')[0].Trim();
}
