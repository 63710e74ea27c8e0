using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;
using Azure.Data.Tables;
using InternalApi.Core.Auth;
using InternalApi.Core.Data;
using InternalApi.Functions.LocalHost;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Logging.Console;

namespace InternalApi.Functions.Hosting;

/// <summary>
/// <c>bench [--requests 2000] [--seconds 20] [--concurrency 16] [--demo data/demo.json]</c>: starts the app
/// in this process (the local host on a free loopback port, queue dispatcher off) against the storage of
/// <c>AzureWebJobsStorage</c> loaded with the demo data, then measures, at one concurrency: first the floor,
/// one SDK point read (<c>TableClient.GetEntityAsync</c>) of a demo user through the app's own table client,
/// then each hot endpoint over HTTP. Per row: req/s, p50, p99, p50 ÷ the floor's p50, and storage calls per
/// request as counted by the app's <see cref="StorageCallCounter"/> pipeline policy. Every run is bounded by
/// both a request count and a duration.
/// </summary>
public static class BenchCommand
{
    private const int WarmUpRequests = 100;

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

        if (DemoKeyBlob(demo, 11) is not { } blob)
        {
            error.WriteLine($"{demo}: key 11 not found (the bench drives the demo data)");
            return 2;
        }

        // The dispatcher would poll queues in the background and pollute the call counts; the app started
        // by ./run.sh (if any) still processes the post-receive jobs this bench enqueues.
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
        if (!(await users.GetEntityIfExistsAsync<TableEntity>("1", "")).HasValue)
        {
            error.WriteLine("user 1 is not in the store: start ./run.sh (it imports data/demo.json) first");
            return 2;
        }

        using var client = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = concurrency }) { BaseAddress = address, Timeout = TimeSpan.FromSeconds(30) };
        var limit = TimeSpan.FromSeconds(seconds);
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{concurrency} concurrent, up to {requests} requests or {seconds:0.#} s per row (after {WarmUpRequests} warm-up); {Environment.ProcessorCount} cores, {GC.GetGCMemoryInfo().TotalAvailableMemoryBytes / (1 << 20)} MiB, {RuntimeInformation.FrameworkDescription}"));
        output.WriteLine($"{"endpoint",-30} {"req/s",7} {"p50 ms",7} {"p99 ms",7} {"÷floor",6} {"calls/req",9} {"errors",6}");

        Func<Task<bool>> pointRead = async () => (await users.GetEntityAsync<TableEntity>("1", "")).Value is not null;
        var pushChanges = "1111111111111111111111111111111111111111 2222222222222222222222222222222222222222 refs/heads/main";
        var repositories = new[] { 3, 7, 20, 21, 22, 111 };
        var scenarios = new List<(string Name, Func<int, Task<bool>> Run)>
        {
            ("check", _ => SendAsync(client, shellKey, HttpMethod.Get, "/api/v4/internal/check", null, "\"redis\":true")),
            ("discover (key 7)", _ => SendAsync(client, shellKey, HttpMethod.Get, "/api/v4/internal/discover?key_id=7", null, "\"username\":\"rubi\"")),
            ("authorized_keys (key 11)", _ => SendAsync(client, shellKey, HttpMethod.Get, "/api/v4/internal/authorized_keys?key=" + Uri.EscapeDataString(blob), null, "\"id\":11,")),
            ("allowed pull (key 11)", _ => SendAsync(client, shellKey, HttpMethod.Post, "/api/v4/internal/allowed",
                """{"action":"git-upload-pack","project":"gnuwget/wget2.git","changes":"_any","protocol":"ssh","key_id":"11"}""", "\"status\":true")),
            ("allowed push protected (key 13)", _ => SendAsync(client, shellKey, HttpMethod.Post, "/api/v4/internal/allowed",
                $$"""{"action":"git-receive-pack","gl_repository":"project-20","project":"acme/platform/api","protocol":"ssh","key_id":"13","changes":"{{pushChanges}}"}""", "\"status\":true")),
            ("lfs_authenticate (key 11)", _ => SendAsync(client, shellKey, HttpMethod.Post, "/api/v4/internal/lfs_authenticate",
                """{"project":"gnuwget/wget2.git","key_id":11,"operation":"download"}""", "\"username\":\"root\"")),
            // One push = both hooks in sequence. Pushes are spread over the demo projects: 16 pushes at once
            // to a single repository would only measure contention on its reference counter.
            ("pre_receive+post_receive", async i =>
            {
                var repository = "project-" + repositories[i % repositories.Length].ToString(CultureInfo.InvariantCulture);
                return await SendAsync(client, shellKey, HttpMethod.Post, "/api/v4/internal/pre_receive", $$"""{"gl_repository":"{{repository}}"}""", "\"reference_counter_increased\":true") &&
                    await SendAsync(client, shellKey, HttpMethod.Post, "/api/v4/internal/post_receive",
                        $$"""{"gl_repository":"{{repository}}","identifier":"user-1","push_options":[],"changes":"{{pushChanges}}\n"}""", "\"reference_counter_decreased\":true");
            }),
        };

        // One pass over everything first, so that no row pays for JIT compilation (tier-up) of code the others share.
        foreach (var operation in scenarios.Select(s => (Func<Task<bool>>)(() => s.Run(Random.Shared.Next()))).Prepend(pointRead))
        {
            await RunAsync(operation, Math.Min(WarmUpRequests, requests), limit, concurrency);
        }

        var floor = await MeasureAsync(pointRead, counter, requests, limit, concurrency);
        output.WriteLine(Row("FLOOR: SDK point read", floor, floor.P50));
        var failures = floor.Errors;
        foreach (var (name, run) in scenarios)
        {
            var result = await MeasureAsync(() => run(Random.Shared.Next()), counter, requests, limit, concurrency);
            failures += result.Errors;
            output.WriteLine(Row(name, result, floor.P50));
        }

        // The machine is shared: a second floor at the end shows how much the conditions drifted during the run.
        var again = await MeasureAsync(pointRead, counter, requests, limit, concurrency);
        failures += again.Errors;
        output.WriteLine(Row("FLOOR again (drift check)", again, floor.P50));

        await app.StopAsync();
        return failures == 0 ? 0 : 1;
    }

    /// <summary>What one row measured.</summary>
    private sealed record Measurement(int Count, double Seconds, double P50, double P99, double CallsPerRequest, int Errors);

    /// <summary>Warms up, then runs <paramref name="operation"/> from <paramref name="concurrency"/> workers until the count or the time is used up.</summary>
    private static async Task<Measurement> MeasureAsync(Func<Task<bool>> operation, StorageCallCounter counter, int requests, TimeSpan limit, int concurrency)
    {
        await RunAsync(operation, Math.Min(WarmUpRequests, requests), limit, concurrency);
        var before = counter.Count;
        var clock = Stopwatch.StartNew();
        var (latencies, errors) = await RunAsync(operation, requests, limit, concurrency);
        clock.Stop();
        var calls = counter.Count - before;
        Array.Sort(latencies);
        return new Measurement(latencies.Length, clock.Elapsed.TotalSeconds, Percentile(latencies, 0.50), Percentile(latencies, 0.99), (double)calls / latencies.Length, errors);
    }

    private static async Task<(double[] Latencies, int Errors)> RunAsync(Func<Task<bool>> operation, int count, TimeSpan limit, int concurrency)
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
                catch (Exception)
