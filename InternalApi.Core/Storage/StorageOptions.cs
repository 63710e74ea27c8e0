namespace InternalApi.Core.Storage;

/// <summary>
/// How the app uses its storage account. The account itself is the Functions connection
/// <c>AzureWebJobsStorage</c> (a connection string, or its identity-based <c>__accountName</c> /
/// <c>__tableServiceUri</c> / <c>__queueServiceUri</c> form), so queue triggers and the app share one.
/// </summary>
public sealed class StorageOptions
{
    /// <summary>Configuration section.</summary>
    public const string SectionName = "Storage";

    /// <summary>Prefix for every table name (lets several environments or test runs share an account).</summary>
    public string TablePrefix { get; set; } = "";

    /// <summary>Create tables and queues at start (turn off when the infrastructure deploys them).</summary>
    public bool InitializeOnStart { get; set; } = true;
}
