using Azure.Core;

namespace InternalApi.Core.Storage;

/// <summary>
/// Where a storage account lives and how to authenticate to it: either an account key
/// (SharedKey, used for Azurite and key-based accounts) or a <see cref="TokenCredential"/>
/// (managed identity in Azure).
/// </summary>
public sealed record StorageAccount
{
    /// <summary>The well-known Azurite development account name.</summary>
    public const string DevelopmentAccountName = "devstoreaccount1";

    /// <summary>The well-known (public) Azurite development account key.</summary>
    public const string DevelopmentAccountKey =
        "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";

    /// <summary>Account name, used in SharedKey signatures.</summary>
    public required string AccountName { get; init; }

    /// <summary>Table service endpoint, e.g. <c>http://127.0.0.1:10002/devstoreaccount1</c>.</summary>
    public required Uri TableEndpoint { get; init; }

    /// <summary>Queue service endpoint, e.g. <c>http://127.0.0.1:10001/devstoreaccount1</c>.</summary>
    public required Uri QueueEndpoint { get; init; }

    /// <summary>Decoded account key for SharedKey; null when a token credential is used.</summary>
    public byte[]? AccountKey { get; init; }

    /// <summary>Token credential for Entra ID (managed identity); null when a key is used.</summary>
    public TokenCredential? Credential { get; init; }

    /// <summary>Parses an Azure storage connection string (see <see cref="StorageConnectionString"/>).</summary>
    public static StorageAccount FromConnectionString(string connectionString) =>
        StorageConnectionString.Parse(connectionString);

    /// <summary>An identity-based account: service URIs plus a token credential.</summary>
    public static StorageAccount FromIdentity(Uri tableEndpoint, Uri queueEndpoint, TokenCredential credential)
    {
        ArgumentNullException.ThrowIfNull(tableEndpoint);
        ArgumentNullException.ThrowIfNull(queueEndpoint);
        ArgumentNullException.ThrowIfNull(credential);
        return new StorageAccount
        {
            AccountName = tableEndpoint.Host.Split('.')[0],
            TableEndpoint = tableEndpoint,
            QueueEndpoint = queueEndpoint,
            Credential = credential,
        };
    }

    /// <inheritdoc/>
    public override string ToString() =>
        $"StorageAccount {{ AccountName = {AccountName}, TableEndpoint = {TableEndpoint}, QueueEndpoint = {QueueEndpoint}, Auth = {(AccountKey is null ? "token" : "shared key")} }}";
}
