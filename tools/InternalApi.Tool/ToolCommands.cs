using System.CommandLine;
using InternalApi.Core.Auth;
using InternalApi.Core.Configuration;
using InternalApi.Core.Pages;
using Microsoft.Extensions.Options;

namespace InternalApi.Tool;

/// <summary>
/// The operator's verbs: <c>token shell|kas|pages|workhorse</c> (a fresh JWT for curl), <c>import</c>, <c>generate</c> (an import file of a made-up instance), <c>queues</c>,
/// <c>usage-metrics</c>, <c>audit-events</c>, <c>pages publish</c>, <c>lfs upload</c> and <c>migrate-layout</c>. Each also takes configuration as <c>--Section:Key=value</c>, as the
/// worker does (appsettings.json of the current folder and the environment are read too). Usage errors exit 2.
/// </summary>
internal static class ToolCommands
{
    /// <summary>Parses <paramref name="args"/> and runs the verb; its exit code.</summary>
    public static async Task<int> RunAsync(string[] args, TextWriter output, TextWriter error)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(error);
        var configuration = new List<string>();
        var usages = new Dictionary<Command, string>();
        var root = new RootCommand("InternalApi operator commands: JWTs for curl, data import, queues, usage metrics, audit events, LFS objects.");
        Add(root, usages, TokenCommand(configuration, output, error), TokenUsage);
        Add(root, usages, ImportCommand.Create(configuration, output, error), ImportCommand.Usage);
        Add(root, usages, Generate.GenerateCommand.Create(output, error), Generate.GenerateCommand.Usage);
        Add(root, usages, QueueCommand.Create(configuration, output, error), QueueCommand.Usage);
        Add(root, usages, UsageMetricsCommand.Create(configuration, output, error), UsageMetricsCommand.Usage);
        Add(root, usages, AuditEventsCommand.Create(configuration, output, error), AuditEventsCommand.Usage);
        Add(root, usages, PagesCommand.Create(configuration, output, error), PagesCommand.Usage);
        Add(root, usages, LfsCommand.Create(configuration, output, error), LfsCommand.Usage);
        Add(root, usages, MigrateLayoutCommand.Create(configuration, output, error), MigrateLayoutCommand.Usage);

        // Configuration tokens are not the verbs' own options: taken out before parsing, so that a value of the form
        // "--AzureWebJobsStorage=..." is never read as a file name or a queue.
        var own = OptionNames(root);
        configuration.AddRange(args.Where(a => IsConfiguration(a, own)));
        var result = root.Parse(args.Where(a => !IsConfiguration(a, own)).ToArray());
        if (result.Errors.Count > 0)
        {
            foreach (var problem in result.Errors)
            {
                error.WriteLine(problem.Message);
            }

            var command = result.CommandResult.Command;
            error.WriteLine(usages.TryGetValue(command, out var usage) || (command.Parents.OfType<Command>().FirstOrDefault() is { } parent && usages.TryGetValue(parent, out usage))
                ? usage
                : "usage: token|import|generate|queues|usage-metrics|audit-events|pages|lfs|migrate-layout ... (--help)");
            return 2;
        }

