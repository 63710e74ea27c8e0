using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;
using InternalApi.Core.Auth;
using Microsoft.Extensions.Options;

namespace InternalApi.Functions.Hosting;

/// <summary>
/// <c>bench [--url http://127.0.0.1:7071] [--requests 2000] [--concurrency 16] [--demo data/demo.json]</c>:
/// drives the hot endpoints of a running instance (loaded with the demo data) and prints throughput and
/// latency percentiles per endpoint. Loopback targets only.
/// </summary>
public static class BenchCommand
{
    /// <summary>Runs the benchmark; 0 when every request answered as expected.</summary>
    public static async Task<int> RunAsync(string[] args, TextWriter output, TextWriter error)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(error);
        var url = new Uri(Option(args, "--url") ?? "http://127.0.0.1:7071");
        if (!url.IsLoopback)
        {
            error.WriteLine("bench only targets loopback addresses");
            return 2;
        }

        var requests = int.Parse(Option(args, "--requests") ?? "2000", CultureInfo.InvariantCulture);
        var concurrency = int.Parse(Option(args, "--concurrency") ?? "16", CultureInfo.InvariantCulture);
        var demo = Option(args, "--demo") ?? "data/demo.json";

        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = [] });
        builder.Services.AddOptions<ShellAuthOptions>().BindConfiguration(ShellAuthOptions.SectionName);
        builder.Services.AddOptions<KasAuthOptions>().BindConfiguration(KasAuthOptions.SectionName);
        await using var services = builder.Services.BuildServiceProvider();
        var secrets = InternalSecrets.Load(services.GetRequiredService<IOptions<ShellAuthOptions>>().Value, services.GetRequiredService<IOptions<KasAuthOptions>>().Value, builder.Environment.ContentRootPath);

        var scenarios = new List<(string Name, HttpMethod Method, string Path, string? Body, HttpStatusCode Expected)>
        {
            ("check", HttpMethod.Get, "/api/v4/internal/check", null, HttpStatusCode.OK),
            ("discover", HttpMethod.Get, "/api/v4/internal/discover?key_id=7", null, HttpStatusCode.OK),
            ("allowed (pull)", HttpMethod.Post, "/api/v4/internal/allowed", """{"action":"git-upload-pack","project":"gnuwget/wget2.git","changes":"_any","protocol":"ssh","key_id":"11"}""", HttpStatusCode.OK),
            ("pre_receive", HttpMethod.Post, "/api/v4/internal/pre_receive", """{"gl_repository":"project-7"}""", HttpStatusCode.OK),
        };
        if (DemoKeyBlob(demo, 11) is { } blob)
        {
            scenarios.Insert(1, ("authorized_keys", HttpMethod.Get, "/api/v4/internal/authorized_keys?key=" + Uri.EscapeDataString(blob), null, HttpStatusCode.OK));
        }

        using var client = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = concurrency }) { BaseAddress = url, Timeout = TimeSpan.FromSeconds(30) };
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{requests} requests per endpoint, {concurrency} concurrent, against {url}"));
        output.WriteLine($"{"endpoint",-18} {"req/s",9} {"p50 ms",8} {"p95 ms",8} {"p99 ms",8} {"max ms",8} {"errors",7}");
        var failures = 0;
        foreach (var scenario in scenarios)
        {
            // Warm up connections and caches before measuring.
            await RunScenarioAsync(client, secrets.ShellKey, scenario, Math.Min(100, requests), concurrency);
            var clock = Stopwatch.StartNew();
            var (latencies, errors) = await RunScenarioAsync(client, secrets.ShellKey, scenario, requests, concurrency);
            clock.Stop();
            latencies.Sort();
            failures += errors;
            output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{scenario.Name,-18} {requests / clock.Elapsed.TotalSeconds,9:F0} {Percentile(latencies, 0.50),8:F2} {Percentile(latencies, 0.95),8:F2} {Percentile(latencies, 0.99),8:F2} {latencies[^1],8:F2} {errors,7}"));
        }

        // The post_receive side of the pre_receive scenario: leave the demo counter where it was.
        await RunScenarioAsync(client, secrets.ShellKey, ("post_receive", HttpMethod.Post, "/api/v4/internal/post_receive", """{"gl_repository":"project-7","identifier":"user-1","changes":""}""", HttpStatusCode.OK), requests + Math.Min(100, requests), concurrency);
        return failures == 0 ? 0 : 1;
    }

    private static async Task<(List<double> Latencies, int Errors)> RunScenarioAsync(
        HttpClient client, byte[] shellKey, (string Name, HttpMethod Method, string Path, string? Body, HttpStatusCode Expected) scenario, int count, int concurrency)
    {
        var latencies = new double[count];
        var errors = 0;
        var next = -1;
        var token = InternalJwt.Create(shellKey, InternalJwt.ShellIssuer, null, TimeProvider.System, TimeSpan.FromMinutes(10));
        await Task.WhenAll(Enumerable.Range(0, concurrency).Select(async _ =>
        {
            int i;
            while ((i = Interlocked.Increment(ref next)) < count)
            {
                using var request = new HttpRequestMessage(scenario.Method, scenario.Path);
                request.Headers.Add(RequestAuthenticator.ShellHeader, token);
                if (scenario.Body is not null)
                {
                    request.Content = new StringContent(scenario.Body, Encoding.UTF8, "application/json");
                }

                var started = Stopwatch.GetTimestamp();
                using var response = await client.SendAsync(request);
                await response.Content.ReadAsByteArrayAsync();
                latencies[i] = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
                if (response.StatusCode != scenario.Expected)
                {
                    Interlocked.Increment(ref errors);
                }
            }
        }));
        return ([.. latencies], errors);
    }

    private static double Percentile(List<double> sorted, double p) => sorted[Math.Clamp((int)Math.Ceiling(p * sorted.Count) - 1, 0, sorted.Count - 1)];

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
