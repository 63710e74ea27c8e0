using InternalApi.Core.Data;
using InternalApi.Core.Kubernetes;
using InternalApi.Core.Model;
using InternalApi.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace InternalApi.Tests.Kubernetes;

/// <summary>Spec §4.7–4.8: <c>scan_execution_policies</c> and <c>policies_configuration</c>.</summary>
[Collection(KasCollection.Name)]
public sealed class SecurityPolicyTests(KasFixture fixture)
{
    private const string PoliciesPath = "/api/v4/internal/kubernetes/modules/starboard_vulnerability/scan_execution_policies";
    private const string ConfigurationPath = "/api/v4/internal/kubernetes/modules/starboard_vulnerability/policies_configuration";
    private static readonly DateTimeOffset Updated = new(2023, 9, 14, 8, 12, 3, 456, TimeSpan.Zero);

    private SecurityPolicyStore Policies => fixture.App.Services.GetRequiredService<SecurityPolicyStore>();

    private static PolicyRule Schedule(string cadence, string agent, params string[] namespaces) => new() { Type = "schedule", Cadence = cadence, Agents = [new PolicyAgentTarget(agent, namespaces)] };

    private static ScanExecutionPolicy Policy(string name, IReadOnlyList<PolicyRule> rules, bool enabled = true, string scan = "container_scanning") => new()
    {
        Name = name,
        Description = name + " description",
        Enabled = enabled,
        Actions = [new PolicyAction(scan)],
        Rules = rules,
    };

    private async Task<SeededAgent> AgentWithPoliciesAsync(Func<string, IReadOnlyList<ScanExecutionPolicy>> policies)
    {
        var agent = await fixture.AgentAsync();
        await Policies.UpsertAsync(new SecurityPolicyConfiguration { ProjectId = agent.Project.Id, UpdatedAt = Updated, ScanExecutionPolicies = policies(agent.Agent.Name) });
        return agent;
    }

    [Fact]
    public async Task Policies_Configuration_Answers_One_Entry_Per_Schedule_Rule_Naming_The_Agent()
    {
        var agent = await AgentWithPoliciesAsync(name =>
        [
            Policy("nightly", [Schedule("0 4 * * *", name, "payments", "web"), Schedule("0 12 * * 0", name), Schedule("0 1 * * *", "other-agent", "x")]),
            Policy("disabled", [Schedule("0 5 * * *", name, "a")], enabled: false),
            Policy("not a cluster scan", [Schedule("0 6 * * *", name, "b")], scan: "sast"),
            Policy("pipeline", [new PolicyRule { Type = "pipeline", Branches = ["main"] }]),
            Policy("cluster image scanning", [Schedule("*/30 * * * *", name, "c")], scan: "cluster_image_scanning"),
        ]);

        Assert.Equal((200, """{"configurations":[{"cadence":"0 4 * * *","namespaces":["payments","web"],"updated_at":"2023-09-14T08:12:03+00:00"},{"cadence":"0 12 * * 0","namespaces":[],"updated_at":"2023-09-14T08:12:03+00:00"},{"cadence":"*/30 * * * *","namespaces":["c"],"updated_at":"2023-09-14T08:12:03+00:00"}]}"""),
            await fixture.GetAsync(ConfigurationPath, agent.Token));
    }

