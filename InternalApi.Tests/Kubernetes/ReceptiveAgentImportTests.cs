using InternalApi.Core.Kubernetes;
using InternalApi.Core.Storage;
using InternalApi.Tests.Import;
using InternalApi.Tests.Infrastructure;
using Microsoft.Extensions.Options;

namespace InternalApi.Tests.Kubernetes;

/// <summary>The <c>url_configuration</c> of an imported agent: what makes it a receptive agent.</summary>
[Collection("import")]
public sealed class ReceptiveAgentImportTests(ImportFixture fixture)
{
    private static string[] ProblemLines(string error) =>
        [.. error.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Skip(1).Order(StringComparer.Ordinal)];

    private ReceptiveAgentStore Store(string prefix) =>
        new(new AgentConfigTables(fixture.Tables, Options.Create(new StorageOptions { TablePrefix = prefix })));

    private static string File(long u, string agents) => $$"""
    {
      "groups": [ { "id": {{u}}, "path": "kasr{{u}}" } ],
      "projects": [ { "id": {{u}}, "namespace": "kasr{{u}}", "path": "config" } ],
      "agents": {{agents}}
    }
    """;

    [Fact]
    public async Task Url_Configurations_Are_Imported_With_Their_Keys()
    {
        var prefix = ImportFixture.NewPrefix();
        var u = TestIds.Next() * 10;
        var key = Convert.ToBase64String(Enumerable.Range(0, 64).Select(i => (byte)i).ToArray());
        var json = File(u, $$"""
            [ { "id": {{u}}, "name": "jwt-agent", "project_id": {{u}},
                "url_configuration": { "url": "grpcs://agent.example:8443", "ca_cert": "CA", "tls_host": "agent.example", "private_key": "{{key}}" } },
              { "id": {{u + 1}}, "name": "mtls-agent", "project_id": {{u}},
                "url_configuration": { "url": "grpc://10.0.0.5:8080", "client_key": "K", "client_cert": "C", "status": "inactive" } } ]
            """);
        var (code, _, error) = await fixture.ImportAsync(json, prefix);
        Assert.True(code == 0, error);

        var active = Assert.Single(await Store(prefix).ListActiveAsync());
        Assert.Equal((u, "grpcs://agent.example:8443", "CA", "agent.example", key, (string?)null), (active.AgentId, active.Url, active.CaCert, active.TlsHost, Convert.ToBase64String(active.PrivateKey!), active.ClientKey));
    }

    [Fact]
    public async Task Invalid_Url_Configurations_Are_Reported()
    {
        var prefix = ImportFixture.NewPrefix();
        var u = TestIds.Next() * 10;
        var json = File(u, $$"""
            [ { "id": {{u}}, "name": "a", "project_id": {{u}}, "url_configuration": { "url": "https://x", "private_key": "not base64!" } },
              { "id": {{u + 1}}, "name": "b", "project_id": {{u}}, "url_configuration": { "client_key": "K" } },
              { "id": {{u + 2}}, "name": "c", "project_id": {{u}}, "url_configuration": "grpc://x" } ]
            """);
        var (code, output, error) = await fixture.ImportAsync(json, prefix);
        Assert.Equal((1, ""), (code, output));
        Assert.Equal(
            [
                "$.agents[0].url_configuration.private_key: give either private_key or both client_key and client_cert",
                "$.agents[0].url_configuration.private_key: must be base64",
                "$.agents[0].url_configuration.url: must be a grpc:// or grpcs:// URL",
                "$.agents[1].url_configuration.private_key: give either private_key or both client_key and client_cert",
                "$.agents[1].url_configuration.url: is missing",
                "$.agents[2].url_configuration: must be an object",
            ],
            ProblemLines(error));
        Assert.Empty(await fixture.SnapshotAsync(prefix));
    }
}
