using System.ComponentModel.DataAnnotations;
using InternalApi.Core.Configuration;
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
    [RegularExpression("^([A-Za-z][A-Za-z0-9]{0,29})?$", ErrorMessage = "must be empty or up to 30 letters and digits, starting with a letter (table names allow nothing else)")]
    public string TablePrefix { get; set; } = "";

    /// <summary>Create tables and queues at start (turn off when the infrastructure deploys them).</summary>
    public bool InitializeOnStart { get; set; } = true;

    /// <summary>
    /// Per-attempt limit of one storage request (the SDK's network timeout). With <see cref="MaxRetries"/> it
    /// bounds how long a request waits on a storage account that does not answer: about
    /// <c>NetworkTimeout × (MaxRetries + 1)</c> plus the retry delays, before the caller gets 503.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00.050", "00:05:00", ErrorMessage = SettingsValidation.Between)]
    public TimeSpan NetworkTimeout { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>SDK retries of a failed storage request (a refused connection, 5xx, a timeout).</summary>
    [Range(0, 10, ErrorMessage = SettingsValidation.Between)]
    public int MaxRetries { get; set; } = 1;

    /// <summary>First retry delay (exponential after, capped at one second).</summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:01:00", ErrorMessage = SettingsValidation.Between)]
    public TimeSpan RetryDelay { get; set; } = TimeSpan.FromMilliseconds(200);

    /// <summary>
    /// The Azure SDK's own request logging (every request and response, with headers, as <c>Azure.Core</c> log
    /// entries). Off by default: formatting them costs CPU on every storage call even when the log level drops
    /// them, and failures surface as exceptions the app logs itself. Turn on to debug what is sent to storage; the
    /// <c>Logging:LogLevel:Azure.Core</c> level then applies.
    /// </summary>
    public bool SdkLogging { get; set; }
}
