// The floor of the startup benchmark: the same web stack as the local host (WebApplication, Kestrel,
// routing, System.Text.Json source generation) with one route and no storage, options or telemetry.
using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

StartJitProfile();
var builder = WebApplication.CreateBuilder(args);
builder.Services.ConfigureHttpJsonOptions(o => o.SerializerOptions.TypeInfoResolverChain.Insert(0, BareJsonContext.Default));
var app = builder.Build();
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
