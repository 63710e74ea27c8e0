using InternalApi.Core.Model;

namespace InternalApi.Core.Import;

/// <summary><c>error_tracking_keys</c>: a project's error tracking client keys (<c>project_id</c>, <c>public_key</c>, <c>active</c>).</summary>
public sealed class ErrorTrackingKeysSection : ImportSection<ErrorTrackingClientKey>
{
    /// <inheritdoc/>
    public override string Name => "error_tracking_keys";

    /// <inheritdoc/>
    protected override ErrorTrackingClientKey Read(ImportReader record)
    {
        ArgumentNullException.ThrowIfNull(record);
        return new ErrorTrackingClientKey(
            record.Id("project_id", required: true) ?? 0,
            record.Text("public_key", required: true) ?? "",
            record.Bool("active", true));
    }

    /// <inheritdoc/>
    protected override void CheckFile(IEnumerable<ImportItem<ErrorTrackingClientKey>> items, ImportContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        context.Duplicates(items, k => k.ProjectId > 0 && k.PublicKey.Length > 0 ? $"{k.ProjectId} {k.PublicKey}" : null, "public_key", StringComparer.Ordinal);
    }

    /// <inheritdoc/>
    protected override async Task CheckAsync(ImportItem<ErrorTrackingClientKey> item, ImportContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(item);
        ArgumentNullException.ThrowIfNull(context);
        if (!await context.ProjectExistsAsync(item.Value.ProjectId, cancellationToken))
        {
            context.Error(item.Path, "project_id", $"unknown project {item.Value.ProjectId}");
        }
    }

    /// <inheritdoc/>
    protected override Task WriteAsync(ErrorTrackingClientKey value, ImportContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        return context.Stores.ErrorTrackingKeys.UpsertErrorTrackingKeyAsync(value, cancellationToken);
    }
}
