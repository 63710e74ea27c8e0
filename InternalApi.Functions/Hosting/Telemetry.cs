using System.ComponentModel.DataAnnotations;
using Azure.Identity;
using Azure.Monitor.OpenTelemetry.Exporter;
using InternalApi.Core.Configuration;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Azure.Functions.Worker.OpenTelemetry;
using OpenTelemetry;
using OpenTelemetry.Logs;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace InternalApi.Functions.Hosting;

/// <summary>Where telemetry goes (section <c>Telemetry</c>).</summary>
public sealed class TelemetryOptions
{
    /// <summary>Configuration section.</summary>
    public const string SectionName = "Telemetry";

    /// <summary>
    /// <c>auto</c> (Application Insights when <c>APPLICATIONINSIGHTS_CONNECTION_STRING</c> is set, else the
    /// console), <c>azuremonitor</c>, <c>console</c> or <c>none</c>.
    /// </summary>
    [RegularExpression(@"^\s*(?i:auto|azuremonitor|console|none)\s*$", ErrorMessage = "must be auto, azuremonitor, console or none")]
    public string Exporter { get; set; } = "auto";
}

/// <summary>
/// OpenTelemetry for both hosts: spans of the <c>InternalApi</c> source (one per invocation, tagged with the
/// <see cref="Core.Diagnostics.InvocationLog"/> fields), of the Azure SDK's storage calls and, under the
/// Functions host, the worker's own; logs with their scopes. Exported to Application Insights — with the
/// managed identity when <c>APPLICATIONINSIGHTS_AUTHENTICATION_STRING</c> says <c>Authorization=AAD</c>, as
/// the Bicep sets it (key-based ingestion is off there) — or to the console locally.
/// </summary>
public static class Telemetry
{
    /// <summary>The setting Application Insights' connection string comes in.</summary>
    public const string ConnectionStringSetting = "APPLICATIONINSIGHTS_CONNECTION_STRING";

    /// <summary>The setting that asks for Entra ID (managed identity) authentication of the exporter.</summary>
    public const string AuthenticationStringSetting = "APPLICATIONINSIGHTS_AUTHENTICATION_STRING";

    /// <summary>Registers the providers; <paramref name="functionsWorker"/> adds the isolated worker's defaults.</summary>
    public static IServiceCollection AddInternalApiTelemetry(this IServiceCollection services, IConfiguration configuration, bool functionsWorker)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        // Read here (the exporter decides what is registered) and validated at start with the others.
        var exporter = Exporter(configuration);
        services.AddOptions<TelemetryOptions>().BindConfiguration(TelemetryOptions.SectionName).ValidateAtStart(TelemetryOptions.SectionName);
        return exporter == "none" ? services : AddOpenTelemetry(services, configuration, functionsWorker, exporter);
    }

    // Separate methods so that the JIT loads OpenTelemetry, and the Azure Monitor exporter, only when they are used:
    // with the exporter off they cost a process neither memory nor startup time.
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.NoInlining)]
    private static IServiceCollection AddOpenTelemetry(IServiceCollection services, IConfiguration configuration, bool functionsWorker, string exporter)
    {
        // The Azure SDK only emits its spans (storage calls, with their latency) when asked to.
        AppContext.SetSwitch("Azure.Experimental.EnableActivitySource", true);
        services.Configure<OpenTelemetryLoggerOptions>(o =>
        {
            o.IncludeScopes = true; // the invocation's fields travel as log attributes
            o.IncludeFormattedMessage = true;
        });

        var builder = services.AddOpenTelemetry()
            .ConfigureResource(r => r.AddService("InternalApi", serviceVersion: Core.BuildInfo.Version))
            .WithTracing(t => t.AddSource(InvocationScope.SourceName, "Azure.*", "Microsoft.AspNetCore"))
            .WithMetrics(m => m.AddMeter(InvocationScope.SourceName, "Microsoft.AspNetCore.Hosting", "Microsoft.AspNetCore.Server.Kestrel"));
        if (functionsWorker)
        {
            builder.UseFunctionsWorkerDefaults();
        }

        if (exporter == "azuremonitor")
        {
            UseAzureMonitor(builder, configuration);
        }
        else
        {
            // Locally: spans on the console (logs already go there through the console logger).
            builder.WithTracing(t => t.AddConsoleExporter());
        }

        return services;
    }

    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.NoInlining)]
    private static void UseAzureMonitor(IOpenTelemetryBuilder builder, IConfiguration configuration)
    {
        var authentication = configuration[AuthenticationStringSetting];
        builder.UseAzureMonitorExporter(o =>
        {
            o.ConnectionString = configuration[ConnectionStringSetting];
            if (AadClientId(authentication) is { } clientId)
            {
                o.Credential = new ManagedIdentityCredential(ManagedIdentityId.FromUserAssignedClientId(clientId));
            }
            else if (authentication?.Contains("Authorization=AAD", StringComparison.OrdinalIgnoreCase) == true)
            {
                o.Credential = new ManagedIdentityCredential(ManagedIdentityId.SystemAssigned);
            }
        });
    }

    /// <summary>The exporter the settings select (lower case).</summary>
    public static string Exporter(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var chosen = (configuration.GetSection(TelemetryOptions.SectionName).Get<TelemetryOptions>() ?? new()).Exporter.Trim().ToLowerInvariant();
        return chosen switch
        {
            "auto" => string.IsNullOrWhiteSpace(configuration[ConnectionStringSetting]) ? "none" : "azuremonitor",
            "azuremonitor" or "console" or "none" => chosen,
            _ => throw new InvalidOperationException($"Telemetry:Exporter '{chosen}' is not one of auto, azuremonitor, console, none."),
        };
    }

    /// <summary><c>Authorization=AAD;ClientId=…</c> → the client id.</summary>
    private static string? AadClientId(string? authentication)
    {
        if (string.IsNullOrWhiteSpace(authentication))
        {
            return null;
        }

        var parts = authentication.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(p => p.Split('=', 2))
            .Where(p => p.Length == 2)
            .ToDictionary(p => p[0], p => p[1], StringComparer.OrdinalIgnoreCase);
        return parts.TryGetValue("Authorization", out var kind) && kind.Equals("AAD", StringComparison.OrdinalIgnoreCase) &&
               parts.TryGetValue("ClientId", out var id) && id.Length > 0
            ? id
            : null;
    }
}
