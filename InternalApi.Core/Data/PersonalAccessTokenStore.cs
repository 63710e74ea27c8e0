using Azure.Data.Tables;
using InternalApi.Core.Model;
using InternalApi.Core.Storage;
using static InternalApi.Core.Data.EntityMapping;

namespace InternalApi.Core.Data;

/// <summary>Personal access tokens, keyed by the token's digest (a bearer token is found by one point read).</summary>
public sealed class PersonalAccessTokenStore(GitLabTables names)
{
    /// <summary>Token by digest, or null.</summary>
    public async Task<PersonalAccessToken?> FindPersonalAccessTokenAsync(string digest, CancellationToken cancellationToken = default) =>
        await names.PersonalAccessTokens.FindAsync(digest, "", cancellationToken: cancellationToken) is { } e ? ToToken(e) : null;

    /// <summary>Stores a token (insert-or-replace by digest, so an import can be re-run).</summary>
    public Task UpsertPersonalAccessTokenAsync(PersonalAccessToken token, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(token);
        return names.PersonalAccessTokens.UpsertEntityAsync(ToEntity(token), TableUpdateMode.Replace, cancellationToken);
    }
}
