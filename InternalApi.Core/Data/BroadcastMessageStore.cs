using System.Globalization;
using Azure.Data.Tables;
using InternalApi.Core.Model;

namespace InternalApi.Core.Data;

/// <summary>Broadcast messages shown on the command line (one partition: there are few, and every reader wants all).</summary>
public sealed class BroadcastMessageStore(GitLabTables names)
{
    /// <summary>All broadcast messages.</summary>
    public async Task<IReadOnlyList<BroadcastMessage>> GetBroadcastMessagesAsync(CancellationToken cancellationToken = default)
    {
        var list = new List<BroadcastMessage>();
        await foreach (var e in names.BroadcastMessages.QueryAsync<TableEntity>(TableClient.CreateQueryFilter($"PartitionKey eq {"broadcast"}"), cancellationToken: cancellationToken))
        {
            list.Add(new BroadcastMessage
            {
                Id = long.Parse(e.RowKey, CultureInfo.InvariantCulture),
                Message = e.GetString("Message") ?? "",
                StartsAt = e.GetDateTimeOffset("StartsAt"),
                EndsAt = e.GetDateTimeOffset("EndsAt"),
                ShowOnCommandLine = e.GetBoolean("ShowOnCommandLine") ?? true,
                TargetPath = e.GetString("TargetPath"),
            });
        }

        return list;
    }

    /// <summary>Creates or replaces a broadcast message.</summary>
    public Task UpsertBroadcastMessageAsync(BroadcastMessage message, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(message);
        return names.BroadcastMessages.UpsertEntityAsync(new TableEntity("broadcast", message.Id.ToString("D19", CultureInfo.InvariantCulture))
        {
            ["Message"] = message.Message,
            ["StartsAt"] = message.StartsAt,
            ["EndsAt"] = message.EndsAt,
            ["ShowOnCommandLine"] = message.ShowOnCommandLine,
            ["TargetPath"] = message.TargetPath,
        }, TableUpdateMode.Replace, cancellationToken);
    }
}
