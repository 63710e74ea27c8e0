using InternalApi.Core.Import;
using InternalApi.Core.Storage;

namespace InternalApi.Functions.Hosting;

/// <summary>
/// <c>import &lt;file.json&gt; [--if-empty]</c>: validates the whole file against itself and the store, writes
/// nothing if anything is wrong (every problem is printed with its JSON path), else upserts it all.
/// Other <c>--Section:Key=value</c> arguments are configuration, as for the server.
/// </summary>
public static class ImportCommand
{
    /// <summary>Runs the import; 0 on success (or skipped), 1 when the file is invalid, 2 on usage errors.</summary>
    public static async Task<int> RunAsync(string[] args, TextWriter output, TextWriter error)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(error);
        var file = args.FirstOrDefault(a => !a.StartsWith("--", StringComparison.Ordinal));
        var ifEmpty = args.Contains("--if-empty");
        if (file is null)
        {
            error.WriteLine("usage: import <file.json> [--if-empty]");
            return 2;
        }

        if (!File.Exists(file))
        {
            error.WriteLine($"import: {file} not found");
            return 2;
        }

        var parsed = ImportFile.Parse(await File.ReadAllTextAsync(file));
        await using var services = CommandServices.Create([.. args.Where(a => a.StartsWith("--", StringComparison.Ordinal) && a != "--if-empty")]);
        var tables = services.GetRequiredService<TableStorageClient>();
        foreach (var table in services.GetServices<Core.Data.ITableSet>().SelectMany(t => t.All).Distinct(StringComparer.OrdinalIgnoreCase))
        {
            await tables.CreateTableIfNotExistsAsync(table);
        }

        var importer = services.GetRequiredService<Importer>();
        if (ifEmpty && !await importer.StoreIsEmptyAsync())
        {
            output.WriteLine("import: the store already has users; nothing imported (--if-empty)");
            return 0;
        }

        var result = await importer.ImportAsync(parsed);
        if (!result.Succeeded)
        {
            error.WriteLine($"import: {file} is invalid; nothing was written:");
            foreach (var problem in result.Errors)
            {
                error.WriteLine("  " + problem);
            }

            return 1;
        }

        foreach (var (kind, count) in result.Counts)
        {
            output.WriteLine($"imported {count,5} {kind}");
        }

        return 0;
    }
}
