using Microsoft.Azure.Functions.Worker.Builder;

namespace InternalApi.Functions.Hosting;

/// <summary>The isolated worker's setup: Program's builder, and the tests that build it without a host.</summary>
public static class WorkerSetup
{
    /// <summary>Registers the app's services and the HTTP middleware on the worker builder.</summary>
    public static FunctionsApplicationBuilder UseInternalApi(this FunctionsApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddInternalApi(builder.Configuration, builder.Environment.ContentRootPath);
        builder.Services.AddInternalApiTelemetry(builder.Configuration, functionsWorker: true);
        // Kestrel's own limit sits a little above the app's (HttpFunctionPipeline answers the app's 413): a body just over
        // the app's limit that a refusal left unread (a 401 before the body is looked at) can then be drained, and the
        // connection to the host stays open instead of being reset under the host's next request.
        builder.Services.Configure<Microsoft.AspNetCore.Server.Kestrel.Core.KestrelServerOptions>(kestrel =>
            kestrel.Limits.MaxRequestBodySize = (builder.Configuration.GetSection(HttpOptions.SectionName).Get<HttpOptions>()?.MaxRequestBodyBytes ?? new HttpOptions().MaxRequestBodyBytes) + HttpFunctionPipeline.DrainAllowance);
        // The framework's request lines carry full URLs (a private_token query parameter among them) and add nothing to
        // ours: warnings and up only, whatever the default level.
        builder.Logging.AddFilter("Microsoft.AspNetCore", LogLevel.Warning);
        builder.UseMiddleware<WorkerHttpMiddleware>();
        return builder;
    }
}