    [Fact]
    public async Task Scan_Execution_Policies_Answers_The_Policies_Naming_The_Agent_With_Their_Yaml()
    {
        var agent = await AgentWithPoliciesAsync(name =>
        [
            Policy("Nightly cluster scan", [Schedule("0 4 * * *", name, "default")]),
            Policy("Paused", [Schedule("0 5 * * *", name)], enabled: false),
            Policy("Somebody else's", [Schedule("0 6 * * *", "other-agent")]),
            Policy("Pipelines", [new PolicyRule { Type = "pipeline", Branches = ["main"] }]),
        ]);

        var (status, body) = await fixture.GetAsync(PoliciesPath, agent.Token);
        Assert.Equal(200, status);
        var policies = KasFixture.Parse(body).GetProperty("policies");
        Assert.Equal(["Nightly cluster scan", "Paused"], policies.EnumerateArray().Select(p => p.GetProperty("name").GetString()));
        var first = policies[0];
        Assert.Equal(("Nightly cluster scan description", true, "2023-09-14T08:12:03+00:00"),
            (first.GetProperty("description").GetString(), first.GetProperty("enabled").GetBoolean(), first.GetProperty("updated_at").GetString()));
        Assert.Equal(
            $"---\nname: Nightly cluster scan\ndescription: Nightly cluster scan description\nenabled: true\nactions:\n- scan: container_scanning\nrules:\n- type: schedule\n  cadence: 0 4 * * *\n  agents:\n    {agent.Agent.Name}:\n      namespaces:\n      - default\n",
            first.GetProperty("yaml").GetString());
        Assert.False(policies[1].GetProperty("enabled").GetBoolean());
        Assert.Contains("    namespaces: []\n", policies[1].GetProperty("yaml").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Unconfirmed_Point_14_Every_Policy_Of_The_Project_When_Configured()
    {
        // Appendix B point 14: by default only policies naming the agent (the spec's reading); the switch answers
        // every policy of the project, as GitLab's policy finder and the doc's pipeline-rule example suggest.
        var agent = await AgentWithPoliciesAsync(name => [Policy("mine", [Schedule("0 4 * * *", name)]), Policy("pipelines", [new PolicyRule { Type = "pipeline", Branches = ["main"] }])]);
        var stores = StoreSet.Of(fixture.App.Services);
        var all = new SecurityPolicyService(stores.Projects, Policies, Options.Create(new KubernetesOptions { ScanExecutionPoliciesOfAllAgents = true }));
        var mine = new SecurityPolicyService(stores.Projects, Policies, Options.Create(new KubernetesOptions()));
        Assert.Equal(["mine", "pipelines"], (await all.ScanExecutionPoliciesAsync(agent.Agent)).Items.Select(p => p.Name));
        Assert.Equal(["mine"], (await mine.ScanExecutionPoliciesAsync(agent.Agent)).Items.Select(p => p.Name));
    }

    [Fact]
    public async Task Without_A_Configuration_Both_Answer_Empty_Lists()
    {
        var agent = await fixture.AgentAsync();
        Assert.Equal((200, """{"policies":[]}"""), await fixture.GetAsync(PoliciesPath, agent.Token));
        Assert.Equal((200, """{"configurations":[]}"""), await fixture.GetAsync(ConfigurationPath, agent.Token));
    }

    [Fact]
    public async Task An_Agent_Whose_Project_Is_Gone_Gets_404_And_An_Unlicensed_Instance_402()
    {
        var gone = await fixture.AgentAsync(new Project { Id = TestIds.Next(), Name = "gone", NamespaceId = 1, FullPath = "gone/gone" });
        Assert.Equal((404, """{"message":"404 Not Found"}"""), await fixture.GetAsync(PoliciesPath, gone.Token));
        Assert.Equal((404, """{"message":"404 Not Found"}"""), await fixture.GetAsync(ConfigurationPath, gone.Token));

        var agent = await AgentWithPoliciesAsync(name => [Policy("p", [Schedule("0 4 * * *", name)])]);
        var unlicensed = new SecurityPolicyService(fixture.App.Services.GetRequiredService<ProjectStore>(), Policies, Options.Create(new KubernetesOptions { SecurityOrchestrationPoliciesLicensed = false }));
        var result = await unlicensed.SchedulesAsync(agent.Agent);
        Assert.Equal(KasRefusal.NotLicensed, result.Refusal);
        Assert.Equal(KasRefusal.NotLicensed, (await unlicensed.ScanExecutionPoliciesAsync(agent.Agent)).Refusal);
    }

    [Fact]
    public async Task Both_Need_The_Kas_Jwt_And_An_Agent_Token()
    {
        var agent = await fixture.AgentAsync();
        foreach (var path in new[] { PoliciesPath, ConfigurationPath })
        {
            Assert.Equal((401, """{"message":"KAS JWT authentication invalid"}"""), await fixture.GetAsync(path, agent.Token, KasJwt.Garbage));
            Assert.Equal((401, """{"message":"401 Unauthorized"}"""), await fixture.GetAsync(path, null));
        }
    }

    [Theory]
    [InlineData("plain text", "plain text")]
    [InlineData("0 4 * * *", "0 4 * * *")]
    [InlineData("", "''")]
    [InlineData("true", "'true'")]
    [InlineData("No", "'No'")]
    [InlineData("42", "'42'")]
    [InlineData("1.5", "'1.5'")]
    [InlineData("null", "'null'")]
    [InlineData("*/30 * * * *", "'*/30 * * * *'")]
    [InlineData("- dash", "'- dash'")]
    [InlineData("key: value", "'key: value'")]
    [InlineData("it's", "it's")]
    [InlineData("'quoted'", "'''quoted'''")]
    [InlineData(" padded", "' padded'")]
    [InlineData("two\nlines", "\"two\\nlines\"")]
    [InlineData("kube-system", "kube-system")]
    public void Yaml_Scalars_Read_Back_As_The_Same_String(string value, string expected) => Assert.Equal(expected, PolicyYaml.Scalar(value));
}
