using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace InternalApi.Functions.Hosting;

/// <summary>What the Functions host POSTs to <c>/{FunctionName}</c> for a non-HTTP trigger.</summary>
public sealed record InvocationRequest(Dictionary<string, JsonElement>? Data, Dictionary<string, JsonElement>? Metadata);

/// <summary>What the handler answers; the host reads <c>Outputs</c>, <c>Logs</c> and <c>ReturnValue</c>.</summary>
public sealed record InvocationResponse(Dictionary<string, JsonElement> Outputs, IReadOnlyList<string> Logs, JsonElement? ReturnValue);

/// <summary>The host contract keeps PascalCase names, unlike the GitLab wire types.</summary>
[JsonSourceGenerationOptions(PropertyNameCaseInsensitive = true)]
[JsonSerializable(typeof(InvocationRequest))]
[JsonSerializable(typeof(InvocationResponse))]
internal sealed partial class HostContractJsonContext : JsonSerializerContext;

/// <summary>
/// Serves queue invocations from the Functions host (<c>POST /{FunctionName}</c>): unwraps the trigger
/// value from <c>Data</c>, reads <c>DequeueCount</c>/<c>Id</c> from <c>Metadata</c>, runs the function, and answers
/// 200 with an empty output set, or 500 so that the host fails the invocation and retries or poisons it.
/// </summary>
public static partial class CustomHandlerInvocation
{
    /// <summary>Handles one invocation of <paramref name="function"/>.</summary>
    public static async Task HandleAsync(HttpContext context, QueueFunction function)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(function);
        var invoker = context.RequestServices.GetRequiredService<QueueFunctionInvoker>();
        var invocationId = context.Request.Headers["X-Azure-Functions-InvocationId"].FirstOrDefault();

        InvocationRequest? request;
        try
        {
            request = await JsonSerializer.DeserializeAsync(context.Request.Body, HostContractJsonContext.Default.InvocationRequest, context.RequestAborted);
        }
        catch (JsonException)
        {
            request = null;
        }

        if (request?.Data is null || !request.Data.TryGetValue(QueueFunction.TriggerBindingName, out var value))
        {
            await RespondAsync(context, 400, $"invocation payload has no Data.{QueueFunction.TriggerBindingName}");
            return;
        }

        var trigger = new QueueTrigger
        {
            FunctionName = function.Name,
            QueueName = function.QueueName,
            Body = TriggerBody(value),
            MessageId = MetadataString(request.Metadata, "Id") ?? invocationId ?? Guid.NewGuid().ToString("N"),
            DequeueCount = MetadataLong(request.Metadata, "DequeueCount") ?? 1,
            InsertedOn = DateTimeOffset.TryParse(MetadataString(request.Metadata, "InsertionTime"), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var inserted) ? inserted : null,
        };

        try
        {
            await invoker.InvokeAsync(function, trigger, invocationId, context.RequestAborted);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !context.RequestAborted.IsCancellationRequested)
        {
            // Non-2xx fails the invocation; the host then releases the message or moves it to -poison.
            await RespondAsync(context, 500, $"{function.Name} failed: {ex.GetType().Name}");
            return;
        }

        await RespondAsync(context, 200, null);
    }

    /// <summary>
    /// A string trigger arrives as a JSON string (so JSON messages are double-encoded); be lenient and
    /// also take an object or array as its own JSON text.
    /// </summary>
    internal static BinaryData TriggerBody(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.String => BinaryData.FromString(value.GetString()!),
        _ => BinaryData.FromString(value.GetRawText()),
    };

    private static string? MetadataString(Dictionary<string, JsonElement>? metadata, string name) =>
        metadata is not null && metadata.TryGetValue(name, out var v)
            ? v.ValueKind == JsonValueKind.String ? v.GetString() : v.GetRawText()
            : null;

    private static long? MetadataLong(Dictionary<string, JsonElement>? metadata, string name)
    {
        if (metadata is null || !metadata.TryGetValue(name, out var v))
        {
            return null;
        }

        return v.ValueKind switch
        {
            JsonValueKind.Number when v.TryGetInt64(out var n) => n,
            JsonValueKind.String when long.TryParse(v.GetString(), CultureInfo.InvariantCulture, out var n) => n,
            _ => null,
        };
    }

    private static async Task RespondAsync(HttpContext context, int status, string? log)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = "application/json";
        var response = new InvocationResponse([], log is null ? [] : [log], null);
        var bytes = JsonSerializer.SerializeToUtf8Bytes(response, HostContractJsonContext.Default.InvocationResponse);
        await context.Response.Body.WriteAsync(bytes, context.RequestAborted);
    }
}
