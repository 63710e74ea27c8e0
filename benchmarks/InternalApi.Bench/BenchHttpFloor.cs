using System.Diagnostics;
using System.Net;
using Azure.Data.Tables;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;

namespace InternalApi.Bench;

/// <summary>
/// The floor's point read behind a bare Kestrel route, in the bench's process: what any HTTP service pays for one
/// storage call on this machine (client, socket, Kestrel, the read, a small answer), with none of our pipeline (no
/// auth, no function activation, no JSON binding). The one-call rows are held against it as well as against the SDK
/// floor, which says how much of their distance to the SDK floor is the hop itself. Not a route of the app: a server
/// of its own on another loopback port, started and stopped by <c>bench</c>.
/// </summary>
internal sealed class BenchHttpFloor : IAsyncDisposable
{
    private const string Path = "/floor";
    private readonly WebApplication _server;
    private readonly HttpClient _client;
    private readonly BenchFailures? _failures;

    private BenchHttpFloor(WebApplication server, HttpClient client, BenchFailures? failures)
    {
        _server = server;
        _client = client;
        _failures = failures;
    }

    /// <summary>
    /// Starts the server on a free loopback port; its one route reads <paramref name="entity"/> through <paramref name="table"/>.
    /// An answer other than the read's goes to <paramref name="failures"/>.
    /// </summary>
    public static async Task<BenchHttpFloor> StartAsync(TableClient table, (string PartitionKey, string RowKey) entity, int concurrency, BenchFailures? failures = null)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0));
        builder.Logging.ClearProviders();
        var server = builder.Build();
        // A plain request delegate: the cheapest way Kestrel can run code for a request. It answers in JSON whatever
        // happens, as the app does: 404 when the entity is missing, 503 when storage fails.
        RequestDelegate read = async context =>
        {
            context.Response.ContentType = "application/json";
            try
            {
                var found = await table.GetEntityIfExistsAsync<TableEntity>(entity.PartitionKey, entity.RowKey, cancellationToken: context.RequestAborted);
                context.Response.StatusCode = found.HasValue ? StatusCodes.Status200OK : StatusCodes.Status404NotFound;
                await context.Response.WriteAsync(found.HasValue ? """{"found":true}""" : """{"message":"404 Not found"}""", context.RequestAborted);
            }
            catch (Exception ex) when (ex is Azure.RequestFailedException or HttpRequestException or IOException)
            {
                context.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
                await context.Response.WriteAsync("""{"message":"503 Service Unavailable"}""", context.RequestAborted);
            }
        };
        server.Map(Path, read);
        await server.StartAsync();
        var address = new Uri(server.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());
        var client = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = concurrency }) { BaseAddress = address, Timeout = TimeSpan.FromSeconds(30) };
        return new BenchHttpFloor(server, client, failures);
    }

    /// <summary>Where the floor's one route is served.</summary>
    public Uri Address => new(_client.BaseAddress!, Path);

    /// <summary>One request; true when it answered 200 with the read's result.</summary>
    public async Task<bool> ReadAsync()
    {
        var started = Stopwatch.GetTimestamp();
        using var response = await _client.GetAsync(Path);
        var text = await response.Content.ReadAsStringAsync();
        if (response.StatusCode == HttpStatusCode.OK && text.Contains("\"found\":true", StringComparison.Ordinal))
        {
            return true;
        }

        _failures?.Unexpected("HTTP floor", response.StatusCode, text, Stopwatch.GetElapsedTime(started));
        return false;
    }

    public async ValueTask DisposeAsync()
    {
        _client.Dispose();
        await _server.StopAsync();
        await _server.DisposeAsync();
    }
}
