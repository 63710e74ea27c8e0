using System.Text.Json;
using Azure.Storage.Queues;
using InternalApi.Core.Kubernetes;
using InternalApi.Functions.Functions.Kubernetes;
using Microsoft.Extensions.DependencyInjection;

namespace InternalApi.Tests.Kubernetes;

/// <summary>
/// <c>agent_events</c>: validated, queued, and added to the usage metrics exactly once per queue message. In the
/// grants collection, whose tests run one at a time and send no other events, so the queue holds only these.
/// </summary>
[Collection(KasGrantsCollection.Name)]
public sealed class AgentEventsTests(KasGrantsFixture fixture)
{
    private const string Route = "/api/v4/internal/kubernetes/agent_events";

    private static int _dayOffset;

    private UsageMetricsReport Report => fixture.App.Services.GetRequiredService<UsageMetricsReport>();

    private static DateTimeOffset NewDay() => new DateTimeOffset(1990, 1, 1, 12, 0, 0, TimeSpan.Zero).AddDays(10 * Interlocked.Increment(ref _dayOffset));

    private static DateOnly D(DateTimeOffset at) => DateOnly.FromDateTime(at.UtcDateTime);

    /// <summary>Receives and deletes everything queued, with the queue's message ids.</summary>
    private async Task<List<(string Id, string Body)>> DrainAsync()
    {
        var queue = fixture.App.Services.GetRequiredService<QueueServiceClient>().GetQueueClient(AgentEvents.QueueName);
        var list = new List<(string, string)>();
        while ((await queue.ReceiveMessagesAsync(32, TimeSpan.FromMinutes(5))).Value is { Length: > 0 } batch)
        {
            foreach (var m in batch)
            {
                list.Add((m.MessageId, m.Body.ToString()));
                await queue.DeleteMessageAsync(m.MessageId, m.PopReceipt);
            }
        }

        return list;
    }

    [Fact]
    public async Task Valid_Events_Answer_204_Queue_One_Message_And_Count_Once_However_Often_It_Is_Delivered()
    {
        await DrainAsync();
        var body = """
            {"events":{
              "k8s_api_proxy_requests_unique_users_via_ci_access":[{"user_id":1,"project_id":10},{"user_id":2,"project_id":10},{"user_id":1,"project_id":11}],
              "k8s_api_proxy_requests_unique_users_via_user_access":[{"user_id":3,"project_id":10}],
              "k8s_api_proxy_requests_unique_users_via_pat_access":[],
              "register_agent_at_kas":[
                {"project_id":10,"agent_version":"v17.1.0","architecture":"arm64"},
                {"project_id":11,"agent_version":"v18.0.0","architecture":"amd64","agent_id":12,"kubernetes_version":"1.33",
                 "extra_telemetry_data":{"installation_method":"helm-chart","helm_chart_version":"1.0.0"}}]}}
            """;
        Assert.Equal((204, ""), await fixture.KasPostAsync(Route, body));
        var (id, text) = Assert.Single(await DrainAsync());
        var message = JsonSerializer.Deserialize(text, KubernetesJsonContext.Default.AgentEventsMessage)!;
        Assert.Equal(["k8s_api_proxy_requests_unique_users_via_ci_access", "k8s_api_proxy_requests_unique_users_via_user_access"], message.UserEvents.Keys.Order(StringComparer.Ordinal));
        Assert.Equal(new AgentRegistration(11, 12, "v18.0.0", "amd64", "1.33", "helm-chart", "1.0.0"), message.Registrations[1]);

        // Delivered twice (a redelivery after a lost acknowledgement): counted once.
        var day = D(message.ReceivedAt);
        await fixture.App.InvokeQueueFunctionAsync(nameof(AgentEvents), BinaryData.FromString(text), id);
        await fixture.App.InvokeQueueFunctionAsync(nameof(AgentEvents), BinaryData.FromString(text), id);
        Assert.Equal(2, await Report.DistinctAsync("k8s_api_proxy_requests_unique_users_via_ci_access", day, day));
        Assert.Equal(1, await Report.DistinctAsync("k8s_api_proxy_requests_unique_users_via_user_access", day, day));
        Assert.Equal(3, await Report.DistinctAsync(AgentEventNames.AllTunnelUsers, day, day));
        Assert.Equal(2, await Report.TotalAsync(AgentEventNames.RegistrationsCounter, day, day));
        Assert.Equal(1, await Report.DistinctAsync(AgentEventNames.RegisteredAgents, day, day));
    }

