using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Azure;
using Azure.Data.Tables;
using InternalApi.Core.Storage;

namespace InternalApi.Core.Receive;

/// <summary>
/// One <c>/post_receive</c> call as far as it got: when it was received, whether it took the reference counter's
/// decrement, and the answer once given. <see cref="ETag"/> makes every step conditional.
/// </summary>
public sealed record PostReceiveCall(string Key, DateTimeOffset ReceivedAt, PostReceiveOutcome? Answer, ETag ETag);

/// <summary>
/// Table <c>PostReceiveCalls</c>: PK the encoded <c>gl_repository</c>, RK the call's key (SHA-256 of what Gitaly sends),
/// so that a retried <c>/post_receive</c> is recognised with one point read. Gitaly retries a call that failed or
/// timed out with exactly the same body, and nothing in that body tells one push from another, so the key is the
/// body: repository, pusher, ref lines and push options.
/// </summary>
public sealed class PostReceiveCalls(ReceiveTables tables)
{
    /// <summary>
    /// How long a call is remembered: GitLab's reference counter window (600 s), after which GitLab treats the push
    /// as abandoned. Gitaly retries within seconds; an identical push (same pusher, same ref moving between the same
    /// two commits) made again within this window is taken for a retry, which a push cannot tell apart.
    /// </summary>
    public static readonly TimeSpan Window = ReferenceCounter.Lifetime;

    // A key longer than this cannot be a partition key (1 KiB with its escapes); such a call is not remembered.
    private const int MaxRepositoryLength = 255;

    /// <summary>The call's key: SHA-256 (hex) of its parts, each length-prefixed so that no two bodies share one.</summary>
    public static string Key(string? glRepository, string? identifier, string? changes, IReadOnlyList<string> pushOptions)
    {
        ArgumentNullException.ThrowIfNull(pushOptions);
        var text = new StringBuilder();
        foreach (var part in (IEnumerable<string?>)[glRepository, identifier, changes, .. pushOptions])
        {
            // null and "" differ: Gitaly sends the same JSON on a retry, so both are kept apart.
            text.Append(part is null ? "-1" : part.Length.ToString(System.Globalization.CultureInfo.InvariantCulture)).Append(':').Append(part).Append('\n');
        }

        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text.ToString())));
    }

    /// <summary>Whether calls for this repository can be remembered.</summary>
    public static bool CanRemember(string glRepository) => glRepository.Length <= MaxRepositoryLength;

    /// <summary>The remembered call, or null.</summary>
    public async Task<PostReceiveCall?> GetAsync(string glRepository, string key, CancellationToken cancellationToken)
    {
        var response = await tables.PostReceiveCalls.GetEntityIfExistsAsync<TableEntity>(TableKey.Encode(glRepository), key, cancellationToken: cancellationToken);
        return response.HasValue && response.Value is { } row ? ToCall(row) : null;
    }

    /// <summary>
    /// Records that this attempt took the call (and with it the counter's decrement): inserted when no row was read,
    /// else replaced only if the row read is still there unchanged. Throws a 409/412 <see cref="RequestFailedException"/>
    /// when another attempt took it first.
    /// </summary>
    public async Task<PostReceiveCall> ClaimAsync(string glRepository, string key, DateTimeOffset receivedAt, PostReceiveCall? stale, CancellationToken cancellationToken)
    {
        var row = new TableEntity(TableKey.Encode(glRepository), key) { ["ReceivedAt"] = receivedAt };
        var response = stale is null
            ? await tables.PostReceiveCalls.AddEntityAsync(row, cancellationToken)
            : await tables.PostReceiveCalls.UpdateEntityAsync(row, stale.ETag, TableUpdateMode.Replace, cancellationToken);
        return new PostReceiveCall(key, receivedAt, null, response.Headers.ETag ?? default);
    }

    /// <summary>Keeps the answer, if the row is still the one this attempt claimed or read.</summary>
    public async Task SaveAnswerAsync(string glRepository, PostReceiveCall call, PostReceiveOutcome answer, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(call);
        var row = new TableEntity(TableKey.Encode(glRepository), call.Key)
        {
            ["ReceivedAt"] = call.ReceivedAt,
            ["Answer"] = JsonSerializer.Serialize(answer, ReceiveJsonContext.Default.PostReceiveOutcome),
        };
        await tables.PostReceiveCalls.UpdateEntityAsync(row, call.ETag, TableUpdateMode.Replace, cancellationToken);
    }

    private static PostReceiveCall ToCall(TableEntity row)
    {
        var answer = row.GetString("Answer") is { Length: > 0 } json
            ? JsonSerializer.Deserialize(json, ReceiveJsonContext.Default.PostReceiveOutcome)
            : null;
        return new PostReceiveCall(row.RowKey, row.GetDateTimeOffset("ReceivedAt") ?? DateTimeOffset.MinValue, answer, row.ETag);
    }
}