#pragma warning restore CA1031
                {
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

    private static async Task<bool> SendAsync(HttpClient client, byte[] shellKey, HttpMethod method, string path, string? body, string expected)
    {
        using var request = new HttpRequestMessage(method, path);
        // gitlab-shell mints a fresh JWT for every request; so does the bench, so that verifying it is part of the cost.
        request.Headers.Add(RequestAuthenticator.ShellHeader, InternalJwt.Create(shellKey, InternalJwt.ShellIssuer, null, TimeProvider.System, TimeSpan.FromMinutes(1)));
        if (body is not null)
        {
            request.Content = new StringContent(body, Encoding.UTF8, "application/json");
        }

        using var response = await client.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        return response.StatusCode == HttpStatusCode.OK && text.Contains(expected, StringComparison.Ordinal);
    }

    private static string Row(string name, Measurement m, double floorP50) => string.Create(CultureInfo.InvariantCulture,
        $"{name,-30} {m.Count / m.Seconds,7:F0} {m.P50,7:F2} {m.P99,7:F2} {m.P50 / floorP50,6:F2} {m.CallsPerRequest,9:F2} {m.Errors,6}");

    private static double Percentile(double[] sorted, double p) =>
        sorted.Length == 0 ? double.NaN : sorted[Math.Clamp((int)Math.Ceiling(p * sorted.Length) - 1, 0, sorted.Length - 1)];

    private static string? Option(string[] args, string name)
    {
        var i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length ? args[i + 1] : null;
    }

    /// <summary>The base64 blob of a key in the demo file, to look it up the way OpenSSH does.</summary>
    private static string? DemoKeyBlob(string path, long keyId)
    {
        if (!File.Exists(path))
        {
            return null;
        }

        using var doc = JsonDocument.Parse(File.ReadAllText(path));
        foreach (var section in new[] { "keys", "ssh_keys" })
        {
            if (doc.RootElement.TryGetProperty(section, out var keys) && keys.ValueKind == JsonValueKind.Array)
            {
                foreach (var key in keys.EnumerateArray())
                {
                    if (key.TryGetProperty("id", out var id) && id.TryGetInt64(out var value) && value == keyId &&
                        key.TryGetProperty("key", out var text) && text.GetString()?.Split(' ') is [_, var blob, ..])
                    {
                        return blob;
                    }
                }
            }
        }

        return null;
    }
}
