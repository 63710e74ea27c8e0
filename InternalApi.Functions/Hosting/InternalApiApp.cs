using System.Text.Json;
using InternalApi.Core;
using InternalApi.Core.Auth;
using InternalApi.Core.Storage;
using Microsoft.Extensions.Options;

namespace InternalApi.Functions.Hosting;

/// <summary>Builds the web application in either hosting mode; Program.cs and the tests share it.</summary>
public static class InternalApiApp
{
    /// <summary>Builds the app and creates its tables and queues; the caller then starts or runs it.</summary>
    public static async Task<WebApplication> CreateAsync(string[] args, Action<WebApplicationBuilder>? configure = null, FunctionCatalog? catalog = null)
    {
        var app = Build(args, configure, catalog);
        await app.Services.GetRequiredService<StorageInitializer>().InitializeAsync();
        return app;
    }

    /// <summary>Creates the app. <paramref name="configure"/> lets tests add configuration before services are built.</summary>
    public static WebApplication Build(string[] args, Action<WebApplicationBuilder>? configure = null, FunctionCatalog? catalog = null)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = args });
        configure?.Invoke(builder);
        builder.AddInternalApiFunctions(catalog ?? FunctionCatalog.Default);
        var app = builder.Build();
        app.UseInternalApiFunctions();
        return app;
    }

    /// <summary>Registers options, storage, auth and hosting services.</summary>
    public static WebApplicationBuilder AddInternalApiFunctions(this WebApplicationBuilder builder, FunctionCatalog catalog)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var mode = HostingMode.From(builder.Configuration);
        builder.WebHost.UseUrls(mode.Urls);
        builder.WebHost.ConfigureKestrel((context, kestrel) =>
        {
            kestrel.AddServerHeader = false;
            kestrel.Limits.MaxRequestBodySize = context.Configuration.GetSection(HttpOptions.SectionName).Get<HttpOptions>()?.MaxRequestBodyBytes
                ?? new HttpOptions().MaxRequestBodyBytes;
        });

        // Framework request logs are noise next to ours; configuration can still turn them up.
        builder.Logging.AddFilter("Microsoft.AspNetCore", LogLevel.Warning);

        var services = builder.Services;
        services.AddSingleton(mode);
        services.AddSingleton(catalog);
        services.AddSingleton(TimeProvider.System);
        services.AddOptions<HttpOptions>().BindConfiguration(HttpOptions.SectionName);
        services.AddOptions<ShellAuthOptions>().BindConfiguration(ShellAuthOptions.SectionName);
        services.AddOptions<KasAuthOptions>().BindConfiguration(KasAuthOptions.SectionName);
        services.AddInternalApiStorage();

        services.AddSingleton(sp => InternalSecrets.Load(
            sp.GetRequiredService<IOptions<ShellAuthOptions>>().Value,
            sp.GetRequiredService<IOptions<KasAuthOptions>>().Value,
            sp.GetRequiredService<IHostEnvironment>().ContentRootPath));
        services.AddSingleton<InternalAuthenticator>();
        services.AddInternalApiCore();
        services.AddSingleton<StorageInitializer>();
        services.AddSingleton<QueueFunctionInvoker>();
        services.AddSingleton<QueueDispatchMonitor>();
        if (!mode.UnderFunctionsHost)
        {
            services.AddHostedService<StandaloneQueueDispatcher>();
        }

        services.ConfigureHttpJsonOptions(o =>
        {
            o.SerializerOptions.PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower;
            o.SerializerOptions.TypeInfoResolverChain.Insert(0, WireJsonContext.Default);
        });
        return builder;
    }

    /// <summary>Maps middleware, every catalog function and, under the host, the invocation routes.</summary>
    public static WebApplication UseInternalApiFunctions(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        var mode = app.Services.GetRequiredService<HostingMode>();
        var catalog = app.Services.GetRequiredService<FunctionCatalog>();

        // Fail fast on bad secrets or storage settings rather than on the first request.
        app.Services.GetRequiredService<InternalSecrets>();
        app.Services.GetRequiredService<StorageAccount>();

        app.UseMiddleware<ErrorHandlingMiddleware>();
        var pathBase = app.Services.GetRequiredService<IOptions<HttpOptions>>().Value.PathBase;
        if (!string.IsNullOrEmpty(pathBase))
        {
            app.UsePathBase(pathBase);
        }

        app.UseRouting();
        app.UseMiddleware<FunctionAuthMiddleware>();

        foreach (var function in catalog.HttpFunctions)
        {
            app.MapMethods("/api/" + function.Route, function.Methods, function.Handler)
               .WithName(function.Name)
               .WithMetadata(function);
        }

        if (mode.UnderFunctionsHost)
        {
            // The host polls GET / until anything answers.
            app.MapGet("/", () => TypedResults.Text("ready"));
            foreach (var function in catalog.QueueFunctions)
            {
                app.MapPost("/" + function.Name, (HttpContext context) => CustomHandlerInvocation.HandleAsync(context, function));
            }
        }

        return app;
    }

    /// <summary>host.json next to the binary (copied there by the build), else in the content root.</summary>
    public static string HostJsonPath(IHostEnvironment environment)
    {
        ArgumentNullException.ThrowIfNull(environment);
        var beside = Path.Combine(AppContext.BaseDirectory, "host.json");
        return File.Exists(beside) ? beside : Path.Combine(environment.ContentRootPath, "host.json");
    }
}
