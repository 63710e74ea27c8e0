namespace InternalApi.Core.Storage;

/// <summary>
/// Where the app's own tables and queues live. With no connection string here, the Functions host's
/// <c>AzureWebJobsStorage</c> setting is used, in either its connection-string or identity-based form.
/// </summary>
public sealed class StorageOptions
{
    /// <summary>Configuration section.</summary>
    public const string SectionName = "Storage";

    /// <summary>A storage connection string (SharedKey); wins over everything else.</summary>
    public string? ConnectionString { get; set; }

    /// <summary>Table service URI for identity-based access.</summary>
    public Uri? TableServiceUri { get; set; }

    /// <summary>Queue service URI for identity-based access.</summary>
    public Uri? QueueServiceUri { get; set; }

    /// <summary>Prefix for every table name (lets several environments or test runs share an account).</summary>
    public string TablePrefix { get; set; } = "";

    /// <summary>Create tables and queues at start (turn off when the infrastructure deploys them).</summary>
    public bool InitializeOnStart { get; set; } = true;
}
