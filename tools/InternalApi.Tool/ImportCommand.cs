using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using InternalApi.Core.Import;
using InternalApi.Core.Storage;

namespace InternalApi.Tool;

/// <summary>
/// <c>import &lt;file.json&gt; [--if-empty]</c>: validates the whole file against itself and the store, writes
/// nothing if anything is wrong (every problem is printed with its JSON path), else upserts it all.
/// </summary>
internal static class ImportCommand
{
    /// <summary>What a usage error prints.</summary>
    public const string Usage = "usage: import <file.json> [--if-empty] [--Section:Key=value ...]";

    /// <summary>Runs the verb on the arguments that follow <c>import</c> on the command line (parsed as the tool parses them).</summary>
    public static Task<int> RunAsync(string[] args, TextWriter output, TextWriter error) => ToolCommands.RunAsync(["import", .. args], output, error);

    /// <summary>The verb; <paramref name="configuration"/> is filled with the configuration tokens before it runs.</summary>
    public static Command Create(IReadOnlyList<string> configuration, TextWriter output, TextWriter error)
    {
        var file = new Argument<string>("file") { Description = "the data file (docs/import.md)" };
        var ifEmpty = new Option<bool>("--if-empty") { Description = "import only into a store without users (the demo data on a first start)" };
        var command = new Command("import", "Validate a data file and import it, all or nothing.") { file, ifEmpty };
        command.SetAction((result, _) => ExecuteAsync(result.GetValue(file)!, result.GetValue(ifEmpty), configuration, output, error));
        return command;
    }

    /// <summary>Runs the import; 0 on success (or skipped), 1 when the file is invalid, 2 on usage or storage errors.</summary>
    public static async Task<int> ExecuteAsync(string file, bool ifEmpty, IReadOnlyList<string> configuration, TextWriter output, TextWriter error)
    {
        ArgumentNullException.ThrowIfNull(file);
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(error);
        if (file.StartsWith('-'))
        {
            // "--Key value" pairs are not accepted: the value would be taken for the file name.
            error.WriteLine(Usage);
            return 2;
        }

        try
        {
            // Opened once here to report an unreadable file as a usage error; the import opens it again per pass.
            await using var probe = Open(file);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            error.WriteLine($"import: cannot read {file}: {ex.Message}");
            return 2;
        }

        // A transaction of 100 rows takes the service longer than the app's point reads, for which the default timeout
        // is set: the import waits longer (a later --Storage:NetworkTimeout still wins).
        await using var services = CommandServices.Create(["--Storage:NetworkTimeout=00:00:30", .. configuration]);
        var importer = services.GetRequiredService<Importer>();
        try
        {
            await services.GetRequiredService<StorageInitializer>().CreateAsync();
            if (ifEmpty && !await importer.StoreIsEmptyAsync())
            {
                output.WriteLine("import: the store already has users; nothing imported (--if-empty)");
                return 0;
            }

            var progress = new ImportProgress();
            var clock = Stopwatch.StartNew();
            ImportResult result;
            await using (ImportProgressLine.Start(progress, error))
            {
                result = await importer.ImportAsync(() => Open(file), Path.GetDirectoryName(Path.GetFullPath(file)), progress);
            }

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

            var seconds = clock.Elapsed.TotalSeconds;
            var total = result.Counts.Sum(c => (long)c.Count);
            if (seconds > ImportProgressLine.Quiet.TotalSeconds)
            {
                // With the progress lines, on stderr and only after a long import: stdout stays the per-section counts.
                error.WriteLine(string.Create(CultureInfo.InvariantCulture, $"import: {total} records in {seconds:0.0} s ({total / Math.Max(seconds, 0.001):0} per second, checks included)"));
            }

            return 0;
        }
        catch (Exception ex) when (IsStorageFailure(ex))
        {
            // Writes are upserts of the file's own records: running the import again is safe.
            error.WriteLine($"import: storage failed ({StorageFailureCause(ex).Message}); importing the file again is safe");
            return 2;
        }
    }

    /// <summary>
    /// The file, read sequentially with no buffer of the stream's own: the importer reads it through a buffer of its
    /// own, so a second one would only copy.
    /// </summary>
    private static FileStream Open(string file) => new(file, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 0, FileOptions.SequentialScan);

    /// <summary>A storage error or an unreachable account (the pipeline's retries end in an AggregateException).</summary>
    /// <summary>The error to report for a storage failure: the last attempt's when the SDK retried.</summary>
    internal static Exception StorageFailureCause(Exception ex) => ex is AggregateException many ? many.InnerExceptions[^1] : ex;

    internal static bool IsStorageFailure(Exception ex) => ex switch
    {
        Azure.RequestFailedException or HttpRequestException => true,
        AggregateException many => many.InnerExceptions.All(IsStorageFailure),
        _ => false,
    };
}
