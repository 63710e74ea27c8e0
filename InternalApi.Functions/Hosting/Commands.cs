using InternalApi.Core.Auth;
using Microsoft.Extensions.Options;

namespace InternalApi.Functions.Hosting;

/// <summary>
/// Command-line verbs of the binary, run instead of the server:
/// <c>token shell|kas</c> (a fresh JWT for curl) and
/// <c>import &lt;file.json&gt;</c> (load users, keys, projects, ... into the store).
/// </summary>
public static class Commands
{
    /// <summary>Runs a verb; null when <paramref name="args"/> is not a command (start the server).</summary>
    public static async Task<int?> TryRunAsync(string[] args, TextWriter output, TextWriter error)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(error);
        if (args.Length == 0)
        {
            return null;
        }

        switch (args[0])
        {
            case "token":
                return Token(args, output, error);
            case "import":
                return await ImportCommand.RunAsync(args[1..], output, error);
            case "queues":
                return await QueueCommand.RunAsync(args[1..], output, error);
            case "usage-metrics":
                return await UsageMetricsCommand.RunAsync(args[1..], output, error);
            case "audit-events":
                return await AuditEventsCommand.RunAsync(args[1..], output, error);
            case "bench":
                await error.WriteLineAsync("bench: moving to benchmarks/InternalApi.Bench (it drives the app through the local host process)");
                return 2;
            case "jit-profile":
                return await JitProfileTrainCommand.RunAsync(args[1..], output, error);
            default:
                return null;
        }
    }

    private static int Token(string[] args, TextWriter output, TextWriter error)
    {
        var kind = args.Length > 1 ? args[1] : "shell";
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = args.Skip(2).ToArray() });
        builder.Services.AddOptions<ShellAuthOptions>().BindConfiguration(ShellAuthOptions.SectionName);
        builder.Services.AddOptions<KasAuthOptions>().BindConfiguration(KasAuthOptions.SectionName);
        using var services = builder.Services.BuildServiceProvider();
        InternalSecrets secrets;
        try
        {
            secrets = InternalSecrets.Load(
                services.GetRequiredService<IOptions<ShellAuthOptions>>().Value,
                services.GetRequiredService<IOptions<KasAuthOptions>>().Value,
                builder.Environment.ContentRootPath);
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
            default:
                error.WriteLine("usage: token shell|kas");
                return 2;
        }
    }
}
