// The floor of the startup benchmark: the same web stack as the local host (WebApplication, Kestrel,
// routing, System.Text.Json source generation) with one route and no storage, options or telemetry.
// BARE_ROUTES_FROM=<functions.metadata> adds every other HTTP route of that file, each answering 204: the
// same floor with a route table the size of InternalApi's (bench startup's "same routes" rows).
using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

var builder = WebApplication.CreateBuilder(args);
builder.Services.ConfigureHttpJsonOptions(o => o.SerializerOptions.TypeInfoResolverChain.Insert(0, BareJsonContext.Default));
var app = builder.Build();
if (Environment.GetEnvironmentVariable("BARE_ROUTES_FROM") is { Length: > 0 } metadata)
{
    MapRoutesOf(app, metadata);
}

app.MapGet("/api/v4/internal/check", () => new CheckAnswer("v4", true));
app.Run();

static void MapRoutesOf(WebApplication app, string metadata)
{
    using var document = JsonDocument.Parse(File.ReadAllBytes(metadata));
    foreach (var function in document.RootElement.EnumerateArray())
    {
        foreach (var binding in function.GetProperty("bindings").EnumerateArray())
        {
            if (binding.GetProperty("type").GetString() != "httpTrigger" ||
                (binding.TryGetProperty("route", out var r) ? r.GetString() : function.GetProperty("name").GetString()) is not { } route ||
                route == "v4/internal/check")
            {
                continue;
            }

            var methods = binding.TryGetProperty("methods", out var m)
                ? m.EnumerateArray().Select(x => x.GetString()!.ToUpperInvariant()).ToArray()
                : ["GET", "POST"];
            app.MapMethods("/api/" + route, methods, static context =>
            {
                context.Response.StatusCode = StatusCodes.Status204NoContent;
                return Task.CompletedTask;
            });
        }
    }
}

/// <summary>The one answer.</summary>
internal sealed record CheckAnswer(string ApiVersion, bool Redis);

[JsonSerializable(typeof(CheckAnswer))]
internal sealed partial class BareJsonContext : JsonSerializerContext;
