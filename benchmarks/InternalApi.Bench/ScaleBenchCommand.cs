using System.Diagnostics;
using System.Globalization;
using Azure.Data.Tables;
using InternalApi.Core;
using InternalApi.Core.Auth;
using InternalApi.Core.Data;
using InternalApi.Core.Storage;

namespace InternalApi.Bench;

/// <summary>
/// <c>bench scale [--entities 200000] [--requests 1000] [--seconds 10] [--concurrency 16] [--seed 1] [--file F] [--tool DLL]</c>:
/// whether a request's cost grows with data it does not concern. Measures every hot row of <c>bench</c> (the
/// subscription GET and the SCIM list among them) against the store as it is, then generates an instance of N
/// entities with the operator tool (<c>generate</c>), imports it (<c>import</c>, timed, its peak RSS read from
/// <c>/proc</c>), and measures the rows again, each time under a fresh local host and worker with
/// <c>Http:StorageCallsHeader</c> on, so that every row also reports the storage calls one request sent. Prints the rows
/// side by side: p50, p99, calls per request, and the ratio of the p50s. Run it on a throwaway Azurite: the instance
/// stays in the store (a second run imports the same file again, which changes nothing).
/// </summary>
internal static class ScaleBenchCommand
{
    private const string DefaultTool = "tools/InternalApi.Tool/bin/Release/net10.0/InternalApi.Tool.dll";
    private static readonly TimeSpan StartLimit = TimeSpan.FromSeconds(60);

