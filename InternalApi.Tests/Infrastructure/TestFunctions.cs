using System.Text.Json.Serialization;
using InternalApi.Functions.Hosting;
using Microsoft.AspNetCore.Http;

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

/// <summary>Functions that exist only in tests, to exercise the shared hosting code.</summary>
public static class TestFunctions
{
    public static HttpFunction Echo { get; } = new("Echo", ["POST", "GET"], "test/echo", FunctionAuth.Anonymous, EchoAsync);

    public static HttpFunction ShellEcho { get; } = new("ShellEcho", ["POST"], "test/shell-echo", FunctionAuth.ShellJwt, EchoAsync);

    public static HttpFunction Boom { get; } = new("Boom", ["GET"], "test/boom", FunctionAuth.Anonymous, BoomHandler);

    public static FunctionCatalog Catalog { get; } = new([.. FunctionCatalog.Default.Functions, Echo, ShellEcho, Boom]);

    public static async Task<IResult> EchoAsync(HttpContext context)
    {
        var request = await RequestBinder.BindAsync(context, TestJsonContext.Default.EchoRequest);
        return TypedResults.Json(request, TestJsonContext.Default.EchoRequest);
    }

    public static IResult BoomHandler() => throw new InvalidOperationException("secret internals that must not leak");
}
