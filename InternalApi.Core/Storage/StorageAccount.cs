using Azure.Core;
using Azure.Core.Pipeline;
using Azure.Data.Tables;
using Azure.Identity;
using Azure.Storage.Blobs;
using Azure.Storage.Queues;
using Microsoft.Extensions.Azure;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace InternalApi.Core.Storage;

/// <summary>
/// The storage account, as the Functions host names it: the <c>AzureWebJobsStorage</c> connection. Its value
/// is a connection string (Azurite, account keys), or its identity-based form: <c>__accountName</c>, or
/// <c>__tableServiceUri</c> and <c>__queueServiceUri</c>, with <c>__clientId</c> for a user-assigned managed
/// identity. Queue triggers, the app's own tables and queues and the operator tool all use the same account, so the
/// registration lives here, where the worker and the tool both reach it.
/// </summary>
public static class StorageAccount
{
    /// <summary>The connection setting every trigger names.</summary>
    public const string ConnectionName = "AzureWebJobsStorage";

    /// <summary>
    /// A second <see cref="QueueServiceClient"/> (from <c>IAzureClientFactory</c>) that leaves message text as it
    /// is: whoever reads messages itself (a queue listener, <c>queues replay</c>) must see and put back exactly the
    /// text that was sent, base64 or not, instead of failing the whole receive on one undecodable message.
    /// </summary>
    public const string RawQueues = "RawQueues";

    /// <summary>
    /// Registers <see cref="TableServiceClient"/>, <see cref="QueueServiceClient"/> (base64 messages, as the queue
    /// trigger expects) and <see cref="BlobServiceClient"/> (LFS objects, Pages deployments), counted by <see cref="StorageCallCounter"/>. <paramref name="distributedTracing"/> turns on
    /// the SDK's client spans: worth their cost (an Activity and its tags per storage call) only when a telemetry
    /// exporter sends them somewhere.
    /// </summary>
    public static IServiceCollection AddInternalApiStorage(this IServiceCollection services, IConfiguration configuration, bool distributedTracing)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var section = configuration.GetSection(ConnectionName);
        services.AddSingleton<StorageCallCounter>();
        var retry = new StorageOptions();
        configuration.GetSection(StorageOptions.SectionName).Bind(retry);

        // Azure.Core logs every request at Information and every 404 (a "not found" point read, an absent queue)
        // at Warning: noise on the hot paths, in every host and command. Real failures surface as exceptions,
        // which the app logs itself. A log filter alone still has the SDK format every entry (its event source is
        // listened to at Verbose), so unless asked for (Storage:SdkLogging) its logging policy is off altogether.
        if (!retry.SdkLogging)
        {
            services.AddLogging(logging => logging.AddFilter("Azure.Core", LogLevel.Error));
        }

        services.AddAzureClients(clients =>
        {
            if (!string.IsNullOrWhiteSpace(section.Value))
            {
                clients.AddTableServiceClient(section.Value);
                clients.AddQueueServiceClient(section.Value).ConfigureOptions(o => o.MessageEncoding = QueueMessageEncoding.Base64);
                clients.AddQueueServiceClient(section.Value).WithName(RawQueues).ConfigureOptions(o => o.MessageEncoding = QueueMessageEncoding.None);
                clients.AddBlobServiceClient(section.Value);

                // Microsoft.Extensions.Azure builds its default credential (a DefaultAzureCredential, which loads
                // MSAL) for every client, even one that signs with a key: at startup, for nothing.
                clients.UseCredential(_ => KeyOnlyCredential.Instance);
            }
            else
            {
                var (tables, queues, blobs) = ServiceUris(section);
                TokenCredential credential = new DefaultAzureCredential(new DefaultAzureCredentialOptions
                {
                    ManagedIdentityClientId = section["clientId"] ?? configuration["AZURE_CLIENT_ID"],
                });
                clients.AddTableServiceClient(tables).WithCredential(credential);
                clients.AddQueueServiceClient(queues).WithCredential(credential).ConfigureOptions(o => o.MessageEncoding = QueueMessageEncoding.Base64);
                clients.AddQueueServiceClient(queues).WithName(RawQueues).WithCredential(credential).ConfigureOptions(o => o.MessageEncoding = QueueMessageEncoding.None);
                clients.AddBlobServiceClient(blobs).WithCredential(credential);
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
                o.Diagnostics.IsDistributedTracingEnabled = distributedTracing;
                o.AddPolicy(sp.GetRequiredService<StorageCallCounter>(), HttpPipelinePosition.PerRetry);
            });
        });
        return services;
    }

    private static (Uri Tables, Uri Queues, Uri Blobs) ServiceUris(IConfigurationSection section)
    {
        var account = section["accountName"];
        var tables = Uri(section["tableServiceUri"]) ?? (account is null ? null : new Uri($"https://{account}.table.core.windows.net"));
        var queues = Uri(section["queueServiceUri"]) ?? (account is null ? null : new Uri($"https://{account}.queue.core.windows.net"));
        var blobs = Uri(section["blobServiceUri"]) ?? (account is null ? null : new Uri($"https://{account}.blob.core.windows.net"));
        return tables is not null && queues is not null && blobs is not null
            ? (tables, queues, blobs)
            : throw new InvalidOperationException(
                $"No storage configured: set {ConnectionName} to a connection string, or {ConnectionName}__accountName (or {ConnectionName}__tableServiceUri, {ConnectionName}__queueServiceUri and {ConnectionName}__blobServiceUri) for a managed identity.");
    }

    private static Uri? Uri(string? value) => string.IsNullOrWhiteSpace(value) ? null : new Uri(value);
}
