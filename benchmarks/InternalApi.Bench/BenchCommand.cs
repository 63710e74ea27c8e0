using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using Azure.Data.Tables;
using Azure.Storage.Queues;
using InternalApi.Core;
using InternalApi.Core.Auth;
using InternalApi.Core.Pages;
using InternalApi.Core.Data;
using InternalApi.Core.Storage;
using Microsoft.Extensions.Options;

namespace InternalApi.Bench;

/// <summary>
/// <c>bench [--requests 2000] [--seconds 20] [--concurrency 16] [--demo data/demo.json] [--host InternalApi.LocalHost.dll]
/// [--app DIR] [--memory-only]</c>: the app as it runs, the local host started as a process (<see cref="BenchHost"/>, queue
/// dispatcher off) serving the worker build in <c>--app</c>, which it starts as its own child process, against the
/// storage of <c>AzureWebJobsStorage</c> loaded with the demo data. Measures, at one concurrency: first the floors, in
/// this process through the app's own storage registration (one SDK point read of a demo user, the same read behind a
/// bare Kestrel route, one table write, one queue send), then over HTTP the bare forward (<see cref="BenchScenarios.ForwardRow"/>:
/// the host's hop to the worker and back) and each hot endpoint. Per row: req/s, p50, p99, p50 ÷ the point-read floor
/// measured next to it (and ÷ the first one), p50 ÷ the HTTP floor measured next to it, and the worker's and the host's
/// CPU milliseconds per request (<c>/proc/&lt;pid&gt;/stat</c> before and after the row); last, the peak memory of the
/// worker apart from the host's under all the rows mixed, in a fresh pair of processes (<see cref="BenchMemory"/>).
/// Every run is bounded by both a request count and a duration.
/// </summary>
internal static class BenchCommand
{
    private const int WarmUpRequests = 100;

    // The floor next to each row: enough requests for a stable median, few enough to add only seconds to a run.
    private const int AdjacentFloorRequests = 1000;

    private static readonly TimeSpan StartLimit = TimeSpan.FromSeconds(60);

    /// <summary>Runs the benchmark; 0 when every request answered as expected.</summary>
    public static async Task<int> RunAsync(string[] args, TextWriter output, TextWriter error)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(error);
        var requests = int.Parse(Option(args, "--requests") ?? "2000", CultureInfo.InvariantCulture);
        var seconds = double.Parse(Option(args, "--seconds") ?? "20", CultureInfo.InvariantCulture);
        var concurrency = int.Parse(Option(args, "--concurrency") ?? "16", CultureInfo.InvariantCulture);
        var demo = Option(args, "--demo") ?? "data/demo.json";
        var hostDll = Option(args, "--host") ?? BenchHost.DefaultHostDll;
        var app = Option(args, "--app") ?? BenchHost.DefaultApp;
        if (requests < 1 || concurrency < 1 || seconds <= 0)
        {
            error.WriteLine("usage: bench [--requests N>0] [--seconds S>0] [--concurrency C>0] [--demo data/demo.json] [--host InternalApi.LocalHost.dll] [--app DIR] [--memory-only]");
            return 2;
        }

        if (!OperatingSystem.IsLinux())
        {
            error.WriteLine("bench reads each process's CPU time and memory from /proc: Linux only");
            return 2;
        }

        if (BenchDemo.Read(demo) is not { } data)
        {
            error.WriteLine($"{demo}: key 11 not found (the bench drives the demo data)");
            return 2;
        }

        // The bench's own view of the app's settings (the environment ./run.sh exports): its storage for the floors,
        // the secrets to mint the callers' JWTs with. Only errors of its own storage clients are printed.
        var configuration = new ConfigurationBuilder().AddEnvironmentVariables().Build();
        await using var services = StorageServices(configuration);
        InternalSecrets secrets;
        try
        {
            secrets = BenchSecrets(configuration);
        }
        catch (InvalidOperationException ex)
        {
            error.WriteLine(ex.Message);
            return 2;
        }

        var users = services.GetRequiredService<GitLabTables>().Users;
        if (!await DemoLoadedAsync(services, error))
        {
            return 2;
        }

