using System.Globalization;
using InternalApi.Core.Model;

namespace InternalApi.Core.Import;

/// <summary>
/// <c>groups</c>: <c>path</c> is the full path (<c>acme/platform</c>); its parent is the path without the
/// last segment and must be a group in the file or the store. Parents are written before children
/// whatever the order in the file.
/// </summary>
public sealed class GroupsSection : ImportSection<GitLabNamespace>
{
    /// <inheritdoc/>
    public override string Name => "groups";

    /// <inheritdoc/>
    protected override GitLabNamespace Read(ImportReader record)
    {
        ArgumentNullException.ThrowIfNull(record);
        var fullPath = (record.Text("path", required: true) ?? "").Trim('/');
        if (fullPath.Length > 0 && !ImportValues.IsFullPath(fullPath))
        {
            record.Error("path", "each segment " + ImportValues.PathRule);
            fullPath = "";
        }

        var topLevel = !fullPath.Contains('/', StringComparison.Ordinal);
        var enforceSshCertificates = record.Bool("enforce_ssh_certificates", false);
        if (enforceSshCertificates && !topLevel)
        {
            record.Error("enforce_ssh_certificates", "can only be set on a top-level group");
        }

        return new GitLabNamespace
        {
            Id = record.Id("id", required: true) ?? 0,
            Kind = NamespaceKind.Group,
            FullPath = fullPath,
            Name = record.Text("name") ?? fullPath[(fullPath.LastIndexOf('/') + 1)..],
            GitAccessProtocol = record.Choice("git_access_protocol", ImportValues.GitAccessProtocols, null),
            IpRestrictions = IpRestrictions(record, topLevel),
            EnforceSshCertificates = enforceSshCertificates,
        };
    }

    /// <summary>
    /// <c>ip_restrictions</c>: CIDR ranges (IPv4 or IPv6; a bare address is a range of one), stored in their
    /// canonical <c>network/prefix</c> form, duplicates dropped. As in GitLab, only a top-level group has them:
    /// its list applies to every subgroup and project below it.
    /// </summary>
    private static List<string> IpRestrictions(ImportReader record, bool topLevel)
    {
        var given = record.Strings("ip_restrictions");
        if (given is null || given.Count == 0)
        {
            return [];
        }

        if (!topLevel)
        {
            record.Error("ip_restrictions", "can only be set on a top-level group (its list covers every subgroup)");
            return [];
        }

        var ranges = new List<string>();
        for (var i = 0; i < given.Count; i++)
        {
            if (!IpRange.TryParse(given[i], out var range))
            {
                record.Error(string.Create(CultureInfo.InvariantCulture, $"ip_restrictions[{i}]"), $"'{given[i]}' is not an IP address or CIDR range (like 192.0.2.0/24 or 2001:db8::/32)");
                continue;
            }

            if (!ranges.Contains(range.ToString()))
            {
                ranges.Add(range.ToString());
            }
        }

        return ranges;
    }

    /// <inheritdoc/>
    protected override void CheckFile(IEnumerable<ImportItem<GitLabNamespace>> items, ImportContext context)
    {
        ArgumentNullException.ThrowIfNull(items);
        ArgumentNullException.ThrowIfNull(context);
        context.Duplicates(items, [(g => ImportContext.Key(g.Id), "id"), (g => g.FullPath, "path")], StringComparer.OrdinalIgnoreCase);

        // Personal namespaces share namespace ids and top-level paths with groups.
        var users = context.Items<UserRecord>();
        var userPaths = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        var userIds = new Dictionary<long, string>();
        foreach (var user in users)
        {
            userPaths.TryAdd(user.Value.User.Username, user.Path);
            if (user.Value.NamespaceId is { } id)
            {
                userIds.TryAdd(id, user.Path);
            }
        }

        foreach (var item in items)
        {
            if (userPaths.TryGetValue(item.Value.FullPath, out var userPath))
            {
                context.Error(item.Path, "path", $"'{item.Value.FullPath}' is the username of {userPath}");
            }

            if (userIds.TryGetValue(item.Value.Id, out var owner))
            {
                context.Error(item.Path, "id", $"{item.Value.Id} is the namespace_id of {owner}");
            }
        }
    }

