using System.Text.Json.Serialization;
using InternalApi.Functions.Hosting;
using InternalApi.Functions.LocalHost;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;

namespace InternalApi.Tests.Infrastructure;

/// <summary>A request exercising every binding feature: scalars, numeric strings, arrays, nested objects.</summary>
public sealed record EchoRequest : IValidatedRequest
{
    public string? Name { get; init; }

    public long? KeyId { get; init; }

    public bool? Flag { get; init; }

    public IReadOnlyList<string>? Scopes { get; init; }

    public Dictionary<string, long>? Counters { get; init; }

    public void Validate(ParameterErrors errors)
    {
        if (string.IsNullOrEmpty(Name))
        {
            errors.Missing("name");
        }
    }
}

[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower,
    NumberHandling = JsonNumberHandling.AllowReadingFromString)]
[JsonSerializable(typeof(EchoRequest))]
public sealed partial class TestJsonContext : JsonSerializerContext;

/// <summary>
/// Functions that exist only in tests, to exercise the shared hosting code. They are described the way the
/// SDK describes the build's functions, and the local host serves them the same way.
/// </summary>
public sealed class TestFunctions
{
    public static IReadOnlyList<FunctionMetadata> Metadata { get; } =
    [
        Http("Echo", nameof(EchoAsync), "test/echo", "get", "post"),
        Http("ShellEcho", nameof(ShellEchoAsync), "test/shell-echo", "post"),
        Http("Boom", nameof(Boom), "test/boom", "get"),
    ];

    /// <summary>A queue function that runs until the test lets it finish (to watch the lease being renewed).</summary>
    public static FunctionMetadata HeldQueueMetadata { get; } = new()
    {
        Name = "Held",
        ScriptFile = "InternalApi.Tests.dll",
        EntryPoint = typeof(TestFunctions).FullName + "." + nameof(HeldAsync),
        Bindings = [new FunctionBinding { Name = "message", Type = "queueTrigger", Direction = "In", QueueName = HeldQueue, Connection = "AzureWebJobsStorage" }],
    };

    public const string HeldQueue = "held";

    /// <summary>Completed when <see cref="HeldAsync"/> has started.</summary>
    public static TaskCompletionSource Started { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Completed by the test to let <see cref="HeldAsync"/> finish.</summary>
    public static TaskCompletionSource Release { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public static async Task HeldAsync(string message, CancellationToken cancellationToken)
    {
        Started.TrySetResult();
        await Release.Task.WaitAsync(cancellationToken);
    }

    /// <summary>A function without an auth declaration (not served: the hosts refuse it).</summary>
    public static FunctionMetadata UndeclaredMetadata { get; } = Http("Undeclared", nameof(Undeclared), "test/undeclared", "get");

    [FunctionAuth(FunctionAuth.Anonymous)]
#pragma warning disable CA1822 // Instance methods, as the worker activates function classes.
    public async Task<IActionResult> EchoAsync(HttpRequest request)
    {
        var echo = await RequestBinder.BindAsync(request.HttpContext, TestJsonContext.Default.EchoRequest);
        return TypedResults.Json(echo, TestJsonContext.Default.EchoRequest).AsAction();
    }

    [FunctionAuth(FunctionAuth.ShellJwt)]
    public Task<IActionResult> ShellEchoAsync(HttpRequest request) => EchoAsync(request);

    [FunctionAuth(FunctionAuth.Anonymous)]
    public IActionResult Boom(HttpRequest request) => throw new InvalidOperationException("secret internals that must not leak");

    /// <summary>No [FunctionAuth]: the hosts must refuse it (fail closed).</summary>
    public IActionResult Undeclared(HttpRequest request) => TypedResults.Ok().AsAction();

#pragma warning restore CA1822

    private static FunctionMetadata Http(string name, string method, string route, params string[] methods) => new()
    {
        Name = name,
        ScriptFile = "InternalApi.Tests.dll",
        EntryPoint = typeof(TestFunctions).FullName + "." + method,
        Bindings = [new FunctionBinding { Name = "request", Type = "httpTrigger", Direction = "In", Route = route, Methods = methods }],
    };
}