        return await result.InvokeAsync(new InvocationConfiguration { Output = output, Error = error });
    }

    private const string TokenUsage = "usage: token shell|kas|pages|workhorse";

    private static void Add(RootCommand root, Dictionary<Command, string> usages, Command command, string usage)
    {
        root.Subcommands.Add(command);
        usages[command] = usage;
    }

    private static HashSet<string> OptionNames(Command command)
    {
        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (var option in command.Options)
        {
            names.Add(option.Name);
            names.UnionWith(option.Aliases);
        }

        foreach (var sub in command.Subcommands)
        {
            names.UnionWith(OptionNames(sub));
        }

        return names;
    }

    private static bool IsConfiguration(string arg, HashSet<string> own) =>
        arg.StartsWith("--", StringComparison.Ordinal) && arg.IndexOf('=', StringComparison.Ordinal) is > 2 and var at && !own.Contains(arg[..at]);

    private static Command TokenCommand(List<string> configuration, TextWriter output, TextWriter error)
    {
        var kind = new Argument<string>("kind") { Description = "shell (Gitlab-Shell-Api-Request), kas (Gitlab-Kas-Api-Request), pages (Gitlab-Pages-Api-Request) or workhorse (Gitlab-Workhorse-Api-Request)", DefaultValueFactory = _ => "shell" };
        var command = new Command("token", "Print a fresh JWT signed with the configured shell, KAS, Pages or Workhorse secret, for curl.") { kind };
        command.SetAction(result => Token(result.GetValue(kind)!, [.. configuration], output, error));
        return command;
    }

    private static int Token(string kind, string[] configuration, TextWriter output, TextWriter error)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { Args = configuration });
        builder.Services.AddOptions<ShellAuthOptions>().BindConfiguration(ShellAuthOptions.SectionName).ValidateAtStart(ShellAuthOptions.SectionName);
        builder.Services.AddOptions<KasAuthOptions>().BindConfiguration(KasAuthOptions.SectionName).ValidateAtStart(KasAuthOptions.SectionName);
        builder.Services.AddOptions<PagesOptions>().BindConfiguration(PagesOptions.SectionName).ValidateAtStart(PagesOptions.SectionName);
        builder.Services.AddOptions<WorkhorseAuthOptions>().BindConfiguration(WorkhorseAuthOptions.SectionName).ValidateAtStart(WorkhorseAuthOptions.SectionName);
        using var services = builder.Services.BuildServiceProvider();
        InternalSecrets secrets;
        PagesSecret pages;
        WorkhorseSecret workhorse;
        try
        {
            secrets = InternalSecrets.Load(
                services.GetRequiredService<IOptions<ShellAuthOptions>>().Value,
                services.GetRequiredService<IOptions<KasAuthOptions>>().Value,
                builder.Environment.ContentRootPath);
            pages = PagesSecret.Load(services.GetRequiredService<IOptions<PagesOptions>>().Value, builder.Environment.ContentRootPath);
            workhorse = WorkhorseSecret.Load(services.GetRequiredService<IOptions<WorkhorseAuthOptions>>().Value, builder.Environment.ContentRootPath);
        }
        catch (InvalidOperationException ex)
        {
            error.WriteLine(ex.Message);
            return 2;
        }

        // gitlab-shell's tokens live a minute; give curl users a little longer.
        var lifetime = TimeSpan.FromMinutes(5);
        switch (kind)
        {
            case "shell":
                output.WriteLine(InternalJwt.Create(secrets.ShellKey, InternalJwt.ShellIssuer, null, TimeProvider.System, lifetime));
                return 0;
            case "kas" when secrets.KasKey is not null:
                output.WriteLine(InternalJwt.Create(secrets.KasKey, InternalJwt.KasIssuer, InternalJwt.KasAudience, TimeProvider.System, lifetime));
                return 0;
            case "kas":
                error.WriteLine("No KAS secret configured (Kas:SecretFile or Kas:Secret).");
                return 2;
            case "pages" when pages.Keys is not null:
                output.WriteLine(InternalJwt.Create(pages.Keys.Current, PagesAuthenticator.Issuer, null, TimeProvider.System, lifetime));
                return 0;
            case "pages":
                error.WriteLine("No Pages secret configured (Pages:SecretFile or Pages:Secret).");
                return 2;
            case "workhorse" when workhorse.Keys is { } keys:
                // Workhorse signs each request afresh and GitLab takes its token for 90 s only: no longer lifetime helps.
                output.WriteLine(InternalJwt.Create(keys.Current, WorkhorseAuthenticator.Issuer, null, TimeProvider.System, lifetime));
                return 0;
            case "workhorse":
                error.WriteLine("No Workhorse secret configured (Workhorse:SecretFile or Workhorse:Secret).");
                return 2;
            default:
                error.WriteLine(TokenUsage);
                return 2;
        }
    }
}