        var (shellKey, kasKey) = (secrets.ShellKey, secrets.KasKey);
        byte[]? pagesKey;
        try
        {
            pagesKey = PagesSecret.Load(configuration.GetSection(PagesOptions.SectionName).Get<PagesOptions>() ?? new(), Directory.GetCurrentDirectory()).Keys?.Current;
        }
        catch (InvalidOperationException ex)
        {
            error.WriteLine(ex.Message);
            return 2;
        }

        var failures = new BenchFailures();
        if (args.Contains("--memory-only"))
        {
            // Only the memory lines (they start processes of their own): for trying a memory setting without the timing rows.
            await MemoryAsync(output, hostDll, app, shellKey, kasKey, pagesKey, data, concurrency, requests, TimeSpan.FromSeconds(seconds));
            return 0;
        }

        // The worker's errors (and the host's) as they come; the SDK's 404s and lost ETag races are not errors.
        BenchHost.Errors = line => error.WriteLine("  [app] " + line);
        BenchHost host;
        try
        {
            host = await BenchHost.StartAsync(hostDll, app, new Dictionary<string, string>
            {
                ["Queues__DispatcherEnabled"] = "false",
                ["Telemetry__Exporter"] = "none",
                ["Logging__LogLevel__Default"] = "Error",
            }, StartLimit);
        }
        catch (InvalidOperationException ex)
        {
            error.WriteLine(ex.Message);
            return 2;
        }

