using System.Globalization;
using InternalApi.Core.Kubernetes;

namespace InternalApi.Functions.Hosting;

/// <summary>
/// <c>usage-metrics [--from yyyy-MM-dd] [--to yyyy-MM-dd]</c>: per event, the counter total or the distinct
/// count of ids over the UTC days given (inclusive; default today), and each counter's all-time total.
/// </summary>
public static class UsageMetricsCommand
{
    /// <summary>Prints the report; 2 on usage errors.</summary>
    public static async Task<int> RunAsync(string[] args, TextWriter output, TextWriter error)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(error);
        var today = DateOnly.FromDateTime(DateTime.UtcNow);
        if (!TryDate(args, "--from", today, out var from) || !TryDate(args, "--to", today, out var to) || from > to)
        {
            error.WriteLine("usage: usage-metrics [--from yyyy-MM-dd] [--to yyyy-MM-dd]");
            return 2;
        }

        var config = args.Where((a, i) => a.StartsWith("--", StringComparison.Ordinal) && a.Contains('=', StringComparison.Ordinal)).ToArray();
        await using var services = CommandServices.Create(config);
        var figures = await services.GetRequiredService<UsageMetricsReport>().GetAsync(from, to);
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"KAS usage metrics {from:yyyy-MM-dd} .. {to:yyyy-MM-dd} (UTC)"));
        foreach (var figure in figures)
        {
            var line = string.Create(CultureInfo.InvariantCulture, $"  {figure.Event,-60} {figure.Value,12} {(figure.Unique ? "distinct" : "total")}");
            output.WriteLine(figure.AllTime is { } allTime ? string.Create(CultureInfo.InvariantCulture, $"{line,-84} {allTime,12} all time") : line);
        }

        return 0;
    }

    private static bool TryDate(string[] args, string name, DateOnly fallback, out DateOnly value)
    {
        var i = Array.IndexOf(args, name);
        value = fallback;
        return i < 0 || (i + 1 < args.Length && DateOnly.TryParseExact(args[i + 1], "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out value));
    }
}