    /// <inheritdoc/>
    protected override async Task CheckAsync(ImportItem<GitLabNamespace> item, ImportContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(item);
        ArgumentNullException.ThrowIfNull(context);
        var group = item.Value;
        if (group.FullPath.Length == 0)
        {
            return;
        }

        var slash = group.FullPath.LastIndexOf('/');
        if (slash > 0)
        {
            var parentPath = group.FullPath[..slash];
            switch (await context.FindNamespaceAsync(parentPath, cancellationToken))
            {
                case null:
                    context.Error(item.Path, "path", $"parent group '{parentPath}' is unknown");
                    break;
                case { Kind: NamespaceKind.User }:
                    context.Error(item.Path, "path", $"'{parentPath}' is a user's namespace; groups cannot be nested in it");
                    break;
            }
        }

        if (await context.Stored.NamespaceByPathAsync(group.FullPath, cancellationToken) is { } byPath && byPath.Id != group.Id)
        {
            context.Error(item.Path, "path", $"'{group.FullPath}' is already namespace {byPath.Id} in the store");
        }
        else if (group.Id > 0 && await context.Stored.NamespaceAsync(group.Id, cancellationToken) is { } byId &&
                 (byId.Kind != NamespaceKind.Group || !string.Equals(byId.FullPath, group.FullPath, StringComparison.OrdinalIgnoreCase)))
        {
            // Projects below a group store their full paths: moving groups is not something an import does.
            context.Error(item.Path, "id", $"namespace {group.Id} is '{byId.FullPath}' in the store; import does not move or rename namespaces");
        }
    }

    /// <summary>
    /// Level by level from the top, each level read from the file again and finished before the next starts, so a
    /// group is never written before its parent (an interrupted import leaves no orphan). A namespace has no index
    /// to move (import does not move groups), so every group is plain rows through the batch writer.
    /// </summary>
    protected override async Task WriteAllAsync(IEnumerable<ImportItem<GitLabNamespace>> items, ImportContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(items);
        ArgumentNullException.ThrowIfNull(context);
        var tables = context.Tables;
        await using var writer = new ImportWriter(cancellationToken);
        var deepest = 0;
        for (var level = 0; level <= deepest; level++)
        {
            foreach (var item in level == 0 ? items : Stream(context))
            {
                var depth = item.Value.FullPath.Count(c => c == '/');
                deepest = Math.Max(deepest, depth);
                if (depth == level)
                {
                    var ns = await ResolveAsync(item.Value, context, cancellationToken);
                    context.Remember(ns);
                    await writer.AddAsync(ImportRows.OfNamespace(tables, ns));
                    context.Progress.Add(1);
                }
            }

            await writer.FlushAsync();
        }
    }

    /// <summary>The group with its parent and root ids (the parent is written, or stored).</summary>
    private static async Task<GitLabNamespace> ResolveAsync(GitLabNamespace value, ImportContext context, CancellationToken cancellationToken)
    {
        var slash = value.FullPath.LastIndexOf('/');
        var parent = slash > 0 ? await context.NamespaceAsync(value.FullPath[..slash], cancellationToken) : null;
        return value with { ParentId = parent?.Id, RootId = parent?.RootId ?? value.Id };
    }

    /// <inheritdoc/>
    protected override async Task WriteAsync(GitLabNamespace value, ImportContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(value);
        ArgumentNullException.ThrowIfNull(context);
        var ns = await ResolveAsync(value, context, cancellationToken);
        await context.Stores.Namespaces.UpsertNamespaceAsync(ns, cancellationToken);
        context.Remember(ns);
    }
}
