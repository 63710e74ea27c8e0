using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Runtime.InteropServices;
using InternalApi.Core.Auth;

namespace InternalApi.Bench;

/// <summary>
/// <c>bench startup [--runs 10] [--host DLL] [--app DIR] [--app-publish DIR]</c>: what a cold instance pays. Starts each
/// variant as new processes <c>--runs</c> times, the variants interleaved per round so that the shared machine's drift
/// hits all of them alike, and times process start → first 200 on <c>/api/v4/internal/check</c> (connection attempts
/// ~1 ms apart): this app's worker under the local host (<see cref="BenchHost"/>: the host process starts, then starts
/// the worker and loads its functions), as built (JIT) and as published (ReadyToRun), against
/// <c>benchmarks/EmptyWorker</c> (one function on the same route) under the same host, and against
/// <c>benchmarks/BareAspNetCore</c> (one route, no storage; and with every route of our <c>functions.metadata</c>) built
/// both ways. Run from the repository root (the default paths are relative to it) with Azurite running;
/// <c>./run.sh bench startup</c> builds and publishes all of them first.
/// </summary>
internal static class StartupBenchCommand
{
    /// <summary>The floor's JIT build (<c>benchmarks/BareAspNetCore</c>), relative to the repository root; bench memory measures it too.</summary>
    internal const string BareBuild = "benchmarks/BareAspNetCore/bin/Release/net10.0";

    private const string Route = "/api/v4/internal/check";
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(60);

    /// <summary>One thing to start: a worker build under the local host (<see cref="ScriptRoot"/>), or a plain app.</summary>
    private sealed record Variant(string Name, string Dll, string? ScriptRoot = null, string? RoutesFrom = null);

    /// <summary>Runs the rounds and prints the table; 0 when every start reached its 200.</summary>
    public static async Task<int> RunAsync(string[] args, TextWriter output, TextWriter error)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(error);
        var runs = int.Parse(Option(args, "--runs") ?? "10", CultureInfo.InvariantCulture);
        var host = Option(args, "--host") ?? BenchHost.DefaultHostDll;
        var ours = Option(args, "--app") ?? BenchHost.DefaultApp;
        var oursR2R = Option(args, "--app-publish") ?? Path.Combine(BenchHost.DefaultApp, "linux-x64/publish");
        const string bare = BareBuild;
        const string empty = "benchmarks/EmptyWorker/bin/Release/net10.0";
        string Bare(bool r2r) => Path.Combine(bare, r2r ? "linux-x64/publish" : "", "BareAspNetCore.dll");
        string Empty(bool r2r) => Path.Combine(empty, r2r ? "linux-x64/publish" : "");
        Variant[] variants =
        [
            new("(a) InternalApi under the host, JIT", host, ours),
            new("(b) InternalApi under the host, R2R", host, oursR2R),
            new("(d) EmptyWorker under the host, JIT", host, Empty(false)),
            new("(d) EmptyWorker under the host, R2R", host, Empty(true)),
            new("(c) bare ASP.NET Core, JIT", Bare(false)),
            new("(c) bare ASP.NET Core, R2R", Bare(true)),
            new("(e) bare + all our HTTP routes, JIT", Bare(false), RoutesFrom: Path.Combine(ours, "functions.metadata")),
            new("(e) bare + all our HTTP routes, R2R", Bare(true), RoutesFrom: Path.Combine(oursR2R, "functions.metadata")),
        ];
        if (runs < 1)
        {
            error.WriteLine("usage: bench startup [--runs N>0] [--host DLL] [--app DIR] [--app-publish DIR]");
            return 2;
        }

        var missing = variants.Select(v => v.Dll).Concat(variants.Where(v => v.ScriptRoot is not null).Select(v => Path.Combine(v.ScriptRoot!, "functions.metadata")))
            .FirstOrDefault(f => !File.Exists(f));
        if (missing is not null)
        {
            error.WriteLine($"{Path.GetFullPath(missing)} not found: ./run.sh bench startup builds and publishes every variant");
            return 2;
        }

