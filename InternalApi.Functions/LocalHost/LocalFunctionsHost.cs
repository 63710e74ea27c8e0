using InternalApi.Functions.Hosting;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Options;

namespace InternalApi.Functions.LocalHost;

/// <summary>Where the local host finds the build (section <c>LocalHost</c>).</summary>
public sealed class LocalHostOptions
{
    /// <summary>Configuration section.</summary>
    public const string SectionName = "LocalHost";

    /// <summary>Listen address; loopback only unless told otherwise.</summary>
    public string Urls { get; set; } = "http://127.0.0.1:7071";

    /// <summary>The folder holding <c>functions.metadata</c> and <c>host.json</c>; the app's own folder by default.</summary>
    public string? ScriptRoot { get; set; }
}

/// <summary>
/// A stand-in for Core Tools' host on machines that cannot run it: serves the same build by reading the
/// SDK-generated <c>functions.metadata</c> (routes, methods, queue triggers, entry points) and <c>host.json</c>
/// (route prefix, queue settings), maps each HTTP function at <c>/&lt;routePrefix&gt;/&lt;route&gt;</c> through the
/// same <see cref="HttpFunctionPipeline"/> as the worker, activates the same function classes from the same
/// registrations, and polls the queue triggers with the host's retry and poison semantics. It holds no
/// route or binding of its own. Not emulated: gRPC, function keys, the host's own HTTP limits and logging,
/// scale-out, and bindings other than HTTP and queue triggers.
/// </summary>
public static class LocalFunctionsHost
{
    /// <summary>True when the process was started without a Functions host to talk to.</summary>
    public static bool IsRequested(string[] args, IConfiguration environment)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(environment);
        // The host starts the worker with --functions-uri (older hosts: --host/--port); the worker reads it as Functions:Worker:HostEndpoint.
        var underHost = args.Any(a => a is "--functions-uri" or "--host" || a.StartsWith("--functions-uri=", StringComparison.Ordinal)) ||
                        !string.IsNullOrEmpty(environment["Functions:Worker:HostEndpoint"]);
        return !underHost;
    }

    /// <summary>Builds the app, creates tables and queues; the caller starts or runs it.</summary>
    public static async Task<WebApplication> CreateAsync(string[] args, Action<WebApplicationBuilder>? configure = null, IEnumerable<FunctionMetadata>? extraFunctions = null)
    {
        var app = Build(args, configure, extraFunctions);
        await app.Services.GetRequiredService<StorageInitializer>().InitializeAsync();
        return app;
    }

    /// <summary>
    /// Creates the app. <paramref name="configure"/> lets tests add configuration; <paramref name="extraFunctions"/>
    /// lets tests serve functions of their own next to the build's (the product never passes any).
    /// </summary>
    public static WebApplication Build(string[] args, Action<WebApplicationBuilder>? configure = null, IEnumerable<FunctionMetadata>? extraFunctions = null)
    {
        // Settings files are read once, not watched: watching appsettings.json makes the runtime watch the whole
        // content root, one inotify watch per folder, which run from the repository is ~2000 folders (Azurite's
        // node_modules, and its data folder, which it keeps writing). A settings change means a restart, as in
        // Azure. First, so that a --hostBuilder:reloadConfigOnChange=true of the caller still wins.
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = ["--hostBuilder:reloadConfigOnChange=false", .. args] });
        configure?.Invoke(builder);
        var local = builder.Configuration.GetSection(LocalHostOptions.SectionName).Get<LocalHostOptions>() ?? new LocalHostOptions();
        var root = local.ScriptRoot ?? AppContext.BaseDirectory;
        var hostJson = Path.Combine(root, "host.json");
        var metadata = FunctionMetadata.Load(Path.Combine(root, "functions.metadata")).Concat(extraFunctions ?? []).ToList();

        builder.WebHost.UseUrls(local.Urls);
        builder.WebHost.ConfigureKestrel((context, kestrel) =>
        {
            kestrel.AddServerHeader = false;
            kestrel.Limits.MaxRequestBodySize = context.Configuration.GetSection(HttpOptions.SectionName).Get<HttpOptions>()?.MaxRequestBodyBytes
                ?? new HttpOptions().MaxRequestBodyBytes;
        });

        // Framework request logs are noise next to ours; configuration can still turn them up.
        builder.Logging.AddFilter("Microsoft.AspNetCore", LogLevel.Warning);

        var services = builder.Services;
        services.AddInternalApi(builder.Configuration, builder.Environment.ContentRootPath);
        services.AddInternalApiTelemetry(builder.Configuration, functionsWorker: false);
        // Console lines carry the invocation's fields (function, invocation id, repository, actor, message).
        services.Configure<Microsoft.Extensions.Logging.Console.SimpleConsoleFormatterOptions>(o => o.IncludeScopes = true);
        services.AddOptions<QueueProcessingOptions>()
            .Configure(o => o.ApplyHostJson(hostJson))
            .BindConfiguration(QueueProcessingOptions.SectionName);
        services.AddSingleton(sp => new LocalFunctions(metadata, sp.GetRequiredService<IServiceScopeFactory>()));
        services.AddSingleton<QueueDispatchMonitor>();
        services.AddSingleton<FirstResponse>();
        services.AddHostedService<QueueTriggerListener>();

        var app = builder.Build();

        // Fail fast on bad secrets or functions this build cannot serve, rather than on the first request.
        app.Services.GetRequiredService<Core.Auth.InternalSecrets>();
        var functions = app.Services.GetRequiredService<LocalFunctions>();
        var pipeline = app.Services.GetRequiredService<HttpFunctionPipeline>();
        var firstResponse = app.Services.GetRequiredService<FirstResponse>();

        app.UseMiddleware<ErrorHandlingMiddleware>();
        var pathBase = app.Services.GetRequiredService<IOptions<HttpOptions>>().Value.PathBase;
        if (!string.IsNullOrEmpty(pathBase))
        {
            app.UsePathBase(pathBase);
        }

        app.UseRouting();
        var prefix = HostJson.RoutePrefix(hostJson);
        foreach (var function in functions.Http)
        {
            var trigger = function.Metadata.Trigger!;
            var methods = (trigger.Methods is { Count: > 0 } m ? m : ["get", "post"]).Select(x => x.ToUpperInvariant()).ToList();
            var pattern = "/" + (prefix.Length == 0 ? "" : prefix + "/") + (trigger.Route ?? function.Name);
            app.MapMethods(pattern, methods, Serve).WithName(function.Name);

            async Task Serve(HttpContext context)
            {
                try
                {
                    var result = await pipeline.RunAsync(context, function.EntryPoint, () => function.InvokeHttpAsync(context));
                    if (result is not null && !context.Response.HasStarted)
                    {
                        await result.ExecuteAsync(context);
                    }
                }
                finally
                {
                    firstResponse.Mark();
                }
            }
        }

        return app;
    }
}
