using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Runtime.InteropServices;
using InternalApi.Core.Auth;
using Microsoft.Extensions.Options;

namespace InternalApi.Functions.Hosting;

/// <summary>
/// <c>bench startup [--runs 10]</c>: what a cold instance pays. Starts each variant as a new process (<c>dotnet
/// X.dll</c>, on a free loopback port) <c>--runs</c> times, the variants interleaved per round so that the shared
/// machine's drift hits all of them alike, and times process start → first 200 on <c>/api/v4/internal/check</c>
/// (connection attempts ~1 ms apart): this app under the local host (JIT build and ReadyToRun publish) against
/// <c>benchmarks/BareAspNetCore</c> (one route, no storage) built both ways. Then the worker's own start path:
/// Program with a host endpoint and <see cref="StartupProbe"/> on, timed to the probe's line (builder, services,
/// table creation, up to where it would connect to the host), against <c>benchmarks/EmptyWorker</c>.
/// Run from the repository root (the default paths are relative to it) with Azurite running; <c>./run.sh bench
/// startup</c> builds and publishes all of them first.
/// </summary>
public static class StartupBenchCommand
{
    private const string Route = "/api/v4/internal/check";
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(60);

    /// <summary>One thing to start: how it is timed, and where it listens.</summary>
    private sealed record Variant(string Name, string Dll, bool Probe, bool LocalHost);

