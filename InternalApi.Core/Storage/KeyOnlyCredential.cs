using Azure.Core;

namespace InternalApi.Core.Storage;

/// <summary>
/// The credential of clients built from a connection string: they sign with the account key and never ask for a
/// token. Given to Microsoft.Extensions.Azure so that it does not build its default DefaultAzureCredential.
/// </summary>
internal sealed class KeyOnlyCredential : TokenCredential
{
    /// <summary>The one instance.</summary>
    public static KeyOnlyCredential Instance { get; } = new();

    /// <inheritdoc/>
    public override AccessToken GetToken(TokenRequestContext requestContext, CancellationToken cancellationToken) =>
        throw new InvalidOperationException("A storage client of a connection string asked for a token: AzureWebJobsStorage signs with its key.");

    /// <inheritdoc/>
    public override ValueTask<AccessToken> GetTokenAsync(TokenRequestContext requestContext, CancellationToken cancellationToken) =>
        throw new InvalidOperationException("A storage client of a connection string asked for a token: AzureWebJobsStorage signs with its key.");
}
