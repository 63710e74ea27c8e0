using InternalApi.Core.Model;
using InternalApi.Core.Shell;

namespace InternalApi.Core.Import;

/// <summary>
/// <c>personal_access_tokens</c>: <c>token</c> is given in clear and only its SHA-256 digest is stored
/// (<see cref="SecretDigest"/>), so the file is the only place the token text exists.
/// </summary>
public sealed class PersonalAccessTokensSection : ImportSection<PersonalAccessToken>
{
    /// <inheritdoc/>
    public override string Name => "personal_access_tokens";

    /// <inheritdoc/>
    protected override PersonalAccessToken Read(ImportReader record)
    {
        ArgumentNullException.ThrowIfNull(record);
        var token = record.Text("token", required: true);
        var scopes = record.Strings("scopes", required: true);
        if (scopes is { Count: 0 })
        {
            record.Error("scopes", "must name at least one scope");
        }

        return new PersonalAccessToken
        {
            Id = record.Id("id", required: true) ?? 0,
            UserId = record.Id("user_id", required: true) ?? 0,
            Name = record.Text("name", required: true) ?? "",
            Digest = token is null ? "" : SecretDigest.Sha256Hex(token),
            Scopes = scopes ?? [],
            ExpiresAt = record.Date("expires_at"),
            Revoked = record.Bool("revoked", false),
            CreatedAt = record.Time("created_at") ?? DateTimeOffset.UnixEpoch,
        };
    }

    /// <inheritdoc/>
    protected override void CheckFile(IEnumerable<ImportItem<PersonalAccessToken>> items, ImportContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        context.Duplicates(items, t => ImportContext.Key(t.Id), "id", StringComparer.Ordinal);
        context.Duplicates(items, t => t.Digest, "token", StringComparer.Ordinal);
    }

    /// <inheritdoc/>
    protected override async Task CheckAsync(ImportItem<PersonalAccessToken> item, ImportContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(item);
        ArgumentNullException.ThrowIfNull(context);
        var token = item.Value;
        if (!await context.UserExistsAsync(token.UserId, cancellationToken))
        {
            context.Error(item.Path, "user_id", $"unknown user {token.UserId}");
        }

        if (token.Digest.Length > 0 && await context.Stores.AccessTokens.FindPersonalAccessTokenAsync(token.Digest, cancellationToken) is { } stored && stored.Id != token.Id)
        {
            context.Error(item.Path, "token", $"this token is already token {stored.Id} in the store");
        }
    }

    /// <inheritdoc/>
    protected override async Task WriteAllAsync(IEnumerable<ImportItem<PersonalAccessToken>> items, ImportContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(items);
        ArgumentNullException.ThrowIfNull(context);
        // Tokens created over SSH take ids from this sequence: keep it above the ids imported here.
        await context.Stores.Sequences.ReserveIdsAsync(PersonalAccessTokenService.IdSequence, items.Select(t => t.Value.Id).DefaultIfEmpty(0).Max(), cancellationToken);
        await base.WriteAllAsync(items, context, cancellationToken);
    }

    /// <inheritdoc/>
    protected override async Task WriteAsync(PersonalAccessToken value, ImportContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(value);
        ArgumentNullException.ThrowIfNull(context);
        var existing = await context.Stores.AccessTokens.FindPersonalAccessTokenAsync(value.Digest, cancellationToken);
        await context.Stores.AccessTokens.UpsertPersonalAccessTokenAsync(value with { LastUsedAt = existing?.LastUsedAt }, cancellationToken);
    }
}