    /// <summary>Runs the rounds and prints the table; 0 when every start reached its 200 (or probe line).</summary>
    public static async Task<int> RunAsync(string[] args, TextWriter output, TextWriter error)
    {
        var runs = int.Parse(Option(args, "--runs") ?? "10", CultureInfo.InvariantCulture);
        var ours = Option(args, "--app") ?? "InternalApi.Functions/bin/Release/net10.0";
        var oursR2R = Option(args, "--app-publish") ?? "InternalApi.Functions/bin/Release/net10.0/linux-x64/publish";
        const string bare = "benchmarks/BareAspNetCore/bin/Release/net10.0";
        const string worker = "benchmarks/EmptyWorker/bin/Release/net10.0";
        Variant[] http =
        [
            new("(a) InternalApi local host, JIT", Path.Combine(ours, "InternalApi.Functions.dll"), false, true),
            new("(b) InternalApi local host, R2R", Path.Combine(oursR2R, "InternalApi.Functions.dll"), false, true),
            new("(c) bare ASP.NET Core, JIT", Path.Combine(bare, "BareAspNetCore.dll"), false, false),
            new("(c) bare ASP.NET Core, R2R", Path.Combine(bare, "linux-x64/publish/BareAspNetCore.dll"), false, false),
        ];
        Variant[] probes =
        [
            new("(d) InternalApi Program, JIT", Path.Combine(ours, "InternalApi.Functions.dll"), true, false),
            new("(d) EmptyWorker, JIT", Path.Combine(worker, "EmptyWorker.dll"), true, false),
            new("(d) InternalApi Program, R2R", Path.Combine(oursR2R, "InternalApi.Functions.dll"), true, false),
            new("(d) EmptyWorker, R2R", Path.Combine(worker, "linux-x64/publish/EmptyWorker.dll"), true, false),
        ];
        if (runs < 1)
        {
            error.WriteLine("usage: bench startup [--runs N>0] [--app DIR] [--app-publish DIR]");
            return 2;
        }

        if (http.Concat(probes).FirstOrDefault(v => !File.Exists(v.Dll)) is { } missing)
        {
            error.WriteLine($"{Path.GetFullPath(missing.Dll)} not found: ./run.sh bench startup builds and publishes every variant");
            return 2;
        }

        var authorization = ShellToken();
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"startup: {runs} rounds, variants interleaved; {Environment.ProcessorCount} cores, {GC.GetGCMemoryInfo().TotalAvailableMemoryBytes / (1 << 20)} MiB, {RuntimeInformation.FrameworkDescription}; load average {LoadAverage()}"));
        var times = http.Concat(probes).ToDictionary(v => v, _ => new List<double>());
        var failures = 0;
        for (var round = 0; round < runs; round++)
        {
            foreach (var variant in times.Keys)
            {
                var elapsed = variant.Probe ? await ProbeAsync(variant) : await FirstOkAsync(variant, authorization);
                if (elapsed is { } ms)
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
        output.WriteLine($"process start → first 200 on {Route}");
        Table(output, http, times);
        output.WriteLine($"ratio (a)/(c) JIT {Ratio(times, http[0], http[2])}, (b)/(c) R2R {Ratio(times, http[1], http[3])} (target ≤ 1.25)");
        output.WriteLine($"worker start path: process start → \"{StartupProbe.Line}\" ({StartupProbe.Variable}=1, where host.RunAsync() would connect)");
        Table(output, probes, times);
        output.WriteLine($"ratio InternalApi/EmptyWorker JIT {Ratio(times, probes[0], probes[1])}, R2R {Ratio(times, probes[2], probes[3])}");
        return failures == 0 ? 0 : 1;
    }

    /// <summary>Start → the first 200 of the route; null when it never came.</summary>
    private static async Task<double?> FirstOkAsync(Variant variant, string authorization)
    {
        var port = BenchProcess.FreeLoopbackPort();
        var url = $"http://127.0.0.1:{port}";
        using var handler = new SocketsHttpHandler { ConnectTimeout = TimeSpan.FromSeconds(1), PooledConnectionLifetime = TimeSpan.Zero };
        using var client = new HttpClient(handler) { Timeout = Deadline };
        var clock = Stopwatch.StartNew();
        using var process = Start(variant, new() { [variant.LocalHost ? "LocalHost__Urls" : "ASPNETCORE_URLS"] = url });
        try
        {
            while (clock.Elapsed < Deadline && !process.HasExited)
            {
                try
                {
                    using var request = new HttpRequestMessage(HttpMethod.Get, url + Route);
                    request.Headers.Add(RequestAuthenticator.ShellHeader, authorization);
                    using var response = await client.SendAsync(request);
                    if (response.StatusCode == HttpStatusCode.OK)
                    {
                        return clock.Elapsed.TotalMilliseconds;
                    }
                }
                catch (HttpRequestException)
                {
                    // Not listening yet.
                }

                await Task.Delay(1);
            }

            return null;
        }
        finally
        {
            Stop(process);
        }
    }

    /// <summary>Start → the probe's line, with a host endpoint where nothing listens; null when it never came.</summary>
    private static async Task<double?> ProbeAsync(Variant variant)
    {
        var line = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var clock = Stopwatch.StartNew();
        using var process = Start(variant, new()
        {
            [StartupProbe.Variable] = "1",
            ["Functions__Worker__HostEndpoint"] = $"http://127.0.0.1:{BenchProcess.FreeLoopbackPort()}",
        }, text =>
        {
            if (text == StartupProbe.Line)
            {
                line.TrySetResult();
            }
        });
        try
        {
            // A build without the probe runs on, fails to reach the host and exits: no line, no figure.
            await Task.WhenAny(line.Task, process.WaitForExitAsync()).WaitAsync(Deadline);
            return line.Task.IsCompleted ? clock.Elapsed.TotalMilliseconds : null;
        }
        catch (TimeoutException)
        {
            return null;
        }
        finally
        {
            Stop(process);
        }
    }

    private static Process Start(Variant variant, Dictionary<string, string> environment, Action<string>? onLine = null)
    {
        var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        info.ArgumentList.Add(variant.Dll);
        foreach (var (name, value) in environment)
        {
            info.Environment[name] = value;
        }

        var process = new Process { StartInfo = info };
        // Output is read (and dropped) as it comes, so that a full pipe never stalls the app.
        process.OutputDataReceived += (_, e) => onLine?.Invoke(e.Data ?? "");
        process.ErrorDataReceived += (_, _) => { };
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return process;
    }

    private static void Stop(Process process)
    {
        if (!process.HasExited)
        {
            process.Kill(entireProcessTree: true);
        }

        process.WaitForExit();
    }

    /// <summary>A shell JWT for the app's auth (the bare app ignores it), signed with the configured secret.</summary>
    private static string ShellToken()
    {
        var configuration = new ConfigurationBuilder().AddEnvironmentVariables().Build();
        var shell = configuration.GetSection(ShellAuthOptions.SectionName).Get<ShellAuthOptions>() ?? new();
        var kas = configuration.GetSection(KasAuthOptions.SectionName).Get<KasAuthOptions>() ?? new();
        var secrets = InternalSecrets.Load(shell, kas, Directory.GetCurrentDirectory());
        // Long enough for every round of a slow run.
        return InternalJwt.Create(secrets.ShellKey, InternalJwt.ShellIssuer, null, TimeProvider.System, TimeSpan.FromMinutes(30));
    }

    private static void Table(TextWriter output, IEnumerable<Variant> variants, Dictionary<Variant, List<double>> times)
    {
        output.WriteLine($"{"variant",-34} {"median ms",9} {"min",7} {"max",7} {"runs",4}");
        foreach (var v in variants)
        {
            var t = times[v];
            output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{v.Name,-34} {Median(t),9:F0} {(t.Count > 0 ? t.Min() : double.NaN),7:F0} {(t.Count > 0 ? t.Max() : double.NaN),7:F0} {t.Count,4}"));
        }
    }

    private static string Ratio(Dictionary<Variant, List<double>> times, Variant over, Variant under) =>
        string.Create(CultureInfo.InvariantCulture, $"{Median(times[over]) / Median(times[under]):F2}×");

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
