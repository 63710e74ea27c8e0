using Azure.Core;
using Azure.Core.Pipeline;

namespace InternalApi.Core.Storage;

/// <summary>Pipeline options for <see cref="TableStorageClient"/>.</summary>
public sealed class TableStorageClientOptions : ClientOptions
{
    /// <summary>The <c>x-ms-version</c> sent; 2019-02-02 is what Azure.Data.Tables sends and works with Entra ID.</summary>
    public string ServiceVersion { get; set; } = "2019-02-02";
}

/// <summary>Pipeline options for <see cref="QueueStorageClient"/>.</summary>
public sealed class QueueStorageClientOptions : ClientOptions
{
    /// <summary>The <c>x-ms-version</c> sent.</summary>
    public string ServiceVersion { get; set; } = "2021-02-12";

    /// <summary>How message bodies are encoded in <c>MessageText</c>; base64 is the Functions default.</summary>
    public QueueMessageEncoding MessageEncoding { get; set; } = QueueMessageEncoding.Base64;
}

/// <summary>Message text encoding, matching the Functions host's <c>extensions.queues.messageEncoding</c>.</summary>
public enum QueueMessageEncoding
{
    /// <summary>MessageText is base64 of the UTF-8 body (Functions default).</summary>
    Base64,

    /// <summary>MessageText is the body itself.</summary>
    None,
}

internal static class StoragePipeline
{
    public const string Scope = "https://storage.azure.com/.default";

    public static HttpPipeline Build(ClientOptions options, StorageAccount account, TimeProvider time, bool queue)
    {
        HttpPipelinePolicy auth = account.AccountKey is { } key
            ? queue ? new QueueSharedKeyPolicy(account.AccountName, key) : new TableSharedKeyPolicy(account.AccountName, key)
            : new BearerTokenAuthenticationPolicy(account.Credential ?? throw new InvalidOperationException("Storage account has neither a key nor a credential."), Scope);
        // Date and signature are per-retry policies so every attempt is signed afresh.
        return HttpPipelineBuilder.Build(options, [], [new StorageDatePolicy(time), auth], new ResponseClassifier());
    }
}
