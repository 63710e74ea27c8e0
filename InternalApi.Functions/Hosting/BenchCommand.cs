using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using Azure.Data.Tables;
using InternalApi.Core.Auth;
using InternalApi.Core.Data;
using InternalApi.Functions.LocalHost;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Logging.Console;

namespace InternalApi.Functions.Hosting;

/// <summary>
/// <c>bench [--requests 2000] [--seconds 20] [--concurrency 16] [--demo data/demo.json] [--memory-app path/InternalApi.Functions.dll]</c>: starts the app
/// in this process (the local host on a free loopback port, queue dispatcher off) against the storage of
/// <c>AzureWebJobsStorage</c> loaded with the demo data, then measures, at one concurrency: first the floor,
/// one SDK point read (<c>TableClient.GetEntityAsync</c>) of a demo user through the app's own table client,
/// then each hot endpoint over HTTP. Per row: req/s, p50, p99, p50 ÷ the floor's p50, and storage calls per
/// request as counted by the app's <see cref="StorageCallCounter"/> pipeline policy, and the row against a floor of
/// its own mix of calls (its reads at the point-read floor, its table writes at <see cref="BenchWriteFloor"/>'s, its
/// queue sends at <see cref="BenchQueueFloor"/>'s); last, the app's peak memory
/// under all the rows mixed, in a process of its own (<see cref="BenchMemory"/>). Every run is bounded by both a
/// request count and a duration.
/// </summary>
public static class BenchCommand
{
    private const int WarmUpRequests = 100;

    // The floor next to each row: enough requests for a stable median, few enough to add only seconds to a run.
    private const int AdjacentFloorRequests = 1000;

    /// <summary>Runs the benchmark; 0 when every request answered as expected.</summary>
    public static async Task<int> RunAsync(string[] args, TextWriter output, TextWriter error)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(error);
        if (args is ["startup", ..])
        {
            return await StartupBenchCommand.RunAsync(args[1..], output, error);
        }

        var requests = int.Parse(Option(args, "--requests") ?? "2000", CultureInfo.InvariantCulture);
        var seconds = double.Parse(Option(args, "--seconds") ?? "20", CultureInfo.InvariantCulture);
        var concurrency = int.Parse(Option(args, "--concurrency") ?? "16", CultureInfo.InvariantCulture);
        var demo = Option(args, "--demo") ?? "data/demo.json";
        if (requests < 1 || concurrency < 1 || seconds <= 0)
        {
            error.WriteLine("usage: bench [--requests N>0] [--seconds S>0] [--concurrency C>0] [--demo data/demo.json]");
            return 2;
        }

        if (BenchDemo.Read(demo) is not { } data)
        {
            error.WriteLine($"{demo}: key 11 not found (the bench drives the demo data)");
            return 2;
        }

        await using var app = await LocalFunctionsHost.CreateAsync([], builder =>
        {
            builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["LocalHost:Urls"] = "http://127.0.0.1:0",
                ["Queues:DispatcherEnabled"] = "false",
                ["Telemetry:Exporter"] = "none",
            });

