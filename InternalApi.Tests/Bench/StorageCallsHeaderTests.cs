using System.Net;
using System.Text;
using InternalApi.Core.Storage;
using InternalApi.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace InternalApi.Tests.Bench;

/// <summary>An app with <c>Http:StorageCallsHeader</c> on, as <c>bench scale</c> runs it.</summary>
public sealed class StorageCallsHeaderFixture : IsolatedAppFixture
{
    protected override IDictionary<string, string?> Settings => new Dictionary<string, string?> { ["Http:StorageCallsHeader"] = "true" };
}

/// <summary>
/// <c>X-Storage-Calls</c> reports what one invocation sent, however many run at once: the bench reads a row's calls per
/// request from it, the worker being a process of its own.
/// </summary>
public sealed class StorageCallsHeaderTests(StorageCallsHeaderFixture fixture) : IClassFixture<StorageCallsHeaderFixture>
{
    private async Task<(HttpStatusCode Status, long? Header)> SendAsync(HttpRequestMessage request)
    {
        using var response = await fixture.App.Client.SendAsync(request);
        return (response.StatusCode, response.Headers.TryGetValues("X-Storage-Calls", out var values) ? long.Parse(values.Single(), System.Globalization.CultureInfo.InvariantCulture) : null);
    }

    private HttpRequestMessage Discover(long keyId) => fixture.App.ShellRequest(HttpMethod.Get, $"/api/v4/internal/discover?key_id={keyId}");

    [Fact]
    public async Task The_Header_Equals_The_Calls_The_Request_Sent()
    {
        var counter = fixture.App.Services.GetRequiredService<StorageCallCounter>();
        using (var warm = Discover(TestIds.Next()))
        {
            await SendAsync(warm);
        }

        var before = counter.Count;
        using var request = Discover(TestIds.Next());
        var (status, header) = await SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.NotNull(header);
        Assert.True(header > 0);
        Assert.Equal(counter.Count - before, header);

        // A refusal before any read costs nothing, and says so.
        using var unauthenticated = new HttpRequestMessage(HttpMethod.Get, "/api/v4/internal/discover?key_id=1");
        Assert.Equal((HttpStatusCode.Unauthorized, 0L), await SendAsync(unauthenticated));
    }

    [Fact]
    public async Task Concurrent_Requests_Count_Only_Their_Own_Calls()
    {
        var alone = await SendAsync(Discover(TestIds.Next()));
        var together = await Task.WhenAll(Enumerable.Range(0, 16).Select(_ => SendAsync(Discover(TestIds.Next()))));
        Assert.All(together, answer => Assert.Equal(alone, answer));
    }
}
