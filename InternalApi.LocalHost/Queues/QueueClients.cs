using System.Collections.Concurrent;
using Azure.Storage.Queues;
using Microsoft.Extensions.Configuration;

namespace InternalApi.LocalHost.Queues;

/// <summary>
/// The host's own queue clients, one per connection setting a trigger names (<c>AzureWebJobsStorage</c> for ours). The
/// host reads and settles messages raw (no encoding): the trigger's base64 decoding is done when a message is bound.
/// The local host takes connection strings only (Azurite); identity-based connections are the real host's business.
/// </summary>
public sealed class QueueClients(IConfiguration configuration)
{
    private readonly ConcurrentDictionary<string, QueueServiceClient> _clients = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>The client of the storage account a connection setting names.</summary>
    public QueueServiceClient For(string connection) => _clients.GetOrAdd(connection, name =>
    {
        var value = configuration[name] ?? configuration.GetConnectionString(name);
        if (string.IsNullOrWhiteSpace(value))
        {
            throw new InvalidOperationException($"The queue trigger's connection setting '{name}' is not set (a storage connection string).");
        }

        return new QueueServiceClient(value, new QueueClientOptions { MessageEncoding = QueueMessageEncoding.None });
    });
}
