// The floor of the startup benchmark: the same web stack as the local host (WebApplication, Kestrel,
// routing, System.Text.Json source generation) with one route and no storage, options or telemetry.
using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

var builder = WebApplication.CreateBuilder(args);
builder.Services.ConfigureHttpJsonOptions(o => o.SerializerOptions.TypeInfoResolverChain.Insert(0, BareJsonContext.Default));
var app = builder.Build();
app.MapGet("/api/v4/internal/check", () => new CheckAnswer("v4", true));
app.Run();

/// <summary>The one answer.</summary>
internal sealed record CheckAnswer(string ApiVersion, bool Redis);

[JsonSerializable(typeof(CheckAnswer))]
internal sealed partial class BareJsonContext : JsonSerializerContext;
