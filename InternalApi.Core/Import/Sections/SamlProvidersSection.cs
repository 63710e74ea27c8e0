using InternalApi.Core.Model;
using InternalApi.Core.Scim;

namespace InternalApi.Core.Import;

/// <summary>A group's SAML SSO configuration as the file gives it.</summary>
public sealed record SamlProviderRecord(string GroupPath, bool Enabled, AccessLevel DefaultMembershipRole);

/// <summary>
/// <c>saml_providers</c>: group SAML SSO per group — <c>group</c> (full path), <c>enabled</c> (default true),
/// <c>default_membership_role</c> (a role name; default <c>guest</c>, GitLab's default). Group SCIM needs one.
/// </summary>
public sealed class SamlProvidersSection(ScimStore scim) : ImportSection<SamlProviderRecord>
{
    /// <inheritdoc/>
    public override string Name => "saml_providers";

    /// <inheritdoc/>
    protected override SamlProviderRecord Read(ImportReader record)
    {
        ArgumentNullException.ThrowIfNull(record);
        var group = record.Text("group", required: true)?.Trim('/') ?? "";
        var role = record.Choice("default_membership_role", ImportValues.Roles, AccessLevel.Guest);
        return new SamlProviderRecord(group, record.Bool("enabled", true), role);
    }

    /// <inheritdoc/>
    protected override void CheckFile(IEnumerable<ImportItem<SamlProviderRecord>> items, ImportContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        context.Duplicates(items, p => p.GroupPath.Length > 0 ? p.GroupPath : null, "group", StringComparer.OrdinalIgnoreCase);
    }

    /// <inheritdoc/>
    protected override Task CheckAsync(ImportItem<SamlProviderRecord> item, ImportContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(item);
        return ScimImportChecks.GroupAsync(item.Path, item.Value.GroupPath, context, cancellationToken);
    }

    /// <inheritdoc/>
    protected override async Task WriteAsync(SamlProviderRecord value, ImportContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(value);
        ArgumentNullException.ThrowIfNull(context);
        var group = await context.NamespaceAsync(value.GroupPath, cancellationToken);
        await scim.UpsertSamlProviderAsync(new SamlProvider(group.Id, value.Enabled, value.DefaultMembershipRole), cancellationToken);
    }
}

/// <summary>A SCIM token as the file gives it: its digest and the group it opens (null: the instance).</summary>
public sealed record ScimTokenRecord(string Digest, string? GroupPath);

/// <summary>
/// <c>scim_tokens</c>: <c>token</c> (clear text; only its SHA-256 digest is stored) and <c>group</c> (full path)
/// for a group SCIM token; without <c>group</c> it is the instance SCIM token.
/// </summary>
public sealed class ScimTokensSection(ScimStore scim) : ImportSection<ScimTokenRecord>
{
    /// <inheritdoc/>
    public override string Name => "scim_tokens";

    /// <inheritdoc/>
    protected override ScimTokenRecord Read(ImportReader record)
    {
        ArgumentNullException.ThrowIfNull(record);
        var token = record.Text("token", required: true);
        return new ScimTokenRecord(string.IsNullOrEmpty(token) ? "" : SecretDigest.Sha256Hex(token), record.Text("group")?.Trim('/'));
    }

    /// <inheritdoc/>
    protected override void CheckFile(IEnumerable<ImportItem<ScimTokenRecord>> items, ImportContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        context.Duplicates(items, t => t.Digest.Length > 0 ? t.Digest : null, "token", StringComparer.Ordinal);
    }

    /// <inheritdoc/>
    protected override async Task CheckAsync(ImportItem<ScimTokenRecord> item, ImportContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(item);
        if (item.Value.GroupPath is { } group)
        {
            await ScimImportChecks.GroupAsync(item.Path, group, context, cancellationToken);
        }
    }

    /// <inheritdoc/>
    protected override async Task WriteAsync(ScimTokenRecord value, ImportContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(value);
        ArgumentNullException.ThrowIfNull(context);
        var scope = value.GroupPath is { } path ? ScimTables.GroupScope((await context.NamespaceAsync(path, cancellationToken)).Id) : ScimTables.InstanceScope;
        await scim.UpsertTokenAsync(value.Digest, scope, cancellationToken);
    }
}

/// <summary>A SCIM identity as the file gives it.</summary>
public sealed record ScimIdentityRecord(string ExternUid, long UserId, string? GroupPath, bool Active);

