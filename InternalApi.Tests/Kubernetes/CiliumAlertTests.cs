using System.Text.Json.Nodes;
using InternalApi.Core.Kubernetes;
using InternalApi.Core.Model;
using InternalApi.Functions.Functions.Kubernetes;
using InternalApi.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace InternalApi.Tests.Kubernetes;

/// <summary>Spec §4.9 (legacy): <c>POST /internal/kubernetes/modules/cilium_alert</c>.</summary>
[Collection(KasCollection.Name)]
public sealed class CiliumAlertTests(KasFixture fixture)
{
    private const string Path = "/api/v4/internal/kubernetes/modules/cilium_alert";

    private NetworkAlertStore Alerts => fixture.App.Services.GetRequiredService<NetworkAlertStore>();

    /// <summary>A Hubble flow drop as the older KAS forwards it.</summary>
    private static JsonObject Alert(string verdict = "DROPPED", string time = "2021-02-02T12:00:00Z", string source = "10.0.0.1") => new()
    {
        ["alert"] = new JsonObject
        {
            ["flow"] = new JsonObject
            {
                ["time"] = time,
                ["verdict"] = verdict,
                ["dropReasonDesc"] = "POLICY_DENIED",
                ["IP"] = new JsonObject { ["source"] = source, ["destination"] = "10.0.0.2" },
                ["l4"] = new JsonObject { ["TCP"] = new JsonObject { ["source_port"] = 5432, ["destination_port"] = 80, ["flags"] = new JsonObject { ["SYN"] = true } } },
                ["Summary"] = "TCP Flags: SYN",
            },
            ["ciliumNetworkPolicy"] = new JsonObject { ["kind"] = "CiliumNetworkPolicy", ["metadata"] = new JsonObject { ["name"] = "deny-all", ["namespace"] = "default" } },
            ["severity"] = "High",
            ["hosts"] = new JsonArray("node-1"),
        },
    };

    private Task<(int Status, string Body)> PostAsync(SeededAgent agent, string json) =>
        fixture.SendAsync(HttpMethod.Post, Path, agent.Token, content: KasFixture.Json(json));

    [Fact]
    public async Task An_Alert_Is_Stored_On_The_Agents_Project()
    {
        var agent = await fixture.AgentAsync();
        Assert.Equal((200, "200"), await PostAsync(agent, Alert().ToJsonString()));
        var alert = Assert.Single(await Alerts.ListAsync(agent.Project.Id));
        Assert.Equal((1L, "deny-all", "DROPPED", "high", "triggered", "Cilium", 1L), (alert.Iid, alert.Title, alert.Description, alert.Severity, alert.Status, alert.MonitoringTool, alert.Events));
        Assert.Equal(["node-1"], alert.Hosts);
    }

    [Fact]
    public async Task Repeats_Of_A_Flow_Count_Events_On_One_Alert_And_Other_Flows_Open_New_Ones()
    {
        var agent = await fixture.AgentAsync();
        Assert.Equal(200, (await PostAsync(agent, Alert().ToJsonString())).Status);

        // Another time, other TCP flags and summary: the same flow.
        var repeat = Alert(time: "2021-02-02T12:05:00Z");
        repeat["alert"]!["flow"]!["l4"]!["TCP"]!["flags"] = new JsonObject { ["ACK"] = true };
        repeat["alert"]!["flow"]!["Summary"] = "TCP Flags: ACK";
        Assert.Equal(200, (await PostAsync(agent, repeat.ToJsonString())).Status);
        Assert.Equal(200, (await PostAsync(agent, Alert(source: "10.9.9.9").ToJsonString())).Status);

        var alerts = await Alerts.ListAsync(agent.Project.Id);
        Assert.Equal([(1L, 2L), (2L, 1L)], alerts.Select(a => (a.Iid, a.Events)));
    }

    [Fact]
    public async Task Concurrent_Reports_Of_One_Flow_Make_One_Alert()
    {
        var agent = await fixture.AgentAsync();
        var answers = await Task.WhenAll(Enumerable.Range(0, 10).Select(_ => PostAsync(agent, Alert().ToJsonString())));
        Assert.All(answers, a => Assert.Equal(200, a.Status));
        var alert = Assert.Single(await Alerts.ListAsync(agent.Project.Id));
        Assert.Equal(10, alert.Events);
    }

