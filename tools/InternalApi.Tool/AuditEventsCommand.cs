using System.CommandLine;
using System.Globalization;
using InternalApi.Core.Audit;
using InternalApi.Core.Data;

namespace InternalApi.Tool;

/// <summary>
/// <c>audit-events --project &lt;id|full path&gt; [--limit N]</c>: a project's recorded Git audit events, newest
/// first (default 20).
/// </summary>
internal static class AuditEventsCommand
{
    /// <summary>What a usage error prints.</summary>
    public const string Usage = "usage: audit-events --project <id|full/path> [--limit N]";

    /// <summary>Runs the verb on the arguments that follow <c>audit-events</c> on the command line (parsed as the tool parses them).</summary>
    public static Task<int> RunAsync(string[] args, TextWriter output, TextWriter error) => ToolCommands.RunAsync(["audit-events", .. args], output, error);

    /// <summary>The verb; <paramref name="configuration"/> is filled with the configuration tokens before it runs.</summary>
    public static Command Create(IReadOnlyList<string> configuration, TextWriter output, TextWriter error)
    {
        var project = new Option<string?>("--project") { Description = "the project's id or full path" };
        // Text: a limit is digits only (no sign, no spaces), as before.
        var limit = new Option<string?>("--limit") { Description = "how many events (default 20)" };
        var command = new Command("audit-events", "A project's Git audit events, newest first.") { project, limit };
        command.SetAction((result, _) => ExecuteAsync(result.GetValue(project), result.GetValue(limit), configuration, output, error));
        return command;
    }

    /// <summary>Prints the events; 2 on usage errors, 1 when the project is unknown.</summary>
    public static async Task<int> ExecuteAsync(string? project, string? limitText, IReadOnlyList<string> configuration, TextWriter output, TextWriter error)
    {
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(error);
        var limit = 20;
        if (string.IsNullOrWhiteSpace(project) || (limitText is not null && (!int.TryParse(limitText, NumberStyles.None, CultureInfo.InvariantCulture, out limit) || limit < 1)))
        {
            error.WriteLine(Usage);
            return 2;
        }

        await using var services = CommandServices.Create(configuration);
        var projects = services.GetRequiredService<ProjectStore>();
        var found = long.TryParse(project, NumberStyles.None, CultureInfo.InvariantCulture, out var id)
            ? await projects.GetProjectAsync(id)
            : (await projects.FindProjectByPathAsync(project))?.Project;
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
}
