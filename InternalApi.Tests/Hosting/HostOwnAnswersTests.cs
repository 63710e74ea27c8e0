using System.Net;
using System.Text.Json;
using InternalApi.LocalHost;
using InternalApi.LocalHost.Rpc;
using InternalApi.Tests.Infrastructure;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace InternalApi.Tests.Hosting;

/// <summary>
/// The few answers the local host gives itself, never the worker: 503 while no worker is ready, 500 when a forward
/// cannot reach the worker, 404 for the worker's protocol on the front end and for anything else on the gRPC port.
/// Each is JSON in GitLab's <c>{"message"}</c> shape.
/// </summary>
[Collection(AppCollection.Name)]
public sealed class HostOwnAnswersTests(AppFixture fixture)
{
    [Fact]
    public async Task A_Request_While_No_Worker_Has_Loaded_Is_A_Json_503_With_Retry_After()
    {
        // No worker is launched and none connects: the host holds the request for WorkerReadyTimeout, then gives up.
        await using var host = LocalFunctionsHost.Build([], builder =>
        {
            builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["LocalHost:ScriptRoot"] = AppContext.BaseDirectory,
                ["LocalHost:Urls"] = "http://127.0.0.1:0",
                ["LocalHost:LaunchWorker"] = "false",
                ["LocalHost:WorkerReadyTimeout"] = "00:00:00.300",
            });
            builder.Logging.ClearProviders();
        });
        await host.StartAsync();
        try
        {
            using var client = new HttpClient { BaseAddress = LocalFunctionsHost.FrontEndAddress(host) };
            using var response = await client.GetAsync(new Uri("/api/v4/internal/check", UriKind.Relative));

            Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
            Assert.Equal("5", response.Headers.RetryAfter?.ToString());
            Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
            Assert.Equal("503 Service Unavailable", await MessageAsync(response));
        }
        finally
        {
            await host.StopAsync();
        }
    }

    [Fact]
    public async Task A_Forward_The_Worker_Never_Receives_Is_A_Json_500_And_The_Invocation_Is_Cancelled()
    {
        await using var app = await TestApp.StartAsync(fixture.Azurite.ConnectionString, new Dictionary<string, string?> { ["Queues:DispatcherEnabled"] = "false" });
        using (var before = await app.Client.GetAsync(new Uri("/api/health", UriKind.Relative)))
        {
            Assert.Equal(HttpStatusCode.OK, before.StatusCode);
        }

        // The worker's HTTP server goes away while its gRPC stream stays: the host still counts it as ready, and its
        // forwards (the first and the one retry) are refused.
        await app.Services.GetRequiredService<IServer>().StopAsync(CancellationToken.None);

        using var response = await app.Client.GetAsync(new Uri("/api/health", UriKind.Relative));
        Assert.Equal(HttpStatusCode.InternalServerError, response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("500 Internal Server Error", await MessageAsync(response));
        Assert.Equal(2, app.Logs.Entries.Count(e => e.Level == LogLevel.Error && e.Message.StartsWith("Forwarding invocation", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task The_Workers_Protocol_Is_Not_Served_On_The_Front_End()
    {
        using var response = await fixture.App.Client.PostAsync(new Uri("/AzureFunctionsRpcMessages.FunctionRpc/EventStream", UriKind.Relative), new ByteArrayContent([0, 0, 0, 0, 0]));

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("404 Not Found", await MessageAsync(response));
    }

    [Fact]
    public async Task The_Grpc_Port_Serves_Nothing_But_The_Workers_Protocol()
    {
        var grpc = fixture.App.HostServices.GetRequiredService<HostEndpoints>().GrpcUri;
        using var client = new HttpClient { DefaultRequestVersion = HttpVersion.Version20, DefaultVersionPolicy = HttpVersionPolicy.RequestVersionExact };

        // A function's route on the worker's port: the functions are served only on the front end.
        using var response = await client.GetAsync(new Uri(grpc, "/api/health"));

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("404 Not Found", await MessageAsync(response));
    }

    private static async Task<string?> MessageAsync(HttpResponseMessage response)
    {
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return body.RootElement.GetProperty("message").GetString();
    }
}
