using Azure.Identity;
using InternalApi.Core.Storage;

namespace InternalApi.Functions.Hosting;

/// <summary>
/// Resolves the storage account from configuration, in the order an operator expects:
/// <c>Storage:ConnectionString</c>; the host's <c>AzureWebJobsStorage</c> connection string; then
/// identity-based settings (<c>Storage:TableServiceUri</c>/<c>QueueServiceUri</c>, or
/// <c>AzureWebJobsStorage__tableServiceUri</c>/<c>__queueServiceUri</c>/<c>__accountName</c>) with a managed
/// identity (<c>AzureWebJobsStorage__clientId</c> or <c>AZURE_CLIENT_ID</c> for a user-assigned one).
/// </summary>
public static class StorageAccountFactory
{
    /// <summary>Builds the account or explains what is missing.</summary>
    public static StorageAccount Create(IConfiguration configuration, StorageOptions options)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        ArgumentNullException.ThrowIfNull(options);
        if (!string.IsNullOrWhiteSpace(options.ConnectionString))
        {
            return StorageConnectionString.Parse(options.ConnectionString);
        }

        var webJobs = configuration.GetSection("AzureWebJobsStorage");
        if (!string.IsNullOrWhiteSpace(webJobs.Value))
        {
            return StorageConnectionString.Parse(webJobs.Value);
        }

        var account = webJobs["accountName"];
        var table = options.TableServiceUri ?? Uri(webJobs["tableServiceUri"]) ?? (account is null ? null : new Uri($"https://{account}.table.core.windows.net"));
        var queue = options.QueueServiceUri ?? Uri(webJobs["queueServiceUri"]) ?? (account is null ? null : new Uri($"https://{account}.queue.core.windows.net"));
        if (table is null || queue is null)
        {
            throw new InvalidOperationException(
                "No storage configured: set Storage:ConnectionString or AzureWebJobsStorage (a connection string, or __accountName / __tableServiceUri and __queueServiceUri for a managed identity).");
        }

        var clientId = webJobs["clientId"] ?? configuration["AZURE_CLIENT_ID"];
        var credential = new DefaultAzureCredential(new DefaultAzureCredentialOptions { ManagedIdentityClientId = clientId });
        return StorageAccount.FromIdentity(table, queue, credential) with { AccountName = account ?? table.Host.Split('.')[0] };
    }

    private static Uri? Uri(string? value) => string.IsNullOrWhiteSpace(value) ? null : new Uri(value);
}
