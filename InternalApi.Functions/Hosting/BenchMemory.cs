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
    /// <summary>Runs the load against a child app; the line to print, or why it could not.</summary>
    public static async Task<string> MeasureAsync(string appDll, Func<HttpClient, IReadOnlyList<BenchScenario>> scenarios, int concurrency, int requests, TimeSpan limit)
    {
        if (!OperatingSystem.IsLinux())
        {
            return "memory: skipped (reads /proc, Linux only)";
        }

        var port = BenchProcess.FreeLoopbackPort();
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in new[] { appDll, $"--LocalHost:Urls=http://127.0.0.1:{port}", "--Telemetry:Exporter=none", "--Logging:LogLevel:Default=Warning" })
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException("dotnet did not start");
        // Drained so that a chatty child never blocks on a full pipe.
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            using var client = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = concurrency })
            {
                BaseAddress = new Uri($"http://127.0.0.1:{port}"),
                Timeout = TimeSpan.FromSeconds(30),
            };
            if (!await WaitUntilServingAsync(client, process, TimeSpan.FromSeconds(60)))
            {
                return $"memory: the child app did not serve /api/v4/internal/check within 60 s (exit {(process.HasExited ? process.ExitCode.ToString(CultureInfo.InvariantCulture) : "-")})";
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
                    bool ok;
                    try
                    {
                        ok = await rows[i % rows.Count].Run(i / rows.Count);
                    }
#pragma warning disable CA1031 // A failed request is counted; the load goes on.
                    catch (Exception)
#pragma warning restore CA1031
                    {
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
            return string.Create(CultureInfo.InvariantCulture,
                $"memory (the app alone, its own process, {Path.GetFileName(Path.GetDirectoryName(appDll))}): after start RSS {startedRss}; after {sent} mixed requests from {concurrency} clients ({errors} errors) peak RSS {BenchProcess.StatusField(process.Id, "VmHWM")}, RSS now {BenchProcess.StatusField(process.Id, "VmRSS")} (PSS {pss} kB, private {own} kB)");
        }
        finally
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
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