    [Fact]
    public async Task A_Generic_Alert_Without_A_Flow_Uses_Its_Own_Fields()
    {
        var agent = await fixture.AgentAsync();
        Assert.Equal(200, (await PostAsync(agent, """{"alert":{"title":"Too many drops","description":"d","severity":"weird","fingerprint":"f-1","start_time":"2021-01-01T00:00:00Z","hosts":"node-2"}}""")).Status);
        Assert.Equal(200, (await PostAsync(agent, """{"alert":{"title":"Again","fingerprint":"f-1"}}""")).Status);
        Assert.Equal(200, (await PostAsync(agent, """{"alert":{}}""")).Status);
        var alerts = await Alerts.ListAsync(agent.Project.Id);
        Assert.Equal(2, alerts.Count);
        Assert.Equal(("Too many drops", "critical", 2L, new DateTimeOffset(2021, 1, 1, 0, 0, 0, TimeSpan.Zero)), (alerts[0].Title, alerts[0].Severity, alerts[0].Events, alerts[0].StartedAt));
        Assert.Equal(["node-2"], alerts[0].Hosts);
        Assert.Equal(CiliumAlertService.DefaultTitle, alerts[1].Title);
    }

    [Theory]
    [InlineData("{}", """{"error":"alert is missing"}""")]
    [InlineData("""{"alert":null}""", """{"error":"alert is missing"}""")]
    [InlineData("""{"alert":[1]}""", """{"error":"alert is invalid"}""")]
    // The older doc's example: the alert double-encoded as a JSON string (errata 13).
    [InlineData("""{"alert":"{\"flow\":{\"verdict\":\"DROPPED\"}}"}""", """{"error":"alert is invalid"}""")]
    public async Task A_Missing_Or_Malformed_Alert_Is_400(string json, string expected)
    {
        var agent = await fixture.AgentAsync();
        Assert.Equal((400, expected), await PostAsync(agent, json));
        Assert.Empty(await Alerts.ListAsync(agent.Project.Id));
    }

    [Fact]
    public async Task An_Oversized_Alert_Is_400()
    {
        var agent = await fixture.AgentAsync();
        var json = new JsonObject { ["alert"] = new JsonObject { ["title"] = new string('t', CiliumAlertService.MaxPayloadLength) } }.ToJsonString();
        Assert.Equal((400, """{"message":"400 Bad request"}"""), await PostAsync(agent, json));
        Assert.Empty(await Alerts.ListAsync(agent.Project.Id));
    }

    [Fact]
    public async Task Gone_Projects_Are_404_And_Unlicensed_Instances_403()
    {
        var gone = await fixture.AgentAsync(new Project { Id = TestIds.Next(), Name = "gone", NamespaceId = 1, FullPath = "gone/gone" });
        Assert.Equal((404, """{"message":"404 Not Found"}"""), await PostAsync(gone, Alert().ToJsonString()));

        var agent = await fixture.AgentAsync();
        var unlicensed = new CiliumAlertService(fixture.Stores.Projects, Alerts, Options.Create(new KubernetesOptions { CiliumAlertsLicensed = false }), TimeProvider.System);
        var result = await unlicensed.RaiseAsync(agent.Agent, CiliumAlertPayload.Read((JsonObject)Alert()["alert"]!));
        Assert.Equal(KasRefusal.Forbidden, result.Refusal);
        Assert.Empty(await Alerts.ListAsync(agent.Project.Id));
    }

    [Fact]
    public async Task Kas_Jwt_Then_Agent_Token()
    {
        var agent = await fixture.AgentAsync();
        Assert.Equal((401, """{"message":"KAS JWT authentication invalid"}"""), await fixture.SendAsync(HttpMethod.Post, Path, agent.Token, KasJwt.WrongKey, KasFixture.Json(Alert().ToJsonString())));
        Assert.Equal((401, """{"message":"401 Unauthorized"}"""), await fixture.SendAsync(HttpMethod.Post, Path, "glagent-x", content: KasFixture.Json(Alert().ToJsonString())));
        Assert.Empty(await Alerts.ListAsync(agent.Project.Id));
    }

    [Fact]
    public void The_Flow_Fingerprint_Ignores_Time_Summary_And_Tcp_Flags_And_Key_Order()
    {
        var a = JsonNode.Parse("""{"flow":{"time":"1","Summary":"x","verdict":"DROPPED","l4":{"TCP":{"flags":{"SYN":true},"destination_port":80}},"IP":{"source":"a","destination":"b"}}}""")!.AsObject();
        var b = JsonNode.Parse("""{"flow":{"IP":{"destination":"b","source":"a"},"l4":{"TCP":{"destination_port":80}},"verdict":"DROPPED","time":"2"}}""")!.AsObject();
        var c = JsonNode.Parse("""{"flow":{"IP":{"destination":"b","source":"c"},"l4":{"TCP":{"destination_port":80}},"verdict":"DROPPED"}}""")!.AsObject();
        Assert.Equal(CiliumAlertPayload.Fingerprint(a), CiliumAlertPayload.Fingerprint(b));
        Assert.NotEqual(CiliumAlertPayload.Fingerprint(a), CiliumAlertPayload.Fingerprint(c));
        Assert.Matches("^[0-9a-f]{40}$", CiliumAlertPayload.Fingerprint(a));
    }
}
