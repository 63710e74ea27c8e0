using InternalApi.Core.Data;
using InternalApi.Core.Model;

namespace InternalApi.Core.Import;

/// <summary>A membership as the file gives it: on a project by id or on a group by full path.</summary>
public sealed record MembershipRecord(long UserId, long? ProjectId, string? GroupPath, AccessLevel Level);

/// <summary>
/// <c>memberships</c>: <c>user_id</c>, exactly one of <c>project_id</c> or <c>group</c> (full path), and
/// <c>role</c>. Group memberships are inherited by subgroups and their projects.
/// </summary>
public sealed class MembershipsSection : ImportSection<MembershipRecord>
{
    /// <inheritdoc/>
    public override string Name => "memberships";

    /// <inheritdoc/>
    protected override MembershipRecord Read(ImportReader record)
    {
        ArgumentNullException.ThrowIfNull(record);
        var userId = record.Id("user_id", required: true) ?? 0;
        var projectId = record.Id("project_id");
        var group = record.Text("group")?.Trim('/');
        if (projectId is null && group is null)
        {
            record.Error("project_id", "is missing (give project_id or group)");
        }
        else if (projectId is not null && group is not null)
        {
            record.Error("group", "give project_id or group, not both");
        }

        var role = record.Text("role", required: true);
        var level = AccessLevel.NoAccess;
        if (role is not null && !ImportValues.Roles.TryGetValue(role, out level))
        {
            record.Error("role", $"must be one of {string.Join(", ", ImportValues.Roles.Keys)}");
        }

        return new MembershipRecord(userId, projectId, group, level);
    }

    /// <inheritdoc/>
    protected override void CheckFile(IEnumerable<ImportItem<MembershipRecord>> items, ImportContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        context.Duplicates(items, m => m.UserId > 0 && (m.ProjectId is not null || m.GroupPath is not null)
            ? $"{m.UserId} {(m.ProjectId is { } p ? "project " + p : "group " + m.GroupPath)}"
            : null, null, StringComparer.OrdinalIgnoreCase);
    }

    /// <inheritdoc/>
    protected override async Task CheckAsync(ImportItem<MembershipRecord> item, ImportContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(item);
        ArgumentNullException.ThrowIfNull(context);
        var (userId, projectId, group, _) = item.Value;
        if (!await context.UserExistsAsync(userId, cancellationToken))
        {
            context.Error(item.Path, "user_id", $"unknown user {userId}");
        }

        if (projectId is { } pid && !await context.ProjectExistsAsync(pid, cancellationToken))
        {
            context.Error(item.Path, "project_id", $"unknown project {pid}");
        }

        if (group is { Length: > 0 })
        {
            switch (await context.FindNamespaceAsync(group, cancellationToken))
            {
                case null:
                    context.Error(item.Path, "group", $"unknown group '{group}'");
                    break;
                case { Kind: NamespaceKind.User }:
                    // Personal namespaces have no members: their owner is the user.
                    context.Error(item.Path, "group", $"'{group}' is a user's namespace, not a group");
                    break;
            }
        }
    }

    /// <summary>
    /// Memberships are plain rows (no read before the write in the store either), in the partition of their
    /// group or project and, copied, in their top-level namespace's: a large group's members go 100 to a transaction.
    /// </summary>
    protected override async Task WriteAllAsync(IEnumerable<ImportItem<MembershipRecord>> items, ImportContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(items);
        ArgumentNullException.ThrowIfNull(context);
        await using var writer = new ImportWriter(cancellationToken);
        foreach (var item in items)
        {
            var membership = await ToMembershipAsync(item.Value, context, cancellationToken);
            var root = membership.Source == MemberSource.Project
                ? await context.ProjectRootAsync(membership.SourceId, cancellationToken)
                : NamespaceTree.RootOf(await context.NamespaceAsync(item.Value.GroupPath!, cancellationToken));
            await writer.AddAsync(ImportRows.OfMembership(context.Tables, membership, root));
            context.Progress.Add(1);
        }

        await writer.FlushAsync();
    }

    private static async Task<Membership> ToMembershipAsync(MembershipRecord value, ImportContext context, CancellationToken cancellationToken) =>
        value.ProjectId is { } pid
            ? new Membership(MemberSource.Project, pid, value.UserId, value.Level)
            : new Membership(MemberSource.Group, (await context.NamespaceAsync(value.GroupPath!, cancellationToken)).Id, value.UserId, value.Level);

    /// <inheritdoc/>
    protected override async Task WriteAsync(MembershipRecord value, ImportContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(value);
        ArgumentNullException.ThrowIfNull(context);
        await context.Stores.Members.UpsertMembershipAsync(await ToMembershipAsync(value, context, cancellationToken), cancellationToken);
    }
}
