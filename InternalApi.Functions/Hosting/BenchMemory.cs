using System.Diagnostics;
using System.Globalization;
using System.Net;

namespace InternalApi.Functions.Hosting;

/// <summary>
/// The memory row of <c>bench</c>: the app started as its own process (local host mode, the queue dispatcher on, as a
/// real instance runs), every row's request mixed round-robin from the bench's clients for the row's time, and the
/// child's peak resident set read from Linux <c>/proc/&lt;pid&gt;/status</c> (<c>VmHWM</c>) before and after the load.
/// In a process of its own, the figure is the app's alone (in the timing rows the clients share the process).
/// </summary>
internal static class BenchMemory
{
    /// <summary>
    /// Runs the load against a child app; the line to print, or why it could not. <paramref name="label"/> names
    /// the app; <paramref name="environment"/> is added to its environment. The child is told its address both ways
    /// (the local host's <c>LocalHost:Urls</c>, ASP.NET Core's <c>ASPNETCORE_URLS</c>) so that a plain ASP.NET Core app
    /// (the floor) is measured the same way. <paramref name="countErrors"/> is false for the floor, whose stub routes
    /// answer 204 where the rows expect the app's answers. A request that throws is recorded in <paramref name="failures"/>.
    /// </summary>
    public static async Task<MemoryReading> MeasureAsync(string label, string appDll, IReadOnlyDictionary<string, string> environment, Func<HttpClient, IReadOnlyList<BenchScenario>> scenarios, int concurrency, int requests, TimeSpan limit, BenchFailures failures, bool countErrors = true)
    {
        if (!OperatingSystem.IsLinux())
        {
            return new($"{label}: skipped (reads /proc, Linux only)");
        }

        var port = BenchProcess.FreeLoopbackPort();
        var address = $"http://127.0.0.1:{port}";
        var process = BenchProcess.StartDotnet(appDll, new Dictionary<string, string>(environment) { ["ASPNETCORE_URLS"] = address }, null,
            $"--LocalHost:Urls={address}", "--Telemetry:Exporter=none", "--Logging:LogLevel:Default=Warning");
        try
        {
            using var client = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = concurrency })
            {
                BaseAddress = new Uri(address),
                Timeout = TimeSpan.FromSeconds(30),
            };
            if (!await WaitUntilServingAsync(client, process, TimeSpan.FromSeconds(60)))
            {
                return new($"{label}: the child app did not serve /api/v4/internal/check within 60 s (exit {(process.HasExited ? process.ExitCode.ToString(CultureInfo.InvariantCulture) : "-")})");
            }

            var startedRss = BenchProcess.StatusField(process.Id, "VmRSS");
            var rows = scenarios(client);
            var next = -1;
            var errors = 0;
            var sent = 0;
            var deadline = Stopwatch.GetTimestamp() + (long)(limit.TotalSeconds * Stopwatch.Frequency);
            var total = requests * rows.Count;
            await Task.WhenAll(Enumerable.Range(0, concurrency).Select(_ => Task.Run(async () =>
            {
                int i;
                while (Stopwatch.GetTimestamp() < deadline && (i = Interlocked.Increment(ref next)) < total)
                {
                    Interlocked.Increment(ref sent);
                    var started = Stopwatch.GetTimestamp();
                    bool ok;
                    try
                    {
                        ok = await rows[i % rows.Count].Run(i / rows.Count);
                    }
#pragma warning disable CA1031 // A failed request is counted; the load goes on.
                    catch (Exception ex)
#pragma warning restore CA1031
                    {
                        failures.Threw("request", ex, Stopwatch.GetElapsedTime(started));
                        ok = false;
                    }

                    if (!ok)
                    {
                        Interlocked.Increment(ref errors);
                    }
                }
            })));
            // RSS counts every shared-framework page the process touched, also those every other .NET process maps;
            // PSS divides shared pages among the processes mapping them, private counts only this one's.
            var pss = BenchProcess.RollupKb(process.Id, "Pss");
            var own = BenchProcess.RollupKb(process.Id, "Private_Clean", "Private_Dirty");
            var (files, code, other) = BenchProcess.ResidentSplitKb(process.Id);
            var outcome = countErrors ? $"{errors} errors" : "answers not checked";
            var peak = BenchProcess.StatusKb(process.Id, "VmHWM");
            return new(string.Create(CultureInfo.InvariantCulture,
                $"{label}: after start RSS {startedRss}; after {sent} mixed requests from {concurrency} clients ({outcome}) peak RSS {peak} kB, " +
                $"RSS now {BenchProcess.StatusField(process.Id, "VmRSS")} = files {files} + JIT code and stubs {code} + heaps and stacks {other} kB (PSS {pss} kB, private {own} kB)"),
                peak, files, code, other);
        }
        finally
        {
            BenchProcess.Stop(process);
            process.Dispose();
        }
    }

    private static async Task<bool> WaitUntilServingAsync(HttpClient client, Process process, TimeSpan limit)
    {
        var deadline = Stopwatch.GetTimestamp() + (long)(limit.TotalSeconds * Stopwatch.Frequency);
        while (Stopwatch.GetTimestamp() < deadline && !process.HasExited)
        {
            try
            {
                // Anonymous-answer probe: check needs a shell JWT, but any JSON answer means the app is serving.
                using var response = await client.GetAsync(new Uri("/api/v4/internal/check", UriKind.Relative));
                if (response.StatusCode is HttpStatusCode.OK or HttpStatusCode.Unauthorized)
                {
                    return true;
                }
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }

            await Task.Delay(50);
        }

        return false;
    }
}

/// <summary>A memory line of <c>bench</c> and, when it was measured, the figures behind it (kB; 0 when it was not).</summary>
/// <param name="Line">What to print.</param>
/// <param name="PeakKb">Peak resident set (<c>VmHWM</c>).</param>
/// <param name="FilesKb">Resident pages of mapped files at the end.</param>
/// <param name="CodeKb">Resident executable memory of the runtime at the end.</param>
/// <param name="OtherKb">The rest of the resident set at the end.</param>
internal sealed record MemoryReading(string Line, long PeakKb = 0, long FilesKb = 0, long CodeKb = 0, long OtherKb = 0);
