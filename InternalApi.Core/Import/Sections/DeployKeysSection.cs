using InternalApi.Core.Model;

namespace InternalApi.Core.Import;

/// <summary>A deploy key and the projects it is enabled on.</summary>
public sealed record DeployKeyRecord(SshKey Key, IReadOnlyList<ImportItem<DeployKeyProject>> Projects);

/// <summary>
/// <c>deploy_keys</c>: like <c>keys</c> (<c>user_id</c> is the creator and optional) plus
/// <c>projects: [{ project_id, can_push }]</c>. Deploy keys and user keys share ids and public keys.
/// </summary>
public sealed class DeployKeysSection : ImportSection<DeployKeyRecord>
{
    /// <inheritdoc/>
    public override string Name => "deploy_keys";

    /// <inheritdoc/>
    protected override DeployKeyRecord Read(ImportReader record)
    {
        ArgumentNullException.ThrowIfNull(record);
        var key = SshKeyFields.Read(record, SshKeyKind.Deploy);
        var projects = record.Objects("projects")
            .Select(p => new ImportItem<DeployKeyProject>(p.Path, new DeployKeyProject(key.Id, p.Id("project_id", required: true) ?? 0, p.Bool("can_push", false))))
            .ToList();
        return new DeployKeyRecord(key, projects);
    }

    /// <inheritdoc/>
    protected override void CheckFile(IEnumerable<ImportItem<DeployKeyRecord>> items, ImportContext context)
    {
        ArgumentNullException.ThrowIfNull(items);
        ArgumentNullException.ThrowIfNull(context);
        SshKeyFields.CheckDuplicates(items, d => d.Key, context.Items<SshKey>(), context);
        foreach (var item in items)
        {
            context.Duplicates(item.Value.Projects, p => ImportContext.Key(p.ProjectId), "project_id", StringComparer.Ordinal);
        }
    }

    /// <inheritdoc/>
    protected override async Task CheckAsync(ImportItem<DeployKeyRecord> item, ImportContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(item);
        ArgumentNullException.ThrowIfNull(context);
        await SshKeyFields.CheckAsync(this, item.Path, item.Value.Key, context, cancellationToken);
        foreach (var link in item.Value.Projects)
        {
            if (!await context.ProjectExistsAsync(link.Value.ProjectId, cancellationToken))
            {
                context.Error(link.Path, "project_id", $"unknown project {link.Value.ProjectId}");
            }
        }
    }

    /// <inheritdoc/>
    protected override async Task WriteAsync(DeployKeyRecord value, ImportContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(value);
        ArgumentNullException.ThrowIfNull(context);
        await SshKeyFields.WriteAsync(value.Key, context, cancellationToken);
        foreach (var link in value.Projects)
        {
            await context.Stores.Keys.UpsertDeployKeyProjectAsync(link.Value, cancellationToken);
        }
    }
}
