using System.Net;
using System.Text;
using InternalApi.Bench;

namespace InternalApi.Tests.Bench;

/// <summary>
/// A bench row with errors says what they answered and how slowly, so a storage deadline (503 after seconds) is told
/// apart from a wrong answer; no storage here: the rows' client answers from a handler that records nothing.
/// </summary>
public sealed class BenchFailuresTests
{
    [Fact]
    public async Task A_Failed_Row_Records_Its_Status_Its_Body_And_Its_Path_Without_The_Query()
    {
        var failures = new BenchFailures();
        using var client = new HttpClient(new Answering(HttpStatusCode.ServiceUnavailable, """{"message":"503 Service Unavailable"}""")) { BaseAddress = new Uri("http://127.0.0.1:9/") };
        var rows = new BenchScenarios(client, new byte[32], null, new BenchDemo("AAAAblob", null, null, null), failures).All();

        Assert.False(await rows.Single(r => r.Name.StartsWith("authorized_keys", StringComparison.Ordinal)).Run(0));
        Assert.False(await rows.Single(r => r.Name == "check").Run(0));
        Assert.False(await rows.Single(r => r.Name == "check").Run(1));

        var lines = failures.Drain();
        Assert.Equal(2, lines.Count);
        Assert.StartsWith("""2× GET /api/v4/internal/check: 503 {"message":"503 Service Unavailable"} (slowest """, lines[0], StringComparison.Ordinal);
        Assert.StartsWith("1× GET /api/v4/internal/authorized_keys: 503 ", lines[1], StringComparison.Ordinal);
        Assert.DoesNotContain("AAAAblob", lines[1], StringComparison.Ordinal);
        Assert.Empty(failures.Drain());
    }

    [Fact]
    public void Kinds_Are_Counted_Apart_With_The_Slowest_Of_Each_And_Long_Bodies_Cut()
    {
        var failures = new BenchFailures();
        failures.Unexpected("GET /x", HttpStatusCode.NotFound, new string('a', 500), TimeSpan.FromMilliseconds(3));
        failures.Threw("request", new TaskCanceledException("timed out"), TimeSpan.FromMilliseconds(30000));
        failures.Threw("request", new TaskCanceledException("timed out"), TimeSpan.FromMilliseconds(4200));

        var lines = failures.Drain();
        Assert.Equal("2× request: TaskCanceledException: timed out (slowest 30000 ms)", lines[0]);
        Assert.Equal($"1× GET /x: 404 {new string('a', 120)}… (slowest 3 ms)", lines[1]);
    }

    private sealed class Answering(HttpStatusCode status, string body) : HttpMessageHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken) =>
            Task.FromResult(new HttpResponseMessage(status) { Content = new StringContent(body, Encoding.UTF8, "application/json") });
    }
}