        var authorization = ShellToken();
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"startup: {runs} rounds, variants interleaved; {Environment.ProcessorCount} cores, {GC.GetGCMemoryInfo().TotalAvailableMemoryBytes / (1 << 20)} MiB, {RuntimeInformation.FrameworkDescription}; load average {LoadAverage()}"));
        var failures = 0;
        var times = variants.ToDictionary(v => v, _ => new List<double>());
        for (var round = 0; round < runs; round++)
        {
            foreach (var variant in variants)
            {
                if (await FirstOkAsync(variant, authorization) is { } ms)
                {
                    times[variant].Add(ms);
                }
                else
                {
                    failures++;
                    error.WriteLine($"{variant.Name}: no answer within {Deadline.TotalSeconds:0} s, or it exited first");
                }
            }
        }

        output.WriteLine($"load average after: {LoadAverage()}");
        output.WriteLine($"process start → first 200 on {Route} (under the host: the host's start, the worker's start and its function load, one forward)");
        output.WriteLine($"{"variant",-38} {"median ms",9} {"min",7} {"max",7} {"runs",4}");
        foreach (var v in variants)
        {
            var t = times[v];
            output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{v.Name,-38} {Median(t),9:F0} {(t.Count > 0 ? t.Min() : double.NaN),7:F0} {(t.Count > 0 ? t.Max() : double.NaN),7:F0} {t.Count,4}"));
        }

        string Ratio(int over, int under) => string.Create(CultureInfo.InvariantCulture, $"{Median(times[variants[over]]) / Median(times[variants[under]]):F2}×");
        output.WriteLine($"InternalApi ÷ EmptyWorker under the same host: JIT {Ratio(0, 2)}, R2R {Ratio(1, 3)}; " +
                         $"InternalApi ÷ the bare app: JIT {Ratio(0, 4)}, R2R {Ratio(1, 5)}; ÷ the bare app with the same routes: JIT {Ratio(0, 6)}, R2R {Ratio(1, 7)}; " +
                         $"the host and an empty worker ÷ the bare app: JIT {Ratio(2, 4)}, R2R {Ratio(3, 5)}");
        return failures == 0 ? 0 : 1;
    }

    /// <summary>Start → the first 200 of the route; null when it never came.</summary>
    private static async Task<double?> FirstOkAsync(Variant variant, string authorization)
    {
        var port = BenchProcess.FreeLoopbackPort();
        var url = $"http://127.0.0.1:{port.ToString(CultureInfo.InvariantCulture)}";
        using var handler = new SocketsHttpHandler { ConnectTimeout = TimeSpan.FromSeconds(1), PooledConnectionLifetime = TimeSpan.Zero };
        using var client = new HttpClient(handler) { Timeout = Deadline };
        var clock = Stopwatch.StartNew();
        using var process = variant.ScriptRoot is { } root
            ? BenchProcess.StartDotnet(variant.Dll, BenchHost.WithSecretFiles(new Dictionary<string, string>()), null, BenchHost.Arguments(port, root))
            : BenchProcess.StartDotnet(variant.Dll, new Dictionary<string, string> { ["ASPNETCORE_URLS"] = url, ["BARE_ROUTES_FROM"] = variant.RoutesFrom ?? "" });
        try
        {
            while (clock.Elapsed < Deadline && !process.HasExited)
            {
                try
                {
                    using var request = new HttpRequestMessage(HttpMethod.Get, url + Route);
                    request.Headers.Add(BenchScenarios.ShellHeader, authorization);
                    using var response = await client.SendAsync(request, CancellationToken.None);
                    if (response.StatusCode == HttpStatusCode.OK)
                    {
                        return clock.Elapsed.TotalMilliseconds;
                    }
                }
                catch (HttpRequestException)
                {
                    // Not listening yet.
                }

                await Task.Delay(1, CancellationToken.None);
            }

            return null;
        }
        finally
        {
            // With the host, its worker too (the whole tree).
            BenchProcess.Stop(process);
        }
    }

    /// <summary>A shell JWT for the app's auth (the other variants ignore it), signed with the configured secret.</summary>
    private static string ShellToken()
    {
        var secrets = BenchCommand.BenchSecrets(new ConfigurationBuilder().AddEnvironmentVariables().Build());
        // Long enough for every round of a slow run.
        return InternalJwt.Create(secrets.ShellKey, InternalJwt.ShellIssuer, null, TimeProvider.System, TimeSpan.FromMinutes(30));
    }

    private static double Median(List<double> values)
    {
        if (values.Count == 0)
        {
            return double.NaN;
        }

        var sorted = values.Order().ToArray();
        return sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[(sorted.Length / 2) - 1] + sorted[sorted.Length / 2]) / 2;
    }

    private static string LoadAverage() =>
        File.Exists("/proc/loadavg") ? string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "n/a";

    private static string? Option(string[] args, string name)
    {
        var i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length ? args[i + 1] : null;
    }
}
