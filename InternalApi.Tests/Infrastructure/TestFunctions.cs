using System.Text.Json.Serialization;
using Azure.Storage.Queues.Models;
using InternalApi.Functions.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Azure.Functions.Worker.Core.FunctionMetadata;

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
/// Functions that exist only in tests, to exercise the shared hosting code. The worker indexes them next to the build's
/// (<see cref="TestWorkerFunctions"/>) and the local host serves them the same way, over the same protocol.
/// </summary>
public sealed class TestFunctions
{
    /// <summary>The HTTP test functions, described as the SDK describes the build's.</summary>
    public static IReadOnlyList<IFunctionMetadata> Metadata { get; } =
    [
        Http("Echo", nameof(EchoAsync), "test/echo", "get", "post"),
        Http("ShellEcho", nameof(ShellEchoAsync), "test/shell-echo", "post"),
        Http("Boom", nameof(Boom), "test/boom", "get"),
        Http("BadResult", nameof(BadResult), "test/bad-result", "get"),
        Http("Undeclared", nameof(Undeclared), "test/undeclared", "get"),
    ];

    /// <summary>A queue function that runs until the test lets it finish (to watch the lease being renewed).</summary>
    public static IFunctionMetadata HeldQueueMetadata { get; } = new DefaultFunctionMetadata
    {
        Name = "Held",
        Language = "dotnet-isolated",
        ScriptFile = "InternalApi.Tests.dll",
        EntryPoint = typeof(TestFunctions).FullName + "." + nameof(HeldAsync),
        RawBindings = [$$"""{"name":"message","type":"queueTrigger","direction":"In","properties":{"supportsDeferredBinding":"True"},"queueName":"{{HeldQueue}}","connection":"AzureWebJobsStorage"}"""],
    };

    public const string HeldQueue = "held";

    /// <summary>Completed when <see cref="HeldAsync"/> has started.</summary>
    public static TaskCompletionSource Started { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Completed by the test to let <see cref="HeldAsync"/> finish.</summary>
    public static TaskCompletionSource Release { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public static async Task HeldAsync([QueueTrigger(HeldQueue)] QueueMessage message, CancellationToken cancellationToken)
    {
        Started.TrySetResult();
        await Release.Task.WaitAsync(cancellationToken);
    }

    [FunctionAuth(FunctionAuth.Anonymous)]
#pragma warning disable CA1822 // Instance methods, as the worker activates function classes.
    public async Task<IActionResult> EchoAsync([HttpTrigger(AuthorizationLevel.Anonymous, "get", "post")] HttpRequest request)
    {
        var echo = await RequestBinder.BindAsync(request.HttpContext, TestJsonContext.Default.EchoRequest);
        return TypedResults.Json(echo, TestJsonContext.Default.EchoRequest).AsAction();
    }

    [FunctionAuth(FunctionAuth.ShellJwt)]
    public Task<IActionResult> ShellEchoAsync([HttpTrigger(AuthorizationLevel.Anonymous, "post")] HttpRequest request) => EchoAsync(request);

    [FunctionAuth(FunctionAuth.Anonymous)]
    public IActionResult Boom([HttpTrigger(AuthorizationLevel.Anonymous, "get")] HttpRequest request) => throw new InvalidOperationException("secret internals that must not leak");

    /// <summary>
    /// A result that fails while the worker executes it, after the function (and our pipeline) returned: the invocation
    /// fails outside anything of ours, and the worker's Kestrel answers 200 with an empty body.
    /// </summary>
    [FunctionAuth(FunctionAuth.Anonymous)]
    public IActionResult BadResult([HttpTrigger(AuthorizationLevel.Anonymous, "get")] HttpRequest request) => new FailingResult();

    /// <summary>No [FunctionAuth]: the worker refuses to run it (fail closed).</summary>
    public IActionResult Undeclared([HttpTrigger(AuthorizationLevel.Anonymous, "get")] HttpRequest request) => TypedResults.Ok().AsAction();

#pragma warning restore CA1822

    private sealed class FailingResult : IActionResult
    {
        public Task ExecuteResultAsync(ActionContext context) => throw new InvalidOperationException("the result could not be written");
    }

    private static DefaultFunctionMetadata Http(string name, string method, string route, params string[] methods) => new()
    {
        Name = name,
        Language = "dotnet-isolated",
        ScriptFile = "InternalApi.Tests.dll",
        EntryPoint = typeof(TestFunctions).FullName + "." + method,
        RawBindings =
        [
            $$"""{"name":"request","type":"httpTrigger","direction":"In","authLevel":"Anonymous","methods":[{{string.Join(',', methods.Select(m => $"\"{m}\""))}}],"route":"{{route}}"}""",
            """{"name":"$return","type":"http","direction":"Out"}""",
        ],
    };
}
