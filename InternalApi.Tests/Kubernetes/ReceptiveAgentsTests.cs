using System.Text.Json.Nodes;
using InternalApi.Core.Kubernetes;
using InternalApi.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace InternalApi.Tests.Kubernetes;

/// <summary><c>receptive_agents</c> on the licensed app: the active URL configurations.</summary>
[Collection(KasGrantsCollection.Name)]
public sealed class ReceptiveAgentsTests(KasGrantsFixture fixture)
{
    private const string Route = "/api/v4/internal/kubernetes/receptive_agents";

    [Fact]
    public async Task Active_Url_Configurations_Are_Listed_With_A_Jwt_Key_Or_A_Client_Certificate()
    {
        var store = fixture.App.Services.GetRequiredService<ReceptiveAgentStore>();
        var (jwtAgent, mtlsAgent, inactive) = (TestIds.Next(), TestIds.Next(), TestIds.Next());
        var key = Enumerable.Range(0, 64).Select(i => (byte)i).ToArray();
        await store.UpsertAsync(new ReceptiveAgent(jwtAgent, "grpcs://agent.example:8443", "-----BEGIN CERTIFICATE-----\nCA\n-----END CERTIFICATE-----", "agent.example", key, null, null));
        await store.UpsertAsync(new ReceptiveAgent(mtlsAgent, "grpc://10.0.0.5:8080", null, null, null, "CLIENT KEY", "CLIENT CERT"));
        await store.UpsertAsync(new ReceptiveAgent(inactive, "grpc://10.0.0.6:8080", null, null, key, null, null, Active: false));

        var (status, body) = await fixture.SendAsync(HttpMethod.Get, Route, null);
        Assert.Equal(200, status);
        var agents = JsonNode.Parse(body)!["agents"]!.AsArray();
        var byId = agents.ToDictionary(a => a!["id"]!.GetValue<long>(), a => a!.ToJsonString());
        Assert.False(byId.ContainsKey(inactive));

        // Ruby's Base64.encode64: 60-character lines, each ending in a newline.
        var plain = Convert.ToBase64String(key);
        var encoded = plain[..60] + "\n" + plain[60..] + "\n";
        Assert.Equal(
            new JsonObject
            {
                ["id"] = jwtAgent, ["url"] = "grpcs://agent.example:8443", ["ca_cert"] = "-----BEGIN CERTIFICATE-----\nCA\n-----END CERTIFICATE-----",
                ["tls_host"] = "agent.example", ["jwt"] = new JsonObject { ["private_key"] = encoded }, ["mtls"] = null,
            }.ToJsonString(),
            JsonNode.Parse(byId[jwtAgent])!.ToJsonString());
        Assert.Equal(
            new JsonObject
            {
                ["id"] = mtlsAgent, ["url"] = "grpc://10.0.0.5:8080", ["ca_cert"] = null, ["tls_host"] = null, ["jwt"] = null,
                ["mtls"] = new JsonObject { ["client_key"] = "CLIENT KEY", ["client_cert"] = "CLIENT CERT" },
            }.ToJsonString(),
            JsonNode.Parse(byId[mtlsAgent])!.ToJsonString());
    }

    [Fact]
    public async Task Without_The_Kas_Jwt_It_Is_401()
    {
        Assert.Equal((401, """{"message":"KAS JWT authentication invalid"}"""), await fixture.SendAsync(HttpMethod.Get, Route, null, KasJwt.None));
    }
}

/// <summary><c>receptive_agents</c> without the license: 404, as CE answers.</summary>
[Collection(KasCollection.Name)]
public sealed class UnlicensedReceptiveAgentsTests(KasFixture fixture)
{
    [Fact]
    public async Task It_Is_404()
    {
        Assert.Equal((404, """{"message":"404 Not Found"}"""), await fixture.SendAsync(HttpMethod.Get, "/api/v4/internal/kubernetes/receptive_agents", null));
    }
}
