using InternalApi.Core.Model;

namespace InternalApi.Core.Import;

/// <summary>
/// <c>protected_branches</c> (<c>push_access_levels</c>, <c>merge_access_levels</c>, <c>allow_force_push</c>,
/// <c>deploy_key_ids</c>) and <c>protected_tags</c> (<c>create_access_levels</c>), GitLab's API field names.
/// <c>name</c> is an exact name or a <c>*</c> wildcard pattern; levels are no_one, developer, maintainer or
/// admin, Maintainer when absent as in GitLab.
/// </summary>
public sealed class ProtectedRefsSection(RefKind kind) : ImportSection<ProtectedRef>
{
    private string PushField => kind == RefKind.Branch ? "push_access_levels" : "create_access_levels";

    /// <inheritdoc/>
    public override string Name => kind == RefKind.Branch ? "protected_branches" : "protected_tags";

    /// <inheritdoc/>
    protected override ProtectedRef Read(ImportReader record)
    {
        ArgumentNullException.ThrowIfNull(record);
        var rule = new ProtectedRef
        {
            ProjectId = record.Id("project_id", required: true) ?? 0,
            Kind = kind,
            Pattern = record.Text("name", required: true) ?? "",
            PushAccessLevels = Levels(record, PushField),
        };
        return kind == RefKind.Tag
            ? rule with { MergeAccessLevels = [] }
            : rule with
            {
                MergeAccessLevels = Levels(record, "merge_access_levels"),
                AllowForcePush = record.Bool("allow_force_push", false),
                DeployKeyIds = record.Ids("deploy_key_ids"),
            };
    }

    /// <inheritdoc/>
    protected override void CheckFile(IEnumerable<ImportItem<ProtectedRef>> items, ImportContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        context.Duplicates(items, r => r.ProjectId > 0 && r.Pattern.Length > 0 ? $"{r.ProjectId} {r.Pattern}" : null, "name", StringComparer.Ordinal);
    }

    /// <inheritdoc/>
    protected override async Task CheckAsync(ImportItem<ProtectedRef> item, ImportContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(item);
        ArgumentNullException.ThrowIfNull(context);
        var rule = item.Value;
        if (!await context.ProjectExistsAsync(rule.ProjectId, cancellationToken))
        {
            context.Error(item.Path, "project_id", $"unknown project {rule.ProjectId}");
        }

        foreach (var keyId in rule.DeployKeyIds)
        {
            if (!await context.DeployKeyExistsAsync(keyId, cancellationToken))
            {
                context.Error(item.Path, "deploy_key_ids", $"unknown deploy key {keyId}");
            }
            else if (rule.ProjectId > 0 && !await context.DeployKeyCanPushAsync(keyId, rule.ProjectId, cancellationToken))
            {
                // GitLab only lets deploy keys with write access to the project onto a protected branch.
                context.Error(item.Path, "deploy_key_ids", $"deploy key {keyId} is not enabled on project {rule.ProjectId} with can_push");
            }
        }
    }

    /// <inheritdoc/>
    protected override Task WriteAsync(ProtectedRef value, ImportContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        return context.Stores.ProtectedRefs.UpsertProtectedRefAsync(value, cancellationToken);
    }

    private static List<AccessLevel> Levels(ImportReader record, string field)
    {
        var names = record.Strings(field);
        if (names is null)
        {
            return [AccessLevel.Maintainer];
        }

        if (names.Count == 0)
        {
            record.Error(field, "is empty (use [\"no_one\"] to allow nobody)");
        }

        var levels = new List<AccessLevel>();
        foreach (var name in names)
        {
            if (ImportValues.ProtectedRefLevels.TryGetValue(name, out var level))
            {
                levels.Add(level);
            }
            else
            {
                record.Error(field, $"'{name}' must be one of {string.Join(", ", ImportValues.ProtectedRefLevels.Keys)}");
            }
        }

        return levels;
    }
}
