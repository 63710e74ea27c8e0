// The floor of the startup benchmark: the same web stack as the local host (WebApplication, Kestrel,
// routing, System.Text.Json source generation) with one route and no storage, options or telemetry.
// BARE_ROUTES_FROM=<functions.metadata> adds every other HTTP route of that file, each answering 204: the
// same floor with a route table the size of InternalApi's (bench startup's "same routes" rows).
using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

StartJitProfile();
var builder = WebApplication.CreateBuilder(args);
builder.Services.ConfigureHttpJsonOptions(o => o.SerializerOptions.TypeInfoResolverChain.Insert(0, BareJsonContext.Default));
var app = builder.Build();
if (Environment.GetEnvironmentVariable("BARE_ROUTES_FROM") is { Length: > 0 } metadata)
{
    MapRoutesOf(app, metadata);
}

var saved = 0;
app.MapGet("/api/v4/internal/check", () =>
{
    // The first answer writes the profile a moment later, off the request (StartProfile(null) stops and writes).
    if (Interlocked.Exchange(ref saved, 1) == 0)
    {
        _ = Task.Delay(500).ContinueWith(_ => System.Runtime.ProfileOptimization.StartProfile(null), TaskScheduler.Default);
    }

    return new CheckAnswer("v4", true);
});
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

// bench startup's "with a JIT profile" rows: the runtime's multi-core JIT, as InternalApi.Functions uses it
// (Hosting/StartupJitProfile.cs); off unless INTERNALAPI_JIT_PROFILE_DIR names a folder.
static void StartJitProfile()
{
    if (Environment.GetEnvironmentVariable("INTERNALAPI_JIT_PROFILE_DIR") is { Length: > 0 } folder && folder != "off")
    {
        System.Runtime.ProfileOptimization.SetProfileRoot(folder);
        System.Runtime.ProfileOptimization.StartProfile("baseline.jitprofile");
    }
}


/// <summary>The one answer.</summary>
internal sealed record CheckAnswer(string ApiVersion, bool Redis);

[JsonSerializable(typeof(CheckAnswer))]
internal sealed partial class BareJsonContext : JsonSerializerContext;
