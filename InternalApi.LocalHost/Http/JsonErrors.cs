using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Http;

namespace InternalApi.LocalHost.Http;

/// <summary>The few answers the host gives itself, as JSON in GitLab's <c>{"message"}</c> shape (never an HTML page).</summary>
internal static class JsonErrors
{
    public static Task WriteAsync(HttpContext context, int status, string message, bool retryAfter = false)
    {
        context.Response.Clear();
        context.Response.StatusCode = status;
        if (retryAfter)
        {
            context.Response.Headers.RetryAfter = "5";
        }

        return context.Response.WriteAsJsonAsync(new HostError(message), HostJsonContext.Default.HostError, contentType: "application/json", context.RequestAborted);
    }
}

/// <summary>An error body.</summary>
internal sealed record HostError(string Message);

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower)]
[JsonSerializable(typeof(HostError))]
[JsonSerializable(typeof(Dictionary<string, string>))]
[JsonSerializable(typeof(DateTime))]
internal sealed partial class HostJsonContext : JsonSerializerContext;