            // Only errors: the SDK logs every 404 and lost ETag race (expected here) as a warning.
            builder.Logging.ClearProviders().AddSimpleConsole().AddFilter<ConsoleLoggerProvider>(null, LogLevel.Error);
        });
        await app.StartAsync();
        var address = new Uri(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());
        if (!address.IsLoopback)
        {
            error.WriteLine("bench only listens on loopback addresses");
            return 2;
        }

        var counter = app.Services.GetRequiredService<StorageCallCounter>();
        var users = app.Services.GetRequiredService<GitLabTables>().Users;
        var shellKey = app.Services.GetRequiredService<InternalSecrets>().ShellKey;
        var kasKey = app.Services.GetRequiredService<InternalSecrets>().KasKey;
        if (!(await users.GetEntityIfExistsAsync<TableEntity>("1", "")).HasValue)
        {
            error.WriteLine("user 1 is not in the store: start ./run.sh (it imports data/demo.json) first");
            return 2;
        }

        using var client = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = concurrency }) { BaseAddress = address, Timeout = TimeSpan.FromSeconds(30) };
        var limit = TimeSpan.FromSeconds(seconds);
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{concurrency} concurrent, up to {requests} requests or {seconds:0.#} s per row (after {WarmUpRequests} warm-up); {Environment.ProcessorCount} cores, {GC.GetGCMemoryInfo().TotalAvailableMemoryBytes / (1 << 20)} MiB, {RuntimeInformation.FrameworkDescription}"));
        output.WriteLine($"{"endpoint",-30} {"req/s",7} {"p50 ms",7} {"p99 ms",7} {"floor ms",8} {"÷floor",6} {"÷first",7} {"http ms",7} {"÷http",6} {"calls/req",9} {"writes",6} {"÷call",6} {"write ms",8} {"send ms",7} {"mix ms",7} {"÷mix",5} {"errors",6}");

        Func<Task<bool>> pointRead = async () => (await users.GetEntityAsync<TableEntity>("1", "")).Value is not null;
        // What failed requests answered, printed under the row they failed in.
        var failures = new BenchFailures();
        var bench = new BenchScenarios(client, shellKey, kasKey, data, failures);
        if (!await bench.EnsureSubscriptionAsync())
        {
            error.WriteLine($"namespace {BenchScenarios.SubscriptionNamespace} has no subscription and none could be created (demo admin token?)");
            return 2;
        }

        var scenarios = bench.All();
        if (args.Contains("--memory-only"))
        {
            // Only the memory line (it runs its own child app): for trying a memory setting without the timing rows.
            await app.StopAsync();
            await MemoryAsync(args, output, shellKey, kasKey, data, concurrency, requests, limit);
            return 0;
        }

        await using var httpFloor = await BenchHttpFloor.StartAsync(users, ("1", ""), concurrency, failures);
        Func<Task<bool>> httpRead = httpFloor.ReadAsync;
        await using var writeFloor = await BenchWriteFloor.CreateAsync(app.Services.GetRequiredService<TableServiceClient>());
        Func<Task<bool>> pointWrite = writeFloor.WriteAsync;
        await using var queueFloor = await BenchQueueFloor.CreateAsync(app.Services.GetRequiredService<Azure.Storage.Queues.QueueServiceClient>());
        Func<Task<bool>> send = queueFloor.SendAsync;

        // The four floors one after the other; the send floor's messages are dropped right after it is measured.
        async Task<FloorRun> MeasureFloorsAsync(int count)
        {
            var read = await MeasureAsync(pointRead, counter, count, limit, concurrency, failures);
            var http = await MeasureAsync(httpRead, counter, count, limit, concurrency, failures);
            var write = await MeasureAsync(pointWrite, counter, count, limit, concurrency, failures);
            var sent = await MeasureAsync(send, counter, count, limit, concurrency, failures);
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
        var first = await MeasureFloorsAsync(requests);
        var floor = first.Read;
        foreach (var (label, measured) in first.Rows("FLOOR: SDK point read", "HTTP FLOOR: read, bare Kestrel", "WRITE FLOOR: SDK replace", "QUEUE FLOOR: SDK send"))
        {
            output.WriteLine(Row(label, measured, first.P50s, floor.P50));
        }

        Failures(output, "the floors", failures);
        var errors = first.Errors;
        var adjacentRequests = Math.Min(requests, AdjacentFloorRequests);
        foreach (var (name, run) in scenarios)
        {
            // Each row against floors measured just before it: the shared machine drifts by a third within a run,
            // which against the first floor alone flattered or penalised the rows by their place in the order.
            var adjacent = await MeasureFloorsAsync(adjacentRequests);
            Failures(output, $"the floors before {name}", failures);
            var result = await MeasureAsync(() => run(Random.Shared.Next()), counter, requests, limit, concurrency, failures);
            errors += result.Errors + adjacent.Errors;
            output.WriteLine(Row(name, result, adjacent.P50s, floor.P50));
            Failures(output, name, failures);
        }

        // The machine is shared: a second floor at the end shows how much the conditions drifted during the run.
        var again = await MeasureFloorsAsync(requests);
        errors += again.Errors;
        foreach (var (label, measured) in again.Rows("FLOOR again (drift check)", "HTTP FLOOR again", "WRITE FLOOR again", "QUEUE FLOOR again"))
        {
            output.WriteLine(Row(label, measured, again.P50s, floor.P50));
        }

        Failures(output, "the floors again", failures);
        await app.StopAsync();
        await MemoryAsync(args, output, shellKey, kasKey, data, concurrency, requests, limit);
        return errors == 0 ? 0 : 1;
    }

    /// <summary>
    /// The peak RSS target is the app's: measured with the app in a process of its own. Then the floor under the
    /// same load, when its build is there (<c>./run.sh bench</c> builds it): the bare ASP.NET Core app of the startup
    /// benchmark with every route of our <c>functions.metadata</c>, each answering 204 (check answers its JSON).
    /// </summary>
    private static async Task MemoryAsync(string[] args, TextWriter output, byte[] shellKey, byte[]? kasKey, BenchDemo data, int concurrency, int requests, TimeSpan limit)
    {
        var appDll = Path.GetFullPath(Option(args, "--memory-app") ?? typeof(BenchCommand).Assembly.Location);
        var failures = new BenchFailures();
        IReadOnlyList<BenchScenario> Scenarios(HttpClient other) => new BenchScenarios(other, shellKey, kasKey, data, failures).All();
        var app = await BenchMemory.MeasureAsync($"memory (the app alone, its own process, {Path.GetFileName(Path.GetDirectoryName(appDll))})",
            appDll, new Dictionary<string, string>(), Scenarios, concurrency, requests, limit, failures);
        output.WriteLine(app.Line);
        Failures(output, "memory", failures);

        var bare = Path.GetFullPath(Path.Combine(StartupBenchCommand.BareBuild, "BareAspNetCore.dll"));
        var metadata = Path.Combine(Path.GetDirectoryName(appDll)!, "functions.metadata");
        if (!File.Exists(bare) || !File.Exists(metadata))
        {
            output.WriteLine($"memory floor: skipped ({bare} is not built; ./run.sh bench builds it)");
            return;
        }

        var floor = await BenchMemory.MeasureAsync("memory floor (bare ASP.NET Core app with our routes, same clients and mix)",
            bare, new Dictionary<string, string> { ["BARE_ROUTES_FROM"] = metadata }, Scenarios, concurrency, requests, limit, failures, countErrors: false);
        // The floor's stub routes answer 204 where the rows expect the app's answers: not failures.
        failures.Drain();
        output.WriteLine(floor.Line);
        if (app.PeakKb > 0 && floor.PeakKb > 0)
        {
            static string Mb(long kb) => (kb / 1024.0).ToString("+0.0;-0.0", CultureInfo.InvariantCulture);
            output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"memory ÷floor: peak {(double)app.PeakKb / floor.PeakKb:0.00}× ({Mb(app.PeakKb - floor.PeakKb)} MB); at the end, files {Mb(app.FilesKb - floor.FilesKb)} MB, " +
                $"JIT code and stubs {Mb(app.CodeKb - floor.CodeKb)} MB, heaps and stacks {Mb(app.OtherKb - floor.OtherKb)} MB"));
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

    /// <summary>What one row measured.</summary>
    private sealed record Measurement(int Count, double Seconds, double P50, double P99, double CallsPerRequest, double WritesPerRequest, double SendsPerRequest, int Errors);

    /// <summary>The p50s of the floors a row is held against: the SDK point read, the HTTP read, the table write, the queue send.</summary>
    private sealed record Floors(double Read, double Http, double Write, double Send);

    /// <summary>The four floors as measured together.</summary>
    private sealed record FloorRun(Measurement Read, Measurement Http, Measurement Write, Measurement Send)
    {
        public Floors P50s => new(Read.P50, Http.P50, Write.P50, Send.P50);

        public int Errors => Read.Errors + Http.Errors + Write.Errors + Send.Errors;

        /// <summary>Each floor under its label, in the order read, HTTP, write, send.</summary>
        public IEnumerable<(string Label, Measurement Measured)> Rows(string read, string http, string write, string send) =>
            [(read, Read), (http, Http), (write, Write), (send, Send)];
    }

    /// <summary>Warms up, then runs <paramref name="operation"/> from <paramref name="concurrency"/> workers until the count or the time is used up.</summary>
    private static async Task<Measurement> MeasureAsync(Func<Task<bool>> operation, StorageCallCounter counter, int requests, TimeSpan limit, int concurrency, BenchFailures failures)
    {
        await RunAsync(operation, Math.Min(WarmUpRequests, requests), limit, concurrency, failures);
        var (before, writesBefore, sendsBefore) = (counter.Count, counter.Writes, counter.QueueSends);
        var clock = Stopwatch.StartNew();
        var (latencies, errors) = await RunAsync(operation, requests, limit, concurrency, failures);
        clock.Stop();
        var (calls, writes, sends) = (counter.Count - before, counter.Writes - writesBefore, counter.QueueSends - sendsBefore);
        Array.Sort(latencies);
        return new Measurement(latencies.Length, clock.Elapsed.TotalSeconds, Percentile(latencies, 0.50), Percentile(latencies, 0.99),
            (double)calls / latencies.Length, (double)writes / latencies.Length, (double)sends / latencies.Length, errors);
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
    /// floor measured next to it and the ratio to that; then its storage calls and writes per request, p50 ÷ (calls ×
    /// the read floor), the write and send floors measured next to it, the row's own mix at the floors (reads × the read
    /// floor + table writes × the write floor + queue sends × the send floor) and p50 ÷ that mix.
    /// </summary>
    private static string Row(string name, Measurement m, Floors floors, double firstFloorP50)
    {
        var reads = m.CallsPerRequest - m.WritesPerRequest;
        var mix = (reads * floors.Read) + ((m.WritesPerRequest - m.SendsPerRequest) * floors.Write) + (m.SendsPerRequest * floors.Send);
        return string.Create(CultureInfo.InvariantCulture,
            $"{name,-30} {m.Count / m.Seconds,7:F0} {m.P50,7:F2} {m.P99,7:F2} {floors.Read,8:F2} {m.P50 / floors.Read,6:F2} {m.P50 / firstFloorP50,7:F2} {floors.Http,7:F2} {m.P50 / floors.Http,6:F2} {m.CallsPerRequest,9:F2} {m.WritesPerRequest,6:F2} {m.P50 / (m.CallsPerRequest * floors.Read),6:F2} {floors.Write,8:F2} {floors.Send,7:F2} {mix,7:F2} {m.P50 / mix,5:F2} {m.Errors,6}");
    }

    private static double Percentile(double[] sorted, double p) =>
        sorted.Length == 0 ? double.NaN : sorted[Math.Clamp((int)Math.Ceiling(p * sorted.Length) - 1, 0, sorted.Length - 1)];

    private static string? Option(string[] args, string name)
    {
        var i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length ? args[i + 1] : null;
    }
}
