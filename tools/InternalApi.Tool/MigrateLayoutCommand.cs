using System.CommandLine;
using System.Globalization;
using InternalApi.Core.Data;
using InternalApi.Core.Import;

namespace InternalApi.Tool;

/// <summary>
/// <c>migrate-layout</c>: moves rows written before the spread layout into it (<see cref="SpreadLayoutMigration"/>;
/// docs/decisions/0006-spread-partitions.md). Safe to run again, and cheap when there is nothing to move.
/// </summary>
internal static class MigrateLayoutCommand
{
    /// <summary>What a usage error prints.</summary>
    public const string Usage = "usage: migrate-layout";

    /// <summary>The verb; <paramref name="configuration"/> is filled with the configuration tokens before it runs.</summary>
    public static Command Create(IReadOnlyList<string> configuration, TextWriter output, TextWriter error)
    {
        var command = new Command("migrate-layout", "Move rows of the per-value tables into their spread partitions (after upgrading a store written before them).");
        command.SetAction((_, cancellationToken) => ExecuteAsync(configuration, output, error, cancellationToken));
        return command;
    }

    /// <summary>Moves the rows and prints a line per table that had any; 1 (and one line, no stack trace) when storage fails.</summary>
    public static async Task<int> ExecuteAsync(IReadOnlyList<string> configuration, TextWriter output, TextWriter error, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(error);
        await using var services = CommandServices.Create(configuration);
        try
        {
            var result = await new SpreadLayoutMigration(services.GetRequiredService<GitLabTables>(), services.GetRequiredService<MembershipStore>()).RunAsync(cancellationToken);
            foreach (var table in result.Tables.Where(t => t.Moved > 0))
            {
                output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"migrate-layout: moved {table.Moved,7} rows of {table.Table}"));
            }

            if (result.MembershipsCopied > 0)
            {
                output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"migrate-layout: copied {result.MembershipsCopied} memberships into their hierarchies"));
            }

            output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"migrate-layout: {result.Tables.Sum(t => t.Moved)} rows moved; the store is in the spread layout"));
            return 0;
        }
        catch (Exception ex) when (ImportCommand.IsStorageFailure(ex))
        {
            // Every step is an add-if-absent or a conditional delete: running it again is safe.
            error.WriteLine($"migrate-layout: storage failed ({ImportCommand.StorageFailureCause(ex).Message}); running it again is safe");
            return 1;
        }
    }
}
