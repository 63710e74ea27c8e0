using System.Globalization;
using InternalApi.Core.Kubernetes;
using InternalApi.Core.Model;
using Microsoft.Extensions.DependencyInjection;

namespace InternalApi.Tests.Kubernetes;

/// <summary>Spec §4.6: <c>POST /internal/kubernetes/modules/starboard_vulnerability/scan_result</c>.</summary>
[Collection(KasCollection.Name)]
public sealed class StarboardScanResultTests(KasFixture fixture)
{
    private const string Path = "/api/v4/internal/kubernetes/modules/starboard_vulnerability/scan_result";

    private StarboardStore Findings => fixture.App.Services.GetRequiredService<StarboardStore>();

    private Task<(int Status, string Body)> ScanResultAsync(SeededAgent agent, string json) =>
        fixture.SendAsync(HttpMethod.Post, Path, agent.Token, content: KasFixture.Json(json));

    private async Task<string> PutAsync(SeededAgent agent, string identifier)
    {
        var (status, body) = await fixture.SendAsync(HttpMethod.Put, "/api/v4/internal/kubernetes/modules/starboard_vulnerability", agent.Token,
            content: KasFixture.Json(StarboardVulnerabilityTests.Body(agent.Agent.Id, identifier).ToJsonString()));
        Assert.True(status == 200, body);
        return KasFixture.Parse(body).GetProperty("uuid").GetString()!;
    }

    private async Task<Dictionary<string, VulnerabilityState>> StatesAsync(long projectId) =>
        (await Findings.ListAsync(projectId)).ToDictionary(f => f.Uuid, f => f.State, StringComparer.Ordinal);

    [Fact]
    public async Task Findings_Not_Listed_Are_Resolved_And_Listed_Ones_Stay_Detected()
    {
        var agent = await fixture.SecurityAgentAsync();
        var (a, b, c) = (await PutAsync(agent, "CVE-1"), await PutAsync(agent, "CVE-2"), await PutAsync(agent, "CVE-3"));

        // GitLab's body is the status value itself.
        Assert.Equal((200, "200"), await ScanResultAsync(agent, $$"""{"uuids":["{{a}}","{{c.ToUpperInvariant()}}"]}"""));
        Assert.Equal(new Dictionary<string, VulnerabilityState> { [a] = VulnerabilityState.Detected, [b] = VulnerabilityState.Resolved, [c] = VulnerabilityState.Detected }, await StatesAsync(agent.Project.Id));
        var resolved = (await Findings.GetAsync(agent.Project.Id, b))!.Finding;
        Assert.True(resolved.ResolvedOnDefaultBranch);
        Assert.NotNull(resolved.ResolvedAt);

        // Repeating it changes nothing; an empty list resolves the rest.
        Assert.Equal((200, "200"), await ScanResultAsync(agent, $$"""{"uuids":["{{a}}","{{c}}"]}"""));
        Assert.Equal((200, "200"), await ScanResultAsync(agent, """{"uuids":[]}"""));
        Assert.All((await StatesAsync(agent.Project.Id)).Values, s => Assert.Equal(VulnerabilityState.Resolved, s));
    }

    [Fact]
    public async Task Other_Agents_And_Other_Projects_Are_Untouched()
    {
        var mine = await fixture.SecurityAgentAsync();
        var neighbour = await fixture.AgentAsync(mine.Project, mine.Agent.CreatedById);
        var elsewhere = await fixture.SecurityAgentAsync();
        var mineUuid = await PutAsync(mine, "CVE-10");
        var neighbourUuid = await PutAsync(neighbour, "CVE-10");
        var elsewhereUuid = await PutAsync(elsewhere, "CVE-10");
        Assert.Equal(3, new[] { mineUuid, neighbourUuid, elsewhereUuid }.Distinct(StringComparer.Ordinal).Count());

        Assert.Equal(200, (await ScanResultAsync(mine, """{"uuids":[]}""")).Status);
        Assert.Equal(VulnerabilityState.Resolved, (await StatesAsync(mine.Project.Id))[mineUuid]);
        Assert.Equal(VulnerabilityState.Detected, (await StatesAsync(mine.Project.Id))[neighbourUuid]);
        Assert.Equal(VulnerabilityState.Detected, (await StatesAsync(elsewhere.Project.Id))[elsewhereUuid]);
    }

