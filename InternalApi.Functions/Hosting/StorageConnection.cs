using Azure.Core;
using Azure.Core.Pipeline;
using Azure.Data.Tables;
using Azure.Identity;
using Azure.Storage.Queues;
using Microsoft.Extensions.Azure;

namespace InternalApi.Functions.Hosting;

/// <summary>
/// The storage account, as the Functions host names it: the <c>AzureWebJobsStorage</c> connection. Its value
/// is a connection string (Azurite, account keys), or its identity-based form: <c>__accountName</c>, or
/// <c>__tableServiceUri</c> and <c>__queueServiceUri</c>, with <c>__clientId</c> for a user-assigned managed
/// identity. Queue triggers and the app's own tables and queues use the same account.
/// </summary>
public static class StorageConnection
{
    /// <summary>The connection setting every trigger names (<c>Connection = StorageConnection.Name</c>).</summary>
    public const string Name = "AzureWebJobsStorage";

    /// <summary>
    /// A second <see cref="QueueServiceClient"/> (from <c>IAzureClientFactory</c>) that leaves message text as it
    /// is: the local host's listener decodes base64 itself, so an undecodable message fails like a binding
    /// failure in the host (retried, then poisoned unchanged) instead of failing the whole receive.
    /// </summary>
    public const string RawQueues = "RawQueues";

    /// <summary>Registers <see cref="TableServiceClient"/> and <see cref="QueueServiceClient"/> (base64 messages, as the queue trigger expects).</summary>
    public static IServiceCollection AddInternalApiStorage(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var section = configuration.GetSection(Name);
        services.AddSingleton<StorageCallCounter>();
        var retry = new Core.Storage.StorageOptions();
        configuration.GetSection(Core.Storage.StorageOptions.SectionName).Bind(retry);

        // Azure.Core logs every request at Information and every 404 (a "not found" point read, an absent queue)
        // at Warning: noise on the hot paths, in every host and command. Real failures surface as exceptions,
        // which the app logs itself. A log filter alone still has the SDK format every entry (its event source is
        // listened to at Verbose), so unless asked for (Storage:SdkLogging) its logging policy is off altogether.
        if (!retry.SdkLogging)
        {
            services.AddLogging(logging => logging.AddFilter("Azure.Core", LogLevel.Error));
        }

        // The SDK's client spans are only worth their cost (an Activity and its tags per storage call) when a
        // telemetry exporter sends them somewhere.
        var tracing = TracesExported(configuration);
        services.AddAzureClients(clients =>
        {
            if (!string.IsNullOrWhiteSpace(section.Value))
            {
                clients.AddTableServiceClient(section.Value);
                clients.AddQueueServiceClient(section.Value).ConfigureOptions(o => o.MessageEncoding = QueueMessageEncoding.Base64);
                clients.AddQueueServiceClient(section.Value).WithName(RawQueues).ConfigureOptions(o => o.MessageEncoding = QueueMessageEncoding.None);

                // Microsoft.Extensions.Azure builds its default credential (a DefaultAzureCredential, which loads
                // MSAL) for every client, even one that signs with a key: at startup, for nothing.
                clients.UseCredential(_ => KeyOnlyCredential.Instance);
            }
            else
            {
                var (tables, queues) = ServiceUris(section);
                TokenCredential credential = new DefaultAzureCredential(new DefaultAzureCredentialOptions
                {
                    ManagedIdentityClientId = section["clientId"] ?? configuration["AZURE_CLIENT_ID"],
                });
                clients.AddTableServiceClient(tables).WithCredential(credential);
                clients.AddQueueServiceClient(queues).WithCredential(credential).ConfigureOptions(o => o.MessageEncoding = QueueMessageEncoding.Base64);
                clients.AddQueueServiceClient(queues).WithName(RawQueues).WithCredential(credential).ConfigureOptions(o => o.MessageEncoding = QueueMessageEncoding.None);
            }

            clients.ConfigureDefaults((ClientOptions o, IServiceProvider sp) =>
            {
                // Storage answers in milliseconds; a request that hangs should fail while the caller still waits:
                // the defaults keep one call under ~5 s (2 attempts of 2 s), after which HTTP answers 503.
                o.Retry.NetworkTimeout = retry.NetworkTimeout;
                o.Retry.MaxRetries = retry.MaxRetries;
                o.Retry.Delay = retry.RetryDelay;
                o.Retry.MaxDelay = TimeSpan.FromSeconds(1);
                o.Diagnostics.IsLoggingEnabled = retry.SdkLogging;
                o.Diagnostics.IsDistributedTracingEnabled = tracing;
                o.AddPolicy(sp.GetRequiredService<StorageCallCounter>(), HttpPipelinePosition.PerRetry);
            });
        });
        return services;
    }

    private static bool TracesExported(IConfiguration configuration)
    {
        try
        {
            return Telemetry.Exporter(configuration) != "none";
        }
        catch (InvalidOperationException)
        {
            // An unknown exporter fails the host's telemetry setup with its own message; here, keep the SDK default.
            return true;
        }
    }

    private static (Uri Tables, Uri Queues) ServiceUris(IConfigurationSection section)
    {
        var account = section["accountName"];
        var tables = Uri(section["tableServiceUri"]) ?? (account is null ? null : new Uri($"https://{account}.table.core.windows.net"));
        var queues = Uri(section["queueServiceUri"]) ?? (account is null ? null : new Uri($"https://{account}.queue.core.windows.net"));
        return tables is not null && queues is not null
            ? (tables, queues)
            : throw new InvalidOperationException(
                $"No storage configured: set {Name} to a connection string, or {Name}__accountName (or {Name}__tableServiceUri and {Name}__queueServiceUri) for a managed identity.");
    }

    private static Uri? Uri(string? value) => string.IsNullOrWhiteSpace(value) ? null : new Uri(value);
}

/// <summary>
/// Counts storage requests as they leave (every retry too), so that benchmarks report calls per request
/// from the pipeline itself rather than from hand-kept tallies.
/// </summary>
public sealed class StorageCallCounter : HttpPipelineSynchronousPolicy
{
    private long _count;
    private long _writes;
    private long _queueSends;

    /// <summary>Requests sent since start.</summary>
    public long Count => Interlocked.Read(ref _count);

    /// <summary>Of those, the ones that change something (every method but GET and HEAD: table writes, queue sends and deletes).</summary>
    public long Writes => Interlocked.Read(ref _writes);

    /// <summary>Of the writes, the queue messages sent (Put Message: a POST to a queue's <c>/messages</c>).</summary>
    public long QueueSends => Interlocked.Read(ref _queueSends);

    /// <inheritdoc/>
    public override void OnSendingRequest(HttpMessage message)
    {
        ArgumentNullException.ThrowIfNull(message);
        Interlocked.Increment(ref _count);
        if (message.Request.Method != RequestMethod.Get && message.Request.Method != RequestMethod.Head)
        {
            Interlocked.Increment(ref _writes);
            if (message.Request.Method == RequestMethod.Post && message.Request.Uri.Path.EndsWith("/messages", StringComparison.Ordinal))
            {
                Interlocked.Increment(ref _queueSends);
            }
        }
    }
}
