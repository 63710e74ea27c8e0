using System.Globalization;
using InternalApi.Core.Import;
using InternalApi.Core.Storage;

namespace InternalApi.Functions.Hosting;

/// <summary>
/// <c>import &lt;file.json&gt; [--if-empty]</c>: validates the whole file against itself and the store, writes
/// nothing if anything is wrong (every problem is printed with its JSON path), else upserts it all.
/// Other arguments are configuration in the <c>--Section:Key=value</c> form, as for the server.
/// </summary>
public static class ImportCommand
{
    private const string Usage = "usage: import <file.json> [--if-empty] [--Section:Key=value ...]";

    /// <summary>Runs the import; 0 on success (or skipped), 1 when the file is invalid, 2 on usage or storage errors.</summary>
    public static async Task<int> RunAsync(string[] args, TextWriter output, TextWriter error)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(error);
        var ifEmpty = args.Contains("--if-empty");
        var configuration = args.Where(a => a.StartsWith("--", StringComparison.Ordinal) && a.Contains('=', StringComparison.Ordinal)).ToArray();
        var rest = args.Where(a => a != "--if-empty" && !configuration.Contains(a)).ToList();
        if (rest is not [var file] || file.StartsWith('-'))
        {
            // "--Key value" pairs are not accepted: the value would be taken for the file name.
            error.WriteLine(Usage);
            return 2;
        }

        string json;
        try
        {
            json = await File.ReadAllTextAsync(file);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            error.WriteLine($"import: cannot read {file}: {ex.Message}");
            return 2;
        }

        await using var services = CommandServices.Create(configuration);
        var importer = services.GetRequiredService<Importer>();
        try
        {
            await ActivatorUtilities.CreateInstance<StorageInitializer>(services).CreateAsync();
            if (ifEmpty && !await importer.StoreIsEmptyAsync())
            {
                output.WriteLine("import: the store already has users; nothing imported (--if-empty)");
                return 0;
            }

            var result = await importer.ImportAsync(json);
            if (!result.Succeeded)
            {
                error.WriteLine(string.Create(CultureInfo.InvariantCulture, $"import: {file} has {result.Errors.Count} problem(s); nothing was written:"));
                foreach (var problem in result.Errors)
                {
                    error.WriteLine("  " + problem);
                }

                return 1;
            }

            foreach (var (section, count) in result.Counts)
            {
                output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"imported {count,5} {section.Replace('_', ' ')}"));
            }

            return 0;
        }
        catch (Exception ex) when (IsStorageFailure(ex))
        {
            // Writes are upserts of the file's own records: running the import again is safe.
            var cause = ex is AggregateException many ? many.InnerExceptions[^1] : ex;
            error.WriteLine($"import: storage failed ({cause.Message}); importing the file again is safe");
            return 2;
        }
    }

    /// <summary>A storage error or an unreachable account (the pipeline's retries end in an AggregateException).</summary>
    private static bool IsStorageFailure(Exception ex) => ex switch
    {
        Azure.RequestFailedException or HttpRequestException => true,
        AggregateException many => many.InnerExceptions.All(IsStorageFailure),
        _ => false,
    };
}
