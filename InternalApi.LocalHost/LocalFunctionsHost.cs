using System.Net;
using InternalApi.LocalHost.FunctionApp;
using InternalApi.LocalHost.Http;
using InternalApi.LocalHost.Queues;
using InternalApi.LocalHost.Rpc;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace InternalApi.LocalHost;

/// <summary>
/// A small Functions host for machines without Core Tools. It drives the unmodified worker as Azure does: a gRPC server
/// speaking the host's <c>FunctionRpc</c> protocol (the worker connects to it), the worker launched as a child process
/// with the host's arguments (<see cref="WorkerSupervisor"/>), each HTTP trigger routed under the route prefix and
/// forwarded to the worker's own Kestrel (<see cref="HttpInvoker"/>), and each queue trigger polled with the host's
/// semantics and delivered as model binding data (<see cref="QueueTriggerListener"/>). Routes and triggers come from
/// the worker's indexing of the build, nothing of its own. What it still emulates: docs/local-host.md.
/// </summary>
public static class LocalFunctionsHost
{
    /// <summary>Creates the host; the caller starts or runs it. <paramref name="configure"/> lets tests add configuration and logging.</summary>
    public static WebApplication Build(string[] args, Action<WebApplicationBuilder>? configure = null)
    {
        // Settings files are read once, not watched: watching appsettings.json makes the runtime watch the whole content
        // root, one inotify watch per folder (~2000 under the repository). A change means a restart, as in Azure.
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = ["--hostBuilder:reloadConfigOnChange=false", .. args] });
        configure?.Invoke(builder);
        var options = new LocalHostOptions();
        builder.Configuration.GetSection(LocalHostOptions.SectionName).Bind(options);
        var app = FunctionAppFolder.Load(options.ScriptRoot ?? throw new InvalidOperationException("LocalHost:ScriptRoot is not set: the folder of the built function app (InternalApi.Functions/bin/Release/net10.0)."));
        var endpoints = new HostEndpoints();
        var front = FrontEnd(options.Urls);

        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.AddServerHeader = false;
            // The worker's Kestrel enforces the app's body limit (its answer is the app's JSON 413); the host passes bodies on.
            kestrel.Limits.MaxRequestBodySize = null;
            kestrel.Listen(IPAddress.Loopback, endpoints.GrpcPort, listen => listen.Protocols = HttpProtocols.Http2);
            foreach (var (address, port) in front)
            {
                kestrel.Listen(address, port);
            }
        });
        builder.Logging.AddFilter("Microsoft.AspNetCore", LogLevel.Warning);
        builder.Logging.AddFilter("Grpc", LogLevel.Warning);
        builder.Logging.AddFilter("Yarp", LogLevel.Warning);

        var services = builder.Services;
        services.AddSingleton(app);
        services.AddSingleton(endpoints);
        services.AddOptions<LocalHostOptions>().BindConfiguration(LocalHostOptions.SectionName);
        services.AddOptions<QueueProcessingOptions>()
            .Configure(app.ApplyQueueSettings)
            .BindConfiguration(QueueProcessingOptions.SectionName);
        services.AddGrpc(grpc =>
        {
            grpc.MaxReceiveMessageSize = null;
            grpc.MaxSendMessageSize = null;
        });
        services.AddHttpForwarder();
        services.AddSingleton<WorkerHub>();
        services.AddSingleton<HttpInvoker>();
        services.AddSingleton<FunctionEndpoints>();
        services.AddSingleton<FirstResponse>();
        services.AddSingleton<QueueClients>();
        services.AddSingleton<QueueDispatchMonitor>();
        services.AddSingleton<WorkerSupervisor>();
        services.AddHostedService(sp => sp.GetRequiredService<WorkerSupervisor>());
        services.AddSingleton<QueueTriggerListener>();
        services.AddHostedService(sp => sp.GetRequiredService<QueueTriggerListener>());

        var web = builder.Build();
        var hub = web.Services.GetRequiredService<WorkerHub>();
        var routes = web.Services.GetRequiredService<FunctionEndpoints>();
        var ready = web.Services.GetRequiredService<IOptions<LocalHostOptions>>().Value.WorkerReadyTimeout;
        _ = hub.Functions.ContinueWith(loaded => routes.Publish(loaded.Result, app.RoutePrefix), CancellationToken.None, TaskContinuationOptions.OnlyOnRanToCompletion, TaskScheduler.Default);

        web.Use(async (context, next) =>
        {
            var grpc = context.Connection.LocalPort == endpoints.GrpcPort;
            if (grpc != context.Request.Path.StartsWithSegments("/AzureFunctionsRpcMessages.FunctionRpc", StringComparison.Ordinal))
            {
                // The worker's protocol only on its own port, and nothing else there.
                await JsonErrors.WriteAsync(context, StatusCodes.Status404NotFound, "404 Not Found");
                return;
            }

            if (!grpc && !routes.Published.IsCompleted)
            {
                // Requests that arrive while the worker starts wait for its functions, as the host holds them while it starts.
                try
                {
                    await routes.Published.WaitAsync(ready, context.RequestAborted);
                }
                catch (TimeoutException)
                {
                    await JsonErrors.WriteAsync(context, StatusCodes.Status503ServiceUnavailable, "503 Service Unavailable", retryAfter: true);
                    return;
                }
            }

            await next(context);
        });
        web.UseRouting();
        ((IEndpointRouteBuilder)web).DataSources.Add(routes);
        web.MapGrpcService<FunctionRpcService>();
        // Only where the app serves no catch-all of its own (ours does: GitLab's JSON 404 and 405 come from the worker).
        web.MapFallback(context => JsonErrors.WriteAsync(context, StatusCodes.Status404NotFound, "404 Not Found"));
        return web;
    }

    /// <summary>Where a started host serves the functions (the first front-end address, not the gRPC one).</summary>
    public static Uri FrontEndAddress(WebApplication host)
    {
        ArgumentNullException.ThrowIfNull(host);
        var grpc = host.Services.GetRequiredService<HostEndpoints>().GrpcPort;
        var addresses = host.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses;
        return addresses.Select(a => new Uri(a.Replace("[::]", "127.0.0.1", StringComparison.Ordinal))).First(a => a.Port != grpc);
    }

    /// <summary><c>http://host:port</c> listen addresses (separated by <c>;</c>), loopback unless an address says otherwise.</summary>
    private static List<(IPAddress Address, int Port)> FrontEnd(string urls)
    {
        var listen = new List<(IPAddress, int)>();
        foreach (var url in urls.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var uri = new Uri(url.Replace("://*", "://0.0.0.0", StringComparison.Ordinal).Replace("://+", "://0.0.0.0", StringComparison.Ordinal));
            if (uri.Scheme != Uri.UriSchemeHttp)
            {
                throw new InvalidOperationException($"LocalHost:Urls takes http addresses only: {url}");
            }

            var address = uri.IsLoopback && !IPAddress.TryParse(uri.Host.Trim('[', ']'), out _) ? IPAddress.Loopback : IPAddress.Parse(uri.Host.Trim('[', ']'));
            listen.Add((address, uri.Port));
        }

        return listen;
    }
}
