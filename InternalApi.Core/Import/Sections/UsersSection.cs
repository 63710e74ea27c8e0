using Azure.Data.Tables;
using InternalApi.Core.Model;

namespace InternalApi.Core.Import;

/// <summary>
/// A user and the id of their personal namespace. <see cref="NamespaceId"/> null = keep the stored one or
/// allocate one. <see cref="RecoveryCodesGiven"/> false = keep the stored recovery codes (the user may
/// have regenerated them over SSH since the last import).
/// </summary>
public sealed record UserRecord(User User, long? NamespaceId, bool RecoveryCodesGiven);

/// <summary>
/// <c>users</c>: each user with a personal namespace at <c>/username</c>. The namespace id is
/// <c>namespace_id</c> when given; otherwise a stored user keeps theirs and a new user gets the next id of
/// the <c>namespaces</c> sequence: above <see cref="AllocatedIdFloor"/>, out of the way of hand-written
/// ids, and above every namespace and group id an import has written (each import raises it first).
/// </summary>
public sealed class UsersSection : ImportSection<UserRecord>
{
    /// <summary>The sequence personal namespace ids are allocated from.</summary>
    public const string NamespaceSequence = "namespaces";

    /// <summary>Allocated personal namespace ids start above this.</summary>
    public const long AllocatedIdFloor = 1_000_000;

    /// <inheritdoc/>
    public override string Name => "users";

    /// <inheritdoc/>
    protected override UserRecord Read(ImportReader record)
    {
        ArgumentNullException.ThrowIfNull(record);
        var username = record.Text("username", required: true) ?? "";
        if (username.Length > 0 && !ImportValues.IsPathSegment(username))
        {
            record.Error("username", ImportValues.PathRule);
            username = "";
        }

        var codes = record.Strings("recovery_codes");
        var user = new User
        {
            Id = record.Id("id", required: true) ?? 0,
            Username = username,
            Name = record.Text("name", required: true) ?? "",
            Email = record.Text("email"),
            State = record.Choice("state", ImportValues.UserStates, UserState.Active),
            Type = record.Choice("type", ImportValues.UserTypes, UserType.Human),
            Admin = record.Bool("admin", false),
            External = record.Bool("external", false),
            EmailConfirmed = record.Bool("email_confirmed", true),
            PasswordExpired = record.Bool("password_expired", false),
            TwoFactorEnabled = record.Bool("two_factor_enabled", false),
            CanCreateProject = record.Bool("can_create_project", true),
            CanCreatePersonalAccessToken = record.Bool("can_create_personal_access_token", true),
            // Recovery codes arrive in clear and are stored only as digests, like the ones /two_factor_recovery_codes hands out.
            RecoveryCodeDigests = codes?.Select(SecretDigest.Sha256Hex).ToList() ?? [],
            CreatedAt = record.Time("created_at") ?? DateTimeOffset.UnixEpoch,
        };
        return new UserRecord(user, record.Id("namespace_id"), codes is not null);
    }

    /// <inheritdoc/>
    protected override void CheckFile(IEnumerable<ImportItem<UserRecord>> items, ImportContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        // Ids are digits: one case-insensitive reading of the file checks all three keys.
        context.Duplicates(items, [
            (u => ImportContext.Key(u.User.Id), "id"),
            (u => u.User.Username, "username"),
            (u => u.NamespaceId is { } id ? ImportContext.Key(id) : null, "namespace_id")], StringComparer.OrdinalIgnoreCase);
    }

    /// <inheritdoc/>
    protected override async Task CheckAsync(ImportItem<UserRecord> item, ImportContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(item);
        ArgumentNullException.ThrowIfNull(context);
        var (user, namespaceId, _) = item.Value;
        var stored = user.Id > 0 ? await context.Stored.UserAsync(user.Id, cancellationToken) : null;
        if (stored is not null)
        {
            context.MarkStored(this, user.Id);
        }

        if (user.Username.Length > 0)
        {
            // The personal namespace's path is the username, and projects under it store their full path:
            // renaming would need GitLab's redirect bookkeeping, which an import does not do.
            if (stored is not null && !string.Equals(stored.Username, user.Username, StringComparison.OrdinalIgnoreCase))
            {
                context.Error(item.Path, "username", $"user {user.Id} is '{stored.Username}' in the store; import does not rename users");
            }
            else if (await context.Stored.UserByUsernameAsync(user.Username, cancellationToken) is { } other && other.Id != user.Id)
            {
                context.Error(item.Path, "username", $"'{user.Username}' is already user {other.Id} in the store");
            }
            else if (await context.Stored.NamespaceByPathAsync(user.Username, cancellationToken) is { } ns && !(ns.Kind == NamespaceKind.User && ns.OwnerId == user.Id))
            {
                context.Error(item.Path, "username", $"'{user.Username}' is already the path of namespace {ns.Id} in the store");
            }
        }

        if (namespaceId is { } nsId)
        {
            if (stored?.NamespaceId is { } storedNs && storedNs != nsId)
            {
                context.Error(item.Path, "namespace_id", $"user {user.Id}'s namespace is {storedNs} in the store");
            }
            else if (await context.Stored.NamespaceAsync(nsId, cancellationToken) is { } ns && !(ns.Kind == NamespaceKind.User && ns.OwnerId == user.Id))
            {
                context.Error(item.Path, "namespace_id", $"{nsId} is already namespace '{ns.FullPath}' in the store");
            }
        }
    }