        int errors;
        await using (host)
        {
            if (host.WorkerPid is not { } workerPid)
            {
                error.WriteLine($"the local host (pid {host.HostPid}) has no worker child process: is {hostDll} the host that launches the worker?");
                return 2;
            }

            using var client = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = concurrency }) { BaseAddress = host.Address, Timeout = TimeSpan.FromSeconds(30) };
            var limit = TimeSpan.FromSeconds(seconds);
            output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{concurrency} concurrent, up to {requests} requests or {seconds:0.#} s per row (after {WarmUpRequests} warm-up); {Environment.ProcessorCount} cores, {GC.GetGCMemoryInfo().TotalAvailableMemoryBytes / (1 << 20)} MiB, {RuntimeInformation.FrameworkDescription}"));
            output.WriteLine($"the local host (pid {host.HostPid}) on {host.Address}, its worker pid {workerPid} serving {Path.GetFullPath(app)}");
            output.WriteLine($"{"endpoint",-32} {"req/s",7} {"p50 ms",7} {"p99 ms",7} {"floor ms",8} {"÷floor",6} {"÷first",7} {"http ms",7} {"÷http",6} {"worker cpu",10} {"host cpu",8} {"errors",6}");
            output.WriteLine($"{"",-32} {"",7} {"",7} {"",7} {"",8} {"",6} {"",7} {"",7} {"",6} {"ms/req",10} {"ms/req",8}");

            Func<Task<bool>> pointRead = async () => (await users.GetEntityAsync<TableEntity>(Spread.PartitionOf("1"), "1")).Value is not null;
            var bench = new BenchScenarios(client, shellKey, kasKey, data, failures, pagesKey);
            if (!await bench.EnsureSubscriptionAsync())
            {
                error.WriteLine($"namespace {BenchScenarios.SubscriptionNamespace} has no subscription and none could be created (demo admin token?)");
                return 2;
            }

            var scenarios = bench.All();
            await using var httpFloor = await BenchHttpFloor.StartAsync(users, (Spread.PartitionOf("1"), "1"), concurrency, failures);
            Func<Task<bool>> httpRead = httpFloor.ReadAsync;
            await using var writeFloor = await BenchWriteFloor.CreateAsync(services.GetRequiredService<TableServiceClient>());
            Func<Task<bool>> pointWrite = writeFloor.WriteAsync;
            await using var queueFloor = await BenchQueueFloor.CreateAsync(services.GetRequiredService<QueueServiceClient>());
            Func<Task<bool>> send = queueFloor.SendAsync;
            var processes = new Processes(host);

            // The floors one after the other (all four, or the two each row is held against); the send floor's messages
            // are dropped right after it is measured.
            async Task<FloorRun> MeasureFloorsAsync(int count, bool all)
            {
                var read = await MeasureAsync(pointRead, null, count, limit, concurrency, failures);
                var http = await MeasureAsync(httpRead, null, count, limit, concurrency, failures);
                var write = all ? await MeasureAsync(pointWrite, null, count, limit, concurrency, failures) : null;
                var sent = all ? await MeasureAsync(send, null, count, limit, concurrency, failures) : null;
                await queueFloor.ClearAsync();
                return new FloorRun(read, http, write, sent);
            }

            // One pass over everything first, so that no row pays for JIT compilation (tier-up) of code the others share.
            foreach (var operation in scenarios.Select(s => (Func<Task<bool>>)(() => s.Run(Random.Shared.Next()))).Prepend(send).Prepend(pointWrite).Prepend(httpRead).Prepend(pointRead))
            {
                await RunAsync(operation, Math.Min(WarmUpRequests, requests), limit, concurrency, failures);
            }

            await queueFloor.ClearAsync();
            Failures(output, "warm-up", failures);
            var first = await MeasureFloorsAsync(requests, all: true);
            var floor = first.Read;
            foreach (var (label, measured) in first.Rows("FLOOR: SDK point read", "HTTP FLOOR: read, bare Kestrel", "WRITE FLOOR: SDK replace", "QUEUE FLOOR: SDK send"))
            {
                output.WriteLine(Row(label, measured, first, floor.P50));
            }

            Failures(output, "the floors", failures);
            errors = first.Errors;
            var adjacentRequests = Math.Min(requests, AdjacentFloorRequests);
            foreach (var (name, run) in scenarios)
            {
                // Each row against floors measured just before it: the shared machine drifts by a third within a run,
                // which against the first floor alone flattered or penalised the rows by their place in the order.
                var adjacent = await MeasureFloorsAsync(adjacentRequests, all: false);
                Failures(output, $"the floors before {name}", failures);
                var result = await MeasureAsync(() => run(Random.Shared.Next()), processes, requests, limit, concurrency, failures);
                errors += result.Errors + adjacent.Errors;
                output.WriteLine(Row(name, result, adjacent, floor.P50));
                Failures(output, name, failures);
            }

            // The machine is shared: a second floor at the end shows how much the conditions drifted during the run.
            var again = await MeasureFloorsAsync(requests, all: true);
            errors += again.Errors;
            foreach (var (label, measured) in again.Rows("FLOOR again (drift check)", "HTTP FLOOR again", "WRITE FLOOR again", "QUEUE FLOOR again"))
            {
                output.WriteLine(Row(label, measured, again, floor.P50));
            }

            Failures(output, "the floors again", failures);
        }

        await MemoryAsync(output, hostDll, app, shellKey, kasKey, pagesKey, data, concurrency, requests, TimeSpan.FromSeconds(seconds));
        return errors == 0 ? 0 : 1;
    }

    /// <summary>The shell and KAS secrets as the app reads them (<c>Shell:*</c>, <c>Kas:*</c>; files relative to the current folder).</summary>
    /// <summary>The bench's storage clients over <paramref name="configuration"/>, as the app registers them; only errors are logged.</summary>
    internal static ServiceProvider StorageServices(IConfiguration configuration) => new ServiceCollection()
        .AddLogging(logging => logging.AddSimpleConsole().AddFilter(null, LogLevel.Error))
        .AddSingleton(configuration)
        .AddInternalApiData(configuration, storageTracing: false)
        .BuildServiceProvider();

    /// <summary>Whether the store holds the demo data the rows drive (user 1); says how to get it when not.</summary>
    internal static async Task<bool> DemoLoadedAsync(ServiceProvider services, TextWriter error)
    {
        if (await services.GetRequiredService<GitLabTables>().Users.FindSpreadAsync("1") is not null)
        {
            return true;
        }

        error.WriteLine("user 1 is not in the store: start ./run.sh (it imports data/demo.json) first");
        return false;
    }

    internal static InternalSecrets BenchSecrets(IConfiguration configuration)
    {
        var shell = configuration.GetSection(ShellAuthOptions.SectionName).Get<ShellAuthOptions>() ?? new();
        var kas = configuration.GetSection(KasAuthOptions.SectionName).Get<KasAuthOptions>() ?? new();
        return InternalSecrets.Load(shell, kas, Directory.GetCurrentDirectory());
    }

    /// <summary>
    /// The worker's peak RSS apart from the host's, both measured afresh under all the rows mixed. Then the floor under the
    /// same load, when its build is there (<c>./run.sh bench</c> builds it): the bare ASP.NET Core app of the startup
    /// benchmark with every route of our <c>functions.metadata</c>, each answering 204 (check answers its JSON).
    /// </summary>
    private static async Task MemoryAsync(TextWriter output, string hostDll, string app, byte[] shellKey, byte[]? kasKey, byte[]? pagesKey, BenchDemo data, int concurrency, int requests, TimeSpan limit)
    {
        var failures = new BenchFailures();
        IReadOnlyList<BenchScenario> Scenarios(HttpClient other) => new BenchScenarios(other, shellKey, kasKey, data, failures, pagesKey).All();
        var measured = await BenchMemory.MeasureAppAsync($"memory (the app under the local host, {Path.GetFileName(Path.GetFullPath(app).TrimEnd('/'))})",
            hostDll, app, new Dictionary<string, string>(), Scenarios, concurrency, requests, limit, failures);
        output.WriteLine(measured.Line);
        Failures(output, "memory", failures);

        var bare = Path.GetFullPath(Path.Combine(StartupBenchCommand.BareBuild, "BareAspNetCore.dll"));
        var metadata = Path.Combine(app, "functions.metadata");
        if (!File.Exists(bare) || !File.Exists(metadata))
        {
            output.WriteLine($"memory floor: skipped ({bare} is not built; ./run.sh bench builds it)");
            return;
        }

        var floor = await BenchMemory.MeasureBareAsync("memory floor (bare ASP.NET Core app with our routes, same clients and mix)",
            bare, new Dictionary<string, string> { ["BARE_ROUTES_FROM"] = Path.GetFullPath(metadata) }, Scenarios, concurrency, requests, limit, failures);
        // The floor's stub routes answer 204 where the rows expect the app's answers: not failures.
        failures.Drain();
        output.WriteLine(floor.Line);
        if (measured.PeakKb > 0 && floor.PeakKb > 0)
        {
            static string Mb(long kb) => (kb / 1024.0).ToString("+0.0;-0.0", CultureInfo.InvariantCulture);
            output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"memory ÷floor: worker peak {(double)measured.PeakKb / floor.PeakKb:0.00}× ({Mb(measured.PeakKb - floor.PeakKb)} MB); at the end, files {Mb(measured.FilesKb - floor.FilesKb)} MB, " +
                $"JIT code and stubs {Mb(measured.CodeKb - floor.CodeKb)} MB, heaps and stacks {Mb(measured.OtherKb - floor.OtherKb)} MB; the host on top: {Mb(measured.HostPeakKb)} MB peak"));
        }
    }

    /// <summary>Under a row, what its failed requests answered (nothing when none failed).</summary>
    private static void Failures(TextWriter output, string where, BenchFailures failures)
    {
        foreach (var line in failures.Drain())
        {
            output.WriteLine($"  ↳ failed in {where}: {line}");
        }
    }

    /// <summary>What one row measured; the CPU figures only for rows served by the app (null for the floors).</summary>
    internal sealed record Measurement(int Count, double Seconds, double P50, double P99, double? WorkerCpuMsPerRequest, double? HostCpuMsPerRequest, int Errors);

    /// <summary>The floors as measured together: the SDK point read and the HTTP read always, the write and the send in the first and last runs.</summary>
    private sealed record FloorRun(Measurement Read, Measurement Http, Measurement? Write, Measurement? Send)
    {
        public int Errors => Read.Errors + Http.Errors + (Write?.Errors ?? 0) + (Send?.Errors ?? 0);

        /// <summary>Each floor measured under its label, in the order read, HTTP, write, send.</summary>
        public IEnumerable<(string Label, Measurement Measured)> Rows(string read, string http, string write, string send) =>
            new (string, Measurement?)[] { (read, Read), (http, Http), (write, Write), (send, Send) }
                .Where(r => r.Item2 is not null).Select(r => (r.Item1, r.Item2!));
    }

    /// <summary>The host and its worker, whose CPU time each row reads before and after.</summary>
    internal sealed class Processes(BenchHost host)
    {
        /// <summary>CPU milliseconds used so far by the worker (null when it is gone: the host restarts it) and the host.</summary>
        public (double? Worker, double? Host) CpuMs() =>
            (host.WorkerPid is { } worker ? BenchProcess.CpuMs(worker) : null, BenchProcess.CpuMs(host.HostPid));
    }

    /// <summary>
    /// Warms up, then runs <paramref name="operation"/> from <paramref name="concurrency"/> workers until the count or the
    /// time is used up; with <paramref name="app"/>, also the CPU time its processes used meanwhile, per request.
    /// </summary>
    internal static async Task<Measurement> MeasureAsync(Func<Task<bool>> operation, Processes? app, int requests, TimeSpan limit, int concurrency, BenchFailures failures)
    {
        await RunAsync(operation, Math.Min(WarmUpRequests, requests), limit, concurrency, failures);
        var cpuBefore = app?.CpuMs();
        var clock = Stopwatch.StartNew();
        var (latencies, errors) = await RunAsync(operation, requests, limit, concurrency, failures);
        clock.Stop();
        var cpuAfter = app?.CpuMs();
        Array.Sort(latencies);
        double? PerRequest(double? before, double? after) =>
            before is { } b && after is { } a && latencies.Length > 0 ? (a - b) / latencies.Length : null;
        return new Measurement(latencies.Length, clock.Elapsed.TotalSeconds, Percentile(latencies, 0.50), Percentile(latencies, 0.99),
            PerRequest(cpuBefore?.Worker, cpuAfter?.Worker), PerRequest(cpuBefore?.Host, cpuAfter?.Host), errors);
    }

    private static async Task<(double[] Latencies, int Errors)> RunAsync(Func<Task<bool>> operation, int count, TimeSpan limit, int concurrency, BenchFailures failures)
    {
        var latencies = new double[count];
        var errors = 0;
        var next = -1;
        var deadline = Stopwatch.GetTimestamp() + (long)(limit.TotalSeconds * Stopwatch.Frequency);
        await Task.WhenAll(Enumerable.Range(0, concurrency).Select(_ => Task.Run(async () =>
        {
            int i;
            // In-flight requests finish after the deadline (each is bounded by the client's timeout).
            while (Stopwatch.GetTimestamp() < deadline && (i = Interlocked.Increment(ref next)) < count)
            {
                var started = Stopwatch.GetTimestamp();
                bool ok;
                try
                {
                    ok = await operation();
                }
#pragma warning disable CA1031 // A failed request is counted as an error; the run goes on.
                catch (Exception ex)
#pragma warning restore CA1031
                {
                    failures.Threw("request", ex, Stopwatch.GetElapsedTime(started));
                    ok = false;
                }

                latencies[i] = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
                if (!ok)
                {
                    Interlocked.Increment(ref errors);
                }
            }
        })));
        return (latencies[..Math.Min(next + 1, count)], errors);
    }

    /// <summary>
    /// A row: its own figures, the SDK floor measured next to it and the ratio to that (and to the first floor), the HTTP
    /// floor measured next to it and the ratio to that; then the worker's and the host's CPU milliseconds per request
    /// (a floor runs in the bench's own process: "-").
    /// </summary>
    private static string Row(string name, Measurement m, FloorRun floors, double firstFloorP50)
    {
        static string Cpu(double? ms, int width) => (ms is { } v ? v.ToString("F2", CultureInfo.InvariantCulture) : "-").PadLeft(width);
        return string.Create(CultureInfo.InvariantCulture,
            $"{name,-32} {m.Count / m.Seconds,7:F0} {m.P50,7:F2} {m.P99,7:F2} {floors.Read.P50,8:F2} {m.P50 / floors.Read.P50,6:F2} {m.P50 / firstFloorP50,7:F2} {floors.Http.P50,7:F2} {m.P50 / floors.Http.P50,6:F2} {Cpu(m.WorkerCpuMsPerRequest, 10)} {Cpu(m.HostCpuMsPerRequest, 8)} {m.Errors,6}");
    }

    private static double Percentile(double[] sorted, double p) =>
        sorted.Length == 0 ? double.NaN : sorted[Math.Clamp((int)Math.Ceiling(p * sorted.Length) - 1, 0, sorted.Length - 1)];

    private static string? Option(string[] args, string name)
    {
        var i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length ? args[i + 1] : null;
    }
}