/// <summary>
/// <c>scim_identities</c>: <c>extern_uid</c>, <c>user_id</c>, <c>group</c> (full path; absent = an instance
/// identity) and <c>active</c> (default true). One identity per user and scope, one per UID and scope.
/// </summary>
public sealed class ScimIdentitiesSection(ScimStore scim) : ImportSection<ScimIdentityRecord>
{
    /// <inheritdoc/>
    public override string Name => "scim_identities";

    /// <inheritdoc/>
    protected override ScimIdentityRecord Read(ImportReader record)
    {
        ArgumentNullException.ThrowIfNull(record);
        return new ScimIdentityRecord(
            record.Text("extern_uid", required: true) ?? "",
            record.Id("user_id", required: true) ?? 0,
            record.Text("group")?.Trim('/'),
            record.Bool("active", true));
    }

    /// <inheritdoc/>
    protected override void CheckFile(IEnumerable<ImportItem<ScimIdentityRecord>> items, ImportContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        context.Duplicates(items, i => i.ExternUid.Length > 0 ? $"{i.GroupPath} {i.ExternUid}" : null, "extern_uid", StringComparer.OrdinalIgnoreCase);
        context.Duplicates(items, i => i.UserId > 0 ? $"{i.GroupPath} {i.UserId}" : null, "user_id", StringComparer.OrdinalIgnoreCase);
    }

    /// <inheritdoc/>
    protected override async Task CheckAsync(ImportItem<ScimIdentityRecord> item, ImportContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(item);
        ArgumentNullException.ThrowIfNull(context);
        if (!await context.UserExistsAsync(item.Value.UserId, cancellationToken))
        {
            context.Error(item.Path, "user_id", $"unknown user {item.Value.UserId}");
        }

        if (item.Value.GroupPath is { } group)
        {
            await ScimImportChecks.GroupAsync(item.Path, group, context, cancellationToken);
        }
    }

    /// <summary>
    /// Each identity's rows as the file gives them (no reads; its two rows in one transaction, up to
    /// <see cref="ImportWriter.Parallelism"/> identities in flight), then each scope written into recounted once: its
    /// count row (what a list's <c>totalResults</c> reads) ends exact, and a re-import ends with the same number.
    /// </summary>
    protected override async Task WriteAllAsync(IEnumerable<ImportItem<ScimIdentityRecord>> items, ImportContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(items);
        ArgumentNullException.ThrowIfNull(context);
        var scopes = new HashSet<string>(StringComparer.Ordinal);
        await using (var writer = new ImportWriter(cancellationToken))
        {
            foreach (var item in items)
            {
                var scope = await ScopeAsync(item.Value, context, cancellationToken);
                var identity = Identity(item.Value);
                await writer.RunAsync(ct => scim.UpsertIdentityRowsAsync(scope, identity, ct));
                scopes.Add(scope);
                context.Progress.Add(1);
            }

            await writer.FlushAsync();
        }

        foreach (var scope in scopes)
        {
            await scim.RecountIdentitiesAsync(scope, cancellationToken);
        }
    }

    /// <inheritdoc/>
    protected override async Task WriteAsync(ScimIdentityRecord value, ImportContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(value);
        await scim.UpsertIdentityAsync(await ScopeAsync(value, context, cancellationToken), Identity(value), cancellationToken);
    }

    private static async Task<string> ScopeAsync(ScimIdentityRecord value, ImportContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        return value.GroupPath is { } path ? ScimTables.GroupScope((await context.NamespaceAsync(path, cancellationToken)).Id) : ScimTables.InstanceScope;
    }

    private static ScimIdentity Identity(ScimIdentityRecord value) => new(value.ExternUid, value.UserId, value.Active);
}

/// <summary>Checks the SCIM sections share.</summary>
internal static class ScimImportChecks
{
    /// <summary>The path must name a group (in the file or the store).</summary>
    public static async Task GroupAsync(string itemPath, string groupPath, ImportContext context, CancellationToken cancellationToken)
    {
        if (groupPath.Length == 0)
        {
            return;
        }

        switch (await context.FindNamespaceAsync(groupPath, cancellationToken))
        {
            case null:
                context.Error(itemPath, "group", $"unknown group '{groupPath}'");
                break;
            case { Kind: NamespaceKind.User }:
                context.Error(itemPath, "group", $"'{groupPath}' is a user's namespace, not a group");
                break;
        }
    }
}