    [Fact]
    public async Task Different_Messages_Add_Up_And_Appear_In_The_Report()
    {
        var at = NewDay();
        var message = new AgentEventsMessage { ReceivedAt = at, Registrations = [new AgentRegistration(1, 5, "v18.1.0", "amd64", null, null, null)] };
        var text = JsonSerializer.Serialize(message, KubernetesJsonContext.Default.AgentEventsMessage);
        await fixture.App.InvokeQueueFunctionAsync(nameof(AgentEvents), BinaryData.FromString(text), "one");
        await fixture.App.InvokeQueueFunctionAsync(nameof(AgentEvents), BinaryData.FromString(text), "two");
        await fixture.App.InvokeQueueFunctionAsync(nameof(AgentEvents), BinaryData.FromString(text), "one");
        Assert.Equal(2, await Report.TotalAsync(AgentEventNames.RegistrationsCounter, D(at), D(at)));
        Assert.Contains(await Report.GetAsync(D(at), D(at)), f => f is { Event: AgentEventNames.RegistrationsCounter, Unique: false, Value: 2 });
    }

    [Theory]
    [InlineData("{}")]
    [InlineData("""{"events":{}}""")]
    [InlineData("""{"events":{"k8s_api_proxy_requests_unique_users_via_ci_access":[],"register_agent_at_kas":[]}}""")]
    public async Task Empty_Events_Are_204_And_Queue_Nothing(string body)
    {
        await DrainAsync();
        Assert.Equal((204, ""), await fixture.KasPostAsync(Route, body));
        Assert.Empty(await DrainAsync());
    }

    [Theory]
    [InlineData("""{"events":[]}""", "events is invalid")]
    [InlineData("""{"events":{"k8s_api_proxy_requests_unique_users_via_ci_access":[{"user_id":"string","project_id":111}]}}""", "events[k8s_api_proxy_requests_unique_users_via_ci_access][0][user_id] is invalid")]
    [InlineData("""{"events":{"k8s_api_proxy_requests_unique_users_via_pat_access":{"user_id":1}}}""", "events[k8s_api_proxy_requests_unique_users_via_pat_access] is invalid")]
    [InlineData("""{"events":{"register_agent_at_kas":[{"agent_version":["v1"]}]}}""", "events[register_agent_at_kas][0][agent_version] is invalid")]
    [InlineData("""{"events":{"register_agent_at_kas":[{"extra_telemetry_data":"helm"}]}}""", "events[register_agent_at_kas][0][extra_telemetry_data] is invalid")]
    public async Task Malformed_Events_Are_400_And_Queue_Nothing(string body, string error)
    {
        await DrainAsync();
        Assert.Equal((400, "{\"error\":\"" + error + "\"}"), await fixture.KasPostAsync(Route, body));
        Assert.Empty(await DrainAsync());
    }

    [Fact]
    public async Task Without_The_Kas_Jwt_It_Is_401()
    {
        Assert.Equal((401, """{"message":"KAS JWT authentication invalid"}"""), await fixture.KasPostAsync(Route, "{}", KasJwt.None));
        Assert.Equal((401, """{"message":"KAS JWT authentication invalid"}"""), await fixture.KasPostAsync(Route, "{}", KasJwt.WrongKey));
    }
}