    /// <summary>
    /// A user new to the store is written as rows (its namespace, itself, its indexes) through the batch writer;
    /// so is a stored one whose username, e-mail and name are as stored (<see cref="PlanStoredAsync"/>), keeping its
    /// activity and recovery codes; any other goes through the store's upsert, which moves its index rows and key
    /// fingerprints.
    /// </summary>
    protected override async Task WriteAllAsync(IEnumerable<ImportItem<UserRecord>> items, ImportContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(items);
        ArgumentNullException.ThrowIfNull(context);
        var given = context.Items<GitLabNamespace>().Select(g => g.Value.Id)
            .Concat(context.Items<UserRecord>().Select(u => u.Value.NamespaceId ?? 0))
            .DefaultIfEmpty(0).Max();
        await context.Stores.Sequences.ReserveIdsAsync(NamespaceSequence, given, cancellationToken);
        var tables = context.Tables;
        await using var writer = new ImportWriter(cancellationToken);
        var stored = new List<UserRecord>();
        foreach (var item in items)
        {
            var value = item.Value;
            if (context.IsStored(this, value.User.Id))
            {
                stored.Add(value);
                if (stored.Count == ImportWriter.PlanGroup)
                {
                    await writer.AddStoredAsync(stored, (v, ct) => PlanStoredAsync(v, context, ct), (v, ct) => WriteAsync(v, context, ct));
                    stored.Clear();
                }
            }
            else
            {
                // Allocated here, one at a time: the sequence is one row, which concurrent increments would fight over.
                var nsId = value.NamespaceId ?? await context.Stores.Sequences.NextIdAsync(NamespaceSequence, AllocatedIdFloor, cancellationToken);
                var user = value.User;
                var ns = new GitLabNamespace { Id = nsId, Kind = NamespaceKind.User, Name = user.Name, FullPath = user.Username, RootId = nsId, OwnerId = user.Id };
                context.Remember(ns);
                await writer.AddAsync(ImportRows.OfNamespace(tables, ns));
                await writer.AddAsync(ImportRows.OfUser(tables, user with { NamespaceId = nsId, RecoveryCodeDigests = value.RecoveryCodesGiven ? user.RecoveryCodeDigests : [] }));
            }

            context.Progress.Add(1);
        }

        await writer.AddStoredAsync(stored, (v, ct) => PlanStoredAsync(v, context, ct), (v, ct) => WriteAsync(v, context, ct));
        await writer.FlushAsync();
    }

    /// <summary>
    /// The rows of a stored user when the store's upsert would only rewrite them: its username, e-mail and name are
    /// as stored (nothing to move, no fingerprint to refresh) and it has its namespace. Null otherwise.
    /// </summary>
    private static async Task<IEnumerable<(TableClient Table, TableEntity Row)>?> PlanStoredAsync(UserRecord value, ImportContext context, CancellationToken cancellationToken)
    {
        var user = value.User;
        var existing = await context.Stores.Users.GetUserAsync(user.Id, cancellationToken);
        if (existing?.NamespaceId is not { } storedNs ||
            !string.Equals(existing.Username, user.Username, StringComparison.OrdinalIgnoreCase) ||
            !string.Equals(existing.Email, user.Email, StringComparison.OrdinalIgnoreCase) ||
            existing.Name != user.Name)
        {
            return null;
        }

        var nsId = value.NamespaceId ?? storedNs;
        var ns = new GitLabNamespace { Id = nsId, Kind = NamespaceKind.User, Name = user.Name, FullPath = user.Username, RootId = nsId, OwnerId = user.Id };
        context.Remember(ns);
        return ImportRows.OfNamespace(context.Tables, ns).Concat(ImportRows.OfUser(context.Tables, user with
        {
            NamespaceId = nsId,
            RecoveryCodeDigests = value.RecoveryCodesGiven ? user.RecoveryCodeDigests : existing.RecoveryCodeDigests,
            LastActivityAt = existing.LastActivityAt,
        }));
    }

    /// <inheritdoc/>
    protected override async Task WriteAsync(UserRecord value, ImportContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(value);
        ArgumentNullException.ThrowIfNull(context);
        var stores = context.Stores;
        var user = value.User;
        var existing = await stores.Users.GetUserAsync(user.Id, cancellationToken);
        var nsId = value.NamespaceId ?? existing?.NamespaceId ?? await stores.Sequences.NextIdAsync(NamespaceSequence, AllocatedIdFloor, cancellationToken);
        var ns = new GitLabNamespace { Id = nsId, Kind = NamespaceKind.User, Name = user.Name, FullPath = user.Username, RootId = nsId, OwnerId = user.Id };
        await stores.Namespaces.UpsertNamespaceAsync(ns, cancellationToken);
        context.Remember(ns);
        await stores.Users.UpsertUserAsync(user with
        {
            NamespaceId = nsId,
            RecoveryCodeDigests = value.RecoveryCodesGiven ? user.RecoveryCodeDigests : existing?.RecoveryCodeDigests ?? [],
            // Activity is written by the app, not carried by the file: keep it.
            LastActivityAt = existing?.LastActivityAt,
        }, cancellationToken);
    }
}
