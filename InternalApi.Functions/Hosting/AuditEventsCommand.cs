using System.Globalization;
using InternalApi.Core.Audit;
using InternalApi.Core.Data;

namespace InternalApi.Functions.Hosting;

/// <summary>
/// <c>audit-events --project &lt;id|full path&gt; [--limit N]</c>: a project's recorded Git audit events, newest
/// first (default 20).
/// </summary>
public static class AuditEventsCommand
{
    private const string Usage = "usage: audit-events --project <id|full/path> [--limit N]";

    /// <summary>Prints the events; 2 on usage errors, 1 when the project is unknown.</summary>
    public static async Task<int> RunAsync(string[] args, TextWriter output, TextWriter error)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(error);
        var project = Value(args, "--project");
        var limitText = Value(args, "--limit");
        var limit = 20;
        if (string.IsNullOrWhiteSpace(project) || (limitText is not null && (!int.TryParse(limitText, NumberStyles.None, CultureInfo.InvariantCulture, out limit) || limit < 1)))
        {
            error.WriteLine(Usage);
            return 2;
        }

        var config = args.Where(a => a.StartsWith("--", StringComparison.Ordinal) && a.Contains('=', StringComparison.Ordinal)).ToArray();
        await using var services = CommandServices.Create(config);
        var store = services.GetRequiredService<GitLabStore>();
        var found = long.TryParse(project, NumberStyles.None, CultureInfo.InvariantCulture, out var id)
            ? await store.GetProjectAsync(id)
            : (await store.FindProjectByPathAsync(project))?.Project;
        if (found is null)
        {
            error.WriteLine($"unknown project '{project}'");
            return 1;
        }

        var events = await services.GetRequiredService<AuditEventStore>().ListAsync(found.Id, limit);
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"Git audit events of {found.FullPath} (project {found.Id}), newest first: {events.Count}"));
        foreach (var e in events)
        {
            var key = e.KeyId is { } keyId ? string.Create(CultureInfo.InvariantCulture, $" {e.KeyType} {keyId}") : "";
            var ip = e.IpAddress is { } address ? " from " + address : "";
            output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  {e.OccurredAt.UtcDateTime:yyyy-MM-dd'T'HH:mm:ss.fff'Z'}  {e.Name}  {e.Verb,-5} {e.Action} over {e.Protocol}  by {e.Username} (user {e.UserId}){key}{ip}  [{e.EventId}]"));
        }

        return 0;
    }

    private static string? Value(string[] args, string name)
    {
        var i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length ? args[i + 1] : null;
    }
}
