using Azure.Storage.Queues;
using System.Net;
using System.Text;
using System.Text.Json;
using InternalApi.Core.Kubernetes;
using InternalApi.Core.Storage;
using InternalApi.Functions.Functions.Kubernetes;
using InternalApi.Functions.Hosting;
using InternalApi.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace InternalApi.Tests.Kubernetes;

/// <summary>No dispatcher: the tests read the queue to see exactly what was (not) enqueued.</summary>
public sealed class UsageMetricsEndpointFixture : IsolatedAppFixture
{
    protected override IDictionary<string, string?> Settings => new Dictionary<string, string?> { ["Queues:DispatcherEnabled"] = "false" };
}

[CollectionDefinition("usage-metrics-endpoint")]
public sealed class UsageMetricsEndpointCollection : ICollectionFixture<UsageMetricsEndpointFixture>;

[Collection("usage-metrics-endpoint")]
public sealed class UsageMetricsEndpointTests(UsageMetricsEndpointFixture fixture)
{
    private const string Path = "/api/v4/internal/kubernetes/usage_metrics";

    private async Task<(HttpStatusCode Status, string Body)> PostAsync(HttpContent content, string? token = "kas")
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, Path) { Content = content };
        if (token == "kas")
        {
            request.Headers.Add(RequestAuthenticator.KasHeader, fixture.App.KasToken());
        }
        else if (token is not null)
        {
            request.Headers.Add(RequestAuthenticator.KasHeader, token);
        }

        using var response = await fixture.App.Client.SendAsync(request);
        return (response.StatusCode, await response.Content.ReadAsStringAsync());
    }

    private static StringContent Json(string json) => new(json, Encoding.UTF8, "application/json");

    /// <summary>Receives and deletes everything queued (tests of this collection run one at a time).</summary>
    private async Task<List<UsageMetricsMessage>> DrainAsync()
    {
        var queue = fixture.App.Services.GetRequiredService<QueueServiceClient>().GetQueueClient(UsageMetrics.QueueName);
        var list = new List<UsageMetricsMessage>();
        while ((await queue.ReceiveMessagesAsync(32, TimeSpan.FromMinutes(5))).Value is { Length: > 0 } batch)
        {
            foreach (var m in batch)
            {
                list.Add(JsonSerializer.Deserialize(m.Body!.ToString(), KubernetesJsonContext.Default.UsageMetricsMessage)!);
                await queue.DeleteMessageAsync(m.MessageId, m.PopReceipt!);
            }
        }

        return list;
    }

    [Fact]
    public async Task Valid_Metrics_Answer_204_And_Enqueue_One_Message()
    {
        await DrainAsync();
        var (status, body) = await PostAsync(Json("""{"counters":{"gitops_sync":1,"k8s_api_proxy_request":"5","flux_git_push_notifications_total":0,"made_up":7},"unique_counters":{"agent_users_using_ci_tunnel":[1,2,2],"flux_git_push_notified_unique_projects":[],"made_up":[1]}}"""));
        Assert.Equal((HttpStatusCode.NoContent, ""), (status, body));
        var message = Assert.Single(await DrainAsync());
        Assert.Equal(new Dictionary<string, long> { ["gitops_sync"] = 1, ["k8s_api_proxy_request"] = 5 }, message.Counters);
        Assert.Equal(["agent_users_using_ci_tunnel"], message.UniqueCounters.Keys);
        Assert.Equal([1L, 2, 2], message.UniqueCounters["agent_users_using_ci_tunnel"]);
    }

    [Theory]
    [InlineData("{}")]
    [InlineData("""{"counters":{"gitops_sync":0},"unique_counters":{"agent_users_using_ci_tunnel":[]}}""")]
    [InlineData("""{"gitops_sync_count":1,"k8s_api_proxy_request_count":2}""")]
    public async Task Empty_Or_Unknown_Metrics_Are_A_No_Op(string json)
    {
        await DrainAsync();
        Assert.Equal(HttpStatusCode.NoContent, (await PostAsync(Json(json))).Status);
        Assert.Empty(await DrainAsync());
    }

    [Theory]
    [InlineData("""{"counters":{"k8s_api_proxy_request":"many"}}""", """{"error":"counters[k8s_api_proxy_request] is invalid"}""")]
    [InlineData("""{"counters":{"gitops_sync":1.5}}""", """{"error":"counters[gitops_sync] is invalid"}""")]
    [InlineData("""{"unique_counters":{"k8s_api_proxy_requests_unique_users_via_ci_access":5}}""", """{"error":"unique_counters[k8s_api_proxy_requests_unique_users_via_ci_access] is invalid"}""")]
    [InlineData("""{"unique_counters":{"agent_users_using_ci_tunnel":[1,"x"]}}""", """{"error":"unique_counters[agent_users_using_ci_tunnel] is invalid"}""")]
    [InlineData("""{"counters":[1]}""", """{"error":"counters is invalid"}""")]
    [InlineData("""{"counters":{"gitops_sync":"x","k8s_api_proxy_request":"y"}}""", """{"error":"counters[gitops_sync] is invalid, counters[k8s_api_proxy_request] is invalid"}""")]
    [InlineData("""{"counters":{"gitops_sync":3,"k8s_api_proxy_request":-1}}""", """{"message":"400 Bad request - k8s_api_proxy_request count must be greater than or equal to zero"}""")]
    public async Task Invalid_Metrics_Are_400_And_Nothing_Is_Counted(string json, string expected)
    {
        await DrainAsync();
        Assert.Equal((HttpStatusCode.BadRequest, expected), await PostAsync(Json(json)));
        Assert.Empty(await DrainAsync());
    }

    [Fact]
    public async Task Form_Bodies_Work_Too()
    {
        await DrainAsync();
        var form = new FormUrlEncodedContent(
        [
            new("counters[gitops_sync]", "2"), new("unique_counters[agent_users_using_ci_tunnel][]", "7"), new("unique_counters[agent_users_using_ci_tunnel][]", "8"),
        ]);
        Assert.Equal(HttpStatusCode.NoContent, (await PostAsync(form)).Status);
        var message = Assert.Single(await DrainAsync());
        Assert.Equal(2, message.Counters["gitops_sync"]);
        Assert.Equal([7L, 8], message.UniqueCounters["agent_users_using_ci_tunnel"]);
    }

    [Fact]
    public async Task Huge_Id_Lists_Are_Spread_Over_Several_Messages()
    {
        await DrainAsync();
        var ids = string.Join(',', Enumerable.Range(1, 9000));
        Assert.Equal(HttpStatusCode.NoContent, (await PostAsync(Json("{\"counters\":{\"gitops_sync\":1},\"unique_counters\":{\"agent_users_using_ci_tunnel\":[" + ids + "]}}"))).Status);
        var messages = await DrainAsync();
        Assert.True(messages.Count > 1);
        Assert.Equal(1, messages.Sum(m => m.Counters.GetValueOrDefault("gitops_sync")));
        Assert.Equal(1, messages[^1].Counters["gitops_sync"]); // counters last: a retried partial send never re-queues them
        Assert.Equal(9000, messages.SelectMany(m => m.UniqueCounters.GetValueOrDefault("agent_users_using_ci_tunnel") ?? []).Distinct().Count());
    }

    [Fact]
    public async Task Without_A_Kas_Jwt_The_Answer_Is_401()
    {
        var expected = (HttpStatusCode.Unauthorized, """{"message":"KAS JWT authentication invalid"}""");
        Assert.Equal(expected, await PostAsync(Json("{}"), token: null));
        Assert.Equal(expected, await PostAsync(Json("{}"), token: fixture.App.ShellToken()));
        Assert.Equal(expected, await PostAsync(Json("{not json"), token: "garbage"));
    }
}