    [Fact]
    public async Task Thousands_Of_Findings_Are_Resolved_Page_By_Page_In_Batches()
    {
        var agent = await fixture.SecurityAgentAsync();
        var service = fixture.App.Services.GetRequiredService<StarboardVulnerabilityService>();
        var now = DateTimeOffset.UtcNow;
        var findings = Enumerable.Range(0, 2_600)
            .Select(i => service.Finding(agent.Agent.Id, agent.Project.Id, Report(agent, "CVE-2024-" + i.ToString(CultureInfo.InvariantCulture))) with { DetectedAt = now, UpdatedAt = now })
            .ToList();
        var uuids = findings.Select(f => f.Uuid).ToList();
        foreach (var chunk in findings.Chunk(50))
        {
            await Task.WhenAll(chunk.Select(f => Findings.UpsertAsync(f)));
        }

        Assert.Equal(2_600, uuids.Distinct(StringComparer.Ordinal).Count());
        var keep = uuids.Take(600).ToList();
        var json = "{\"uuids\":[" + string.Join(",", keep.Select(u => $"\"{u}\"")) + "]}";
        Assert.Equal((200, "200"), await ScanResultAsync(agent, json));

        var states = await StatesAsync(agent.Project.Id);
        Assert.Equal(2_600, states.Count);
        Assert.Equal(600, states.Count(s => s.Value == VulnerabilityState.Detected));
        Assert.All(keep, u => Assert.Equal(VulnerabilityState.Detected, states[u]));
        Assert.Equal(2_000, states.Count(s => s.Value == VulnerabilityState.Resolved));
    }

    [Theory]
    [InlineData("{}", """{"error":"uuids is missing"}""")]
    [InlineData("""{"uuids":null}""", """{"error":"uuids is missing"}""")]
    [InlineData("""{"uuids":-1}""", """{"error":"uuids is invalid"}""")]
    [InlineData("""{"uuids":"8f9ba3f3-453e-5844-b9d8-8083490c4972"}""", """{"error":"uuids is invalid"}""")]
    [InlineData("""{"uuids":[{"a":1}]}""", """{"error":"uuids is invalid"}""")]
    [InlineData("""{"uuids":["not-a-uuid"]}""", """{"error":"uuids is invalid"}""")]
    [InlineData("""{"uuids":[null]}""", """{"error":"uuids is invalid"}""")]
    public async Task Bad_Uuids_Are_400_And_Resolve_Nothing(string json, string expected)
    {
        var agent = await fixture.SecurityAgentAsync();
        var uuid = await PutAsync(agent, "CVE-20");
        Assert.Equal((400, expected), await ScanResultAsync(agent, json));
        Assert.Equal(VulnerabilityState.Detected, (await StatesAsync(agent.Project.Id))[uuid]);
    }

    [Fact]
    public async Task Form_Bodies_Work()
    {
        var agent = await fixture.SecurityAgentAsync();
        var (kept, gone) = (await PutAsync(agent, "CVE-30"), await PutAsync(agent, "CVE-31"));
        var (status, _) = await fixture.SendAsync(HttpMethod.Post, Path, agent.Token, content: new FormUrlEncodedContent([new("uuids[]", kept)]));
        Assert.Equal(200, status);
        Assert.Equal((VulnerabilityState.Detected, VulnerabilityState.Resolved), ((await StatesAsync(agent.Project.Id))[kept], (await StatesAsync(agent.Project.Id))[gone]));
    }

    [Fact]
    public async Task Without_Permission_It_Is_403_And_Nothing_Is_Resolved()
    {
        var maintainer = await fixture.SecurityAgentAsync();
        var uuid = await PutAsync(maintainer, "CVE-40");
        var developer = await fixture.UserAsync();
        await fixture.Stores.Members.UpsertMembershipAsync(new Membership(MemberSource.Project, maintainer.Project.Id, developer.Id, AccessLevel.Developer));
        var weak = await fixture.Agents.GetAgentAsync(maintainer.Agent.Id);
        await fixture.Agents.UpsertAgentAsync(weak! with { CreatedById = developer.Id });

        Assert.Equal((403, """{"message":"403 Forbidden"}"""), await ScanResultAsync(maintainer, """{"uuids":[]}"""));
        Assert.Equal(VulnerabilityState.Detected, (await StatesAsync(maintainer.Project.Id))[uuid]);
    }

    [Fact]
    public async Task Auth_Comes_First()
    {
        var agent = await fixture.SecurityAgentAsync();
        Assert.Equal((401, """{"message":"KAS JWT authentication invalid"}"""), await fixture.SendAsync(HttpMethod.Post, Path, agent.Token, KasJwt.None, KasFixture.Json("{}")));
        Assert.Equal((401, """{"message":"401 Unauthorized"}"""), await fixture.SendAsync(HttpMethod.Post, Path, "glagent-nope", content: KasFixture.Json("{}")));
    }

    private static StarboardReport Report(SeededAgent agent, string identifier) => new()
    {
        Name = identifier,
        Severity = "low",
        Location = new ReportedLocation("nginx:1", "bash", "default", "Deployment", "web", "nginx", agent.Agent.Id.ToString(CultureInfo.InvariantCulture), null),
        LocationJson = "{}",
        Identifiers = [new ReportedIdentifier("cve", identifier, identifier, null)],
        ScannerId = "starboard_trivy",
        ScannerName = "Trivy",
        ScannerVendor = "GitLab",
    };
}
