using System.Diagnostics;
using System.Globalization;
using System.Net;

namespace InternalApi.Bench;

/// <summary>
/// The memory lines of <c>bench</c>: the app started afresh (the local host and its worker, the queue dispatcher on, as
/// a real instance runs), every row's request mixed round-robin from the bench's clients for the row's time, and each
/// process's peak resident set read from Linux <c>/proc/&lt;pid&gt;/status</c> (<c>VmHWM</c>): the worker's apart from
/// the host's, since the worker is what Azure runs (and bills) and the host is our stand-in for Azure's. Then the floor:
/// a bare ASP.NET Core app, as a process of its own, under the same load.
/// </summary>
internal static class BenchMemory
{
    private static readonly TimeSpan StartLimit = TimeSpan.FromSeconds(60);

    /// <summary>
    /// The app under the host: the worker's line (its peak, its resident set split, PSS and private) and the host's peak
    /// on the same line; or why it could not be measured.
    /// </summary>
    public static async Task<MemoryReading> MeasureAppAsync(string label, string hostDll, string scriptRoot, IReadOnlyDictionary<string, string> environment, Func<HttpClient, IReadOnlyList<BenchScenario>> scenarios, int concurrency, int requests, TimeSpan limit, BenchFailures failures)
    {
        if (!OperatingSystem.IsLinux())
        {
            return new($"{label}: skipped (reads /proc, Linux only)");
        }

        BenchHost host;
        try
        {
            host = await BenchHost.StartAsync(hostDll, scriptRoot, new Dictionary<string, string>(environment)
            {
                ["Telemetry__Exporter"] = "none",
                ["Logging__LogLevel__Default"] = "Warning",
            }, StartLimit);
        }
        catch (InvalidOperationException ex)
        {
            return new($"{label}: {ex.Message}");
        }

        await using (host)
        {
            if (host.WorkerPid is not { } worker)
            {
                return new($"{label}: the local host (pid {host.HostPid}) has no worker child process");
            }

            using var client = Client(host.Address, concurrency);
            var startedRss = BenchProcess.StatusField(worker, "VmRSS");
            var (sent, errors) = await LoadAsync(client, scenarios(client), concurrency, requests, limit, failures);
            var reading = Read(worker);
            var hostPeak = BenchProcess.StatusKb(host.HostPid, "VmHWM");
            return reading with
            {
                Line = string.Create(CultureInfo.InvariantCulture,
                    $"{label}: worker (pid {worker}) after start RSS {startedRss}; after {sent} mixed requests from {concurrency} clients ({errors} errors) {reading.Line}; " +
                    $"the local host apart: peak RSS {hostPeak} kB"),
                HostPeakKb = hostPeak,
            };
        }
    }

    /// <summary>
    /// A plain ASP.NET Core app started as <c>dotnet <paramref name="appDll"/></c> on a free port (<c>ASPNETCORE_URLS</c>),
    /// under the same load; its answers are not checked (the floor's stub routes answer 204 where the rows expect the
    /// app's answers).
    /// </summary>
    public static async Task<MemoryReading> MeasureBareAsync(string label, string appDll, IReadOnlyDictionary<string, string> environment, Func<HttpClient, IReadOnlyList<BenchScenario>> scenarios, int concurrency, int requests, TimeSpan limit, BenchFailures failures)
    {
        if (!OperatingSystem.IsLinux())
        {
            return new($"{label}: skipped (reads /proc, Linux only)");
        }

        var address = $"http://127.0.0.1:{BenchProcess.FreeLoopbackPort()}";
        var process = BenchProcess.StartDotnet(appDll, new Dictionary<string, string>(environment) { ["ASPNETCORE_URLS"] = address }, null, "--Logging:LogLevel:Default=Warning");
        try
        {
            using var client = Client(new Uri(address), concurrency);
            if (!await WaitUntilServingAsync(client, process, StartLimit))
            {
                return new($"{label}: did not serve /api/v4/internal/check within {StartLimit.TotalSeconds:0} s (exit {(process.HasExited ? process.ExitCode.ToString(CultureInfo.InvariantCulture) : "-")})");
            }

            var startedRss = BenchProcess.StatusField(process.Id, "VmRSS");
            var (sent, _) = await LoadAsync(client, scenarios(client), concurrency, requests, limit, failures);
            var reading = Read(process.Id);
            return reading with
            {
                Line = string.Create(CultureInfo.InvariantCulture, $"{label}: after start RSS {startedRss}; after {sent} mixed requests from {concurrency} clients (answers not checked) {reading.Line}"),
            };
        }
        finally
        {
            BenchProcess.Stop(process);
            process.Dispose();
        }
    }

    private static HttpClient Client(Uri address, int concurrency) =>
        new(new SocketsHttpHandler { MaxConnectionsPerServer = concurrency }) { BaseAddress = address, Timeout = TimeSpan.FromSeconds(30) };

    /// <summary>Every row's request, round-robin, from <paramref name="concurrency"/> clients until the count or the time is used up.</summary>
    private static async Task<(int Sent, int Errors)> LoadAsync(HttpClient client, IReadOnlyList<BenchScenario> rows, int concurrency, int requests, TimeSpan limit, BenchFailures failures)
    {
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
        return (sent, errors);
    }

    /// <summary>A process's peak and its resident set now, split by what backs it.</summary>
    private static MemoryReading Read(int pid)
    {
        // RSS counts every shared-framework page the process touched, also those every other .NET process maps;
        // PSS divides shared pages among the processes mapping them, private counts only this one's.
        var pss = BenchProcess.RollupKb(pid, "Pss");
        var own = BenchProcess.RollupKb(pid, "Private_Clean", "Private_Dirty");
        var (files, code, other) = BenchProcess.ResidentSplitKb(pid);
        var peak = BenchProcess.StatusKb(pid, "VmHWM");
        return new(string.Create(CultureInfo.InvariantCulture,
            $"peak RSS {peak} kB, RSS now {BenchProcess.StatusField(pid, "VmRSS")} = files {files} + JIT code and stubs {code} + heaps and stacks {other} kB (PSS {pss} kB, private {own} kB)"),
            peak, files, code, other);
    }

    private static async Task<bool> WaitUntilServingAsync(HttpClient client, Process process, TimeSpan limit)
    {
        var deadline = Stopwatch.GetTimestamp() + (long)(limit.TotalSeconds * Stopwatch.Frequency);
        while (Stopwatch.GetTimestamp() < deadline && !process.HasExited)
        {
            try
            {
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
/// <param name="PeakKb">Peak resident set (<c>VmHWM</c>) of the measured process (the worker, under the host).</param>
/// <param name="FilesKb">Resident pages of mapped files at the end.</param>
/// <param name="CodeKb">Resident executable memory of the runtime at the end.</param>
/// <param name="OtherKb">The rest of the resident set at the end.</param>
/// <param name="HostPeakKb">Under the host, the host's own peak (0 otherwise).</param>
internal sealed record MemoryReading(string Line, long PeakKb = 0, long FilesKb = 0, long CodeKb = 0, long OtherKb = 0, long HostPeakKb = 0);
