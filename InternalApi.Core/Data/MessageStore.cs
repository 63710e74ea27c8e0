using System.Globalization;
using Azure;
using Azure.Data.Tables;
using InternalApi.Core.Storage;

namespace InternalApi.Core.Data;

/// <summary>The short-lived messages <c>/allowed</c> leaves for <c>/post_receive</c> ("project moved", "project created").</summary>
public sealed class MessageStore(GitLabTables names, TimeProvider time)
{
    /// <summary>How long "moved"/"project created" messages wait to be read (GitLab: 5 minutes in Redis).</summary>
    public static readonly TimeSpan StoredMessageLifetime = TimeSpan.FromMinutes(5);

    /// <summary>Key of the "project moved" message for a user and repository.</summary>
    public static string MovedMessageKey(long userId, string glRepository) =>
        string.Create(CultureInfo.InvariantCulture, $"redirect_namespace:{userId}:{glRepository}");

    /// <summary>Key of the "project created" message for a user and repository.</summary>
    public static string CreatedMessageKey(long userId, string glRepository) =>
        string.Create(CultureInfo.InvariantCulture, $"project_created:{userId}:{glRepository}");

    /// <summary>Stores a message for later (replacing any earlier one under the key).</summary>
    public Task PutMessageAsync(string key, string text, CancellationToken cancellationToken = default) =>
        names.StoredMessages.UpsertEntityAsync(new TableEntity(TableKey.Encode(key), "")
        {
            ["Text"] = text,
            ["ExpiresAt"] = time.GetUtcNow() + StoredMessageLifetime,
        }, TableUpdateMode.Replace, cancellationToken);

    /// <summary>Reads and deletes a message; null when absent or expired. Only one reader gets it.</summary>
    public async Task<string?> TakeMessageAsync(string key, CancellationToken cancellationToken = default)
    {
        var encoded = TableKey.Encode(key);
        var entity = await names.StoredMessages.FindAsync(encoded, "", cancellationToken: cancellationToken);
        if (entity is null)
        {
            return null;
        }

        // Conditional delete: of two concurrent readers only the one whose delete wins shows the message.
        try
        {
            // The SDK answers a delete of a missing entity without throwing: 404 means another reader won.
            if ((await names.StoredMessages.DeleteEntityAsync(encoded, "", entity.ETag, cancellationToken)).Status == 404)
            {
                return null;
            }
        }
        catch (RequestFailedException ex) when (ex.IsConcurrencyConflict())
        {
            return null;
        }

        return entity.GetDateTimeOffset("ExpiresAt") is { } expires && expires > time.GetUtcNow() ? entity.GetString("Text") : null;
    }
}
