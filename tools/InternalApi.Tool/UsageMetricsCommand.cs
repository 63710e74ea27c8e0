using System.CommandLine;
using System.Globalization;
using InternalApi.Core.Kubernetes;

namespace InternalApi.Tool;

/// <summary>
/// <c>usage-metrics [--from yyyy-MM-dd] [--to yyyy-MM-dd]</c>: per event, the counter total or the distinct
/// count of ids over the UTC days given (inclusive; default today), and each counter's all-time total.
/// </summary>
internal static class UsageMetricsCommand
{
    /// <summary>What a usage error prints.</summary>
    public const string Usage = "usage: usage-metrics [--from yyyy-MM-dd] [--to yyyy-MM-dd]";

    /// <summary>Runs the verb on the arguments that follow <c>usage-metrics</c> on the command line (parsed as the tool parses them).</summary>
    public static Task<int> RunAsync(string[] args, TextWriter output, TextWriter error) => ToolCommands.RunAsync(["usage-metrics", .. args], output, error);

    /// <summary>The verb; <paramref name="configuration"/> is filled with the configuration tokens before it runs.</summary>
    public static Command Create(IReadOnlyList<string> configuration, TextWriter output, TextWriter error)
    {
        // Text: the dates are read in exactly one format (yyyy-MM-dd), whatever the culture.
        var from = new Option<string?>("--from") { Description = "first UTC day (yyyy-MM-dd; default today)" };
        var to = new Option<string?>("--to") { Description = "last UTC day (yyyy-MM-dd; default today)" };
        var command = new Command("usage-metrics", "KAS usage metrics totals over UTC days.") { from, to };
        command.SetAction((result, _) => ExecuteAsync(result.GetValue(from), result.GetValue(to), configuration, output, error));
        return command;
    }

    /// <summary>Prints the report; 2 on usage errors.</summary>
    public static async Task<int> ExecuteAsync(string? fromText, string? toText, IReadOnlyList<string> configuration, TextWriter output, TextWriter error)
    {
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(error);
        var today = DateOnly.FromDateTime(DateTime.UtcNow);
        if (!TryDate(fromText, today, out var from) || !TryDate(toText, today, out var to) || from > to)
        {
            error.WriteLine(Usage);
            return 2;
        }

        await using var services = CommandServices.Create(configuration);
        var figures = await services.GetRequiredService<UsageMetricsReport>().GetAsync(from, to);
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"KAS usage metrics {from:yyyy-MM-dd} .. {to:yyyy-MM-dd} (UTC)"));
        foreach (var figure in figures)
        {
            var line = string.Create(CultureInfo.InvariantCulture, $"  {figure.Event,-60} {figure.Value,12} {(figure.Unique ? "distinct" : "total")}");
            output.WriteLine(figure.AllTime is { } allTime ? string.Create(CultureInfo.InvariantCulture, $"{line,-84} {allTime,12} all time") : line);
        }

        return 0;
    }

    private static bool TryDate(string? text, DateOnly fallback, out DateOnly value)
    {
        value = fallback;
        return text is null || DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out value);
    }
}