    /// <summary>Runs the comparison; 0 when every request answered as expected and the import succeeded.</summary>
    public static async Task<int> RunAsync(string[] args, TextWriter output, TextWriter error)
    {
        var entities = int.Parse(Option(args, "--entities") ?? "200000", CultureInfo.InvariantCulture);
        var requests = int.Parse(Option(args, "--requests") ?? "1000", CultureInfo.InvariantCulture);
        var seconds = double.Parse(Option(args, "--seconds") ?? "10", CultureInfo.InvariantCulture);
        var concurrency = int.Parse(Option(args, "--concurrency") ?? "16", CultureInfo.InvariantCulture);
        var seed = Option(args, "--seed") ?? "1";
        var tool = Option(args, "--tool") ?? DefaultTool;
        var file = Option(args, "--file") ?? Path.Combine(Path.GetTempPath(), $"internalapi-scale-{entities}-{seed}-scim.json");
        var hostDll = Option(args, "--host") ?? BenchHost.DefaultHostDll;
        var app = Option(args, "--app") ?? BenchHost.DefaultApp;
        if (entities < 1 || requests < 1 || concurrency < 1 || seconds <= 0 || !File.Exists(tool))
        {
            error.WriteLine($"usage: bench scale [--entities N>0] [--requests N>0] [--seconds S>0] [--concurrency C>0] [--seed S] [--file F] [--tool {DefaultTool}] (the tool must be built)");
            return 2;
        }

        if (BenchDemo.Read("data/demo.json") is not { } demo)
        {
            error.WriteLine("data/demo.json: key 11 not found (the bench drives the demo data)");
            return 2;
        }

        var configuration = new ConfigurationBuilder().AddEnvironmentVariables().Build();
        await using var services = BenchCommand.StorageServices(configuration);
        if (!await BenchCommand.DemoLoadedAsync(services, error))
        {
            return 2;
        }

        var secrets = BenchCommand.BenchSecrets(configuration);
        byte[]? pagesKey = Core.Pages.PagesSecret.Load(configuration.GetSection(Core.Pages.PagesOptions.SectionName).Get<Core.Pages.PagesOptions>() ?? new(), Directory.GetCurrentDirectory()).Keys?.Current;
        var limit = TimeSpan.FromSeconds(seconds);
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"bench scale: {concurrency} concurrent, up to {requests} requests or {seconds:0.#} s per row; {Environment.ProcessorCount} cores"));

        var tables = services.GetRequiredService<GitLabTables>();
        error.WriteLine("measuring the rows on the store as it is");
        var beforeFloors = await FloorsAsync(tables, requests, limit, concurrency);
        var before = await MeasureRowsAsync(hostDll, app, secrets, pagesKey, demo, requests, limit, concurrency, error);

        if (!File.Exists(file))
        {
            error.WriteLine($"generating {entities} entities into {file}");
            // SCIM identities go into the demo's SCIM group, so its list row measures a group with thousands of them.
            string[] scim = demo.ScimGroupToken is { } group ? ["--scim-group", group.Group] : [];
            var generated = await RunToolAsync(tool, error, ["generate", "--entities", entities.ToString(CultureInfo.InvariantCulture), "--seed", seed, .. scim, "--out", file]);
            if (generated.Code != 0)
            {
                error.WriteLine("generate failed");
                return 1;
            }
        }

        error.WriteLine($"importing {file}");
        var import = await RunToolAsync(tool, error, "import", file);
        if (import.Code != 0)
        {
            error.WriteLine("import failed");
            return 1;
        }

        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"import of {entities} entities ({new FileInfo(file).Length / 1048576.0:0.0} MB file): {import.Elapsed.TotalSeconds:0.0} s, {entities / import.Elapsed.TotalSeconds:0} entities/s, peak RSS {import.PeakKb / 1024.0:0} MB"));

        error.WriteLine("measuring the rows again");
        var afterFloors = await FloorsAsync(tables, requests, limit, concurrency);
        var after = await MeasureRowsAsync(hostDll, app, secrets, pagesKey, demo, requests, limit, concurrency, error);
        foreach (var (name, floor) in beforeFloors)
        {
            before[name] = floor;
            after[name] = afterFloors[name];
        }

        output.WriteLine($"{"row",-38} {"p50 before",10} {"p50 after",9} {"÷",5} {"p99 before",10} {"p99 after",9} {"calls",5} {"calls",5} {"errors",6}");
        output.WriteLine($"{"",-38} {"ms",10} {"ms",9} {"",5} {"ms",10} {"ms",9} {"before",5} {"after",5} {"",6}");
        var errors = 0;
        foreach (var (name, b) in before)
        {
            if (!after.TryGetValue(name, out var a))
            {
                continue;
            }

            errors += a.Errors + b.Errors;
            output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{name,-38} {b.P50,10:F2} {a.P50,9:F2} {a.P50 / b.P50,5:F2} {b.P99,10:F2} {a.P99,9:F2} {b.Calls,5} {a.Calls,5} {a.Errors + b.Errors,6}"));
        }

        return errors == 0 ? 0 : 1;
    }

    /// <summary>One row's figures: latency percentiles under load, and the storage calls of one request (measured alone).</summary>
    private sealed record RowResult(double P50, double P99, string Calls, int Errors);

    /// <summary>
    /// The storage itself, from this process, before and after: a point read (a demo user) and a query of one small
    /// partition (group 101's members). In Azure both cost what they return; Azurite evaluates a query's filter over every
    /// row of the table (its in-memory store indexes keys for point reads only), so its query floor grows with the table:
    /// a row whose calls stay the same grows with it there, and only there.
    /// </summary>
    private static async Task<Dictionary<string, RowResult>> FloorsAsync(GitLabTables tables, int requests, TimeSpan limit, int concurrency)
    {
        var failures = new BenchFailures();
        var point = await BenchCommand.MeasureAsync(async () => (await tables.Users.FindSpreadAsync("1")) is not null, null, requests, limit, concurrency, failures);
        var query = await BenchCommand.MeasureAsync(async () => (await tables.Members.ListPartitionAsync("group-101")).Count > 0, null, requests, limit, concurrency, failures);
        return new()
        {
            ["FLOOR: SDK point read (user 1)"] = new RowResult(point.P50, point.P99, "1", point.Errors),
            ["FLOOR: SDK query, 1 partition (group-101)"] = new RowResult(query.P50, query.P99, "1", query.Errors),
        };
    }

    private static async Task<Dictionary<string, RowResult>> MeasureRowsAsync(string hostDll, string app, InternalSecrets secrets, byte[]? pagesKey, BenchDemo demo, int requests, TimeSpan limit, int concurrency, TextWriter error)
    {
        BenchHost.Errors = line => error.WriteLine("  [app] " + line);
        await using var host = await BenchHost.StartAsync(hostDll, app, new Dictionary<string, string>
        {
            ["Queues__DispatcherEnabled"] = "false",
            ["Telemetry__Exporter"] = "none",
            ["Logging__LogLevel__Default"] = "Error",
            ["Http__StorageCallsHeader"] = "true",
        }, StartLimit);
        using var client = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = concurrency }) { BaseAddress = host.Address, Timeout = TimeSpan.FromSeconds(30) };
        var failures = new BenchFailures();
        var bench = new BenchScenarios(client, secrets.ShellKey, secrets.KasKey, demo, failures, pagesKey);
        await bench.EnsureSubscriptionAsync();
        var results = new Dictionary<string, RowResult>();
        foreach (var (name, run) in bench.All())
        {
            // Calls first, one request at a time (the header counts one invocation's; a push row is two requests).
            var calls = new List<long>();
            for (var i = 0; i < 3; i++)
            {
                bench.TakeStorageCalls();
                await run(i);
                calls.Add(bench.TakeStorageCalls());
            }

            var measured = await BenchCommand.MeasureAsync(() => run(Random.Shared.Next()), null, requests, limit, concurrency, failures);
            var distinct = calls.Distinct().Order().ToList();
            results[name] = new RowResult(measured.P50, measured.P99, string.Join('-', distinct.Count > 1 ? [distinct[0], distinct[^1]] : distinct), measured.Errors);
            foreach (var line in failures.Drain())
            {
                error.WriteLine($"  ↳ failed in {name}: {line}");
            }
        }

        return results;
    }

    /// <summary>Runs <c>dotnet TOOL args</c>, its output to <paramref name="error"/>; its exit code, time and peak RSS.</summary>
    private static async Task<(int Code, TimeSpan Elapsed, long PeakKb)> RunToolAsync(string tool, TextWriter error, params string[] arguments)
    {
        var clock = Stopwatch.StartNew();
        using var process = BenchProcess.StartDotnet(tool, new Dictionary<string, string>(), line => error.WriteLine("  " + line), arguments);
        long peak = 0;
        while (!process.HasExited)
        {
            // VmHWM is the process's own high-water mark: polling only keeps the latest before it exits.
            peak = Math.Max(peak, BenchProcess.StatusKb(process.Id, "VmHWM"));
            await Task.WhenAny(process.WaitForExitAsync(), Task.Delay(200));
        }

        await process.WaitForExitAsync();
        return (process.ExitCode, clock.Elapsed, peak);
    }

    private static string? Option(string[] args, string name)
    {
        var i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length ? args[i + 1] : null;
    }
}
