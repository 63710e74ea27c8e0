using InternalApi.Core.Model;

namespace InternalApi.Core.Import;

/// <summary>
/// <c>broadcast_messages</c>: shown on the command line after pushes while current (<c>starts_at</c> ≤ now &lt;
/// <c>ends_at</c>; either may be absent), optionally only for projects matching <c>target_path</c>.
/// </summary>
public sealed class BroadcastMessagesSection : ImportSection<BroadcastMessage>
{
    /// <inheritdoc/>
    public override string Name => "broadcast_messages";

    /// <inheritdoc/>
    protected override BroadcastMessage Read(ImportReader record)
    {
        ArgumentNullException.ThrowIfNull(record);
        var message = new BroadcastMessage
        {
            Id = record.Id("id", required: true) ?? 0,
            Message = record.Text("message", required: true) ?? "",
            StartsAt = record.Time("starts_at"),
            EndsAt = record.Time("ends_at"),
            ShowOnCommandLine = record.Bool("show_on_command_line", true),
            TargetPath = record.Text("target_path"),
        };
        if (message.StartsAt is { } start && message.EndsAt is { } end && end <= start)
        {
            record.Error("ends_at", "must be after starts_at");
        }

        return message;
    }

    /// <inheritdoc/>
    protected override void CheckFile(IEnumerable<ImportItem<BroadcastMessage>> items, ImportContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        context.Duplicates(items, m => ImportContext.Key(m.Id), "id", StringComparer.Ordinal);
    }

    /// <inheritdoc/>
    protected override Task WriteAsync(BroadcastMessage value, ImportContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        return context.Stores.Broadcasts.UpsertBroadcastMessageAsync(value, cancellationToken);
    }
}
