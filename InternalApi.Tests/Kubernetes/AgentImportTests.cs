using Azure.Data.Tables;
using InternalApi.Core.Kubernetes;
using InternalApi.Core.Model;
using InternalApi.Core.Storage;
using InternalApi.Tests.Import;
using InternalApi.Tests.Infrastructure;
using Microsoft.Extensions.Options;

namespace InternalApi.Tests.Kubernetes;

/// <summary>The <c>agents</c> import section: whole-file validation, digests only, re-import, the demo agent.</summary>
[Collection("import")]
public sealed class AgentImportTests(ImportFixture fixture)
{
    private static string[] ProblemLines(string error) =>
        [.. error.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Skip(1).Order(StringComparer.Ordinal)];

    private AgentStore Agents(string prefix) => new(new AgentTables(fixture.Tables, Options.Create(new StorageOptions { TablePrefix = prefix })));

    /// <summary>Every row of the agent tables of a prefix, as text (timestamps and ETags left out).</summary>
    private async Task<List<string>> AgentRowsAsync(string prefix)
    {
        var lines = new List<string>();
        foreach (var table in Agents(prefix).Tables.All)
        {
            await foreach (var e in table.QueryAsync<TableEntity>())
            {
                lines.Add($"{table.Name}|{e.PartitionKey}|{e.RowKey}|" + string.Join("|", e.Where(p => p.Key is not ("Timestamp" or "odata.etag" or "PartitionKey" or "RowKey"))
                    .OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => $"{p.Key}={p.Value}")));
            }
        }

        lines.Sort(StringComparer.Ordinal);
        return lines;
    }

    private static string File(long u, string agents) => $$"""
    {
      "users": [ { "id": {{u}}, "username": "kas{{u}}", "name": "KAS {{u}}" } ],
      "groups": [ { "id": {{u}}, "path": "kasg{{u}}" } ],
      "projects": [ { "id": {{u}}, "namespace": "kasg{{u}}", "path": "config" }, { "id": {{u + 1}}, "namespace": "kasg{{u}}", "path": "other" } ],
      "agents": {{agents}}
    }
    """;

    [Fact]
    public async Task Agents_And_Tokens_Are_Imported_With_Token_Digests_Only()
    {
        var prefix = ImportFixture.NewPrefix();
        var u = TestIds.Next() * 10;
        var (active, revoked) = ("glagent-" + Guid.NewGuid().ToString("N"), "glagent-" + Guid.NewGuid().ToString("N"));
        var json = File(u, $$"""
            [ { "id": {{u}}, "name": "prod-cluster", "project_id": {{u}}, "created_by_id": {{u}}, "created_at": "2024-01-02T03:04:05Z",
                "tokens": [ { "id": {{u}}, "name": "main", "description": "d", "token": "{{active}}", "created_by_id": {{u}} },
                            { "id": {{u + 1}}, "name": "old", "token": "{{revoked}}", "status": "revoked" } ] } ]
            """);
        var (code, output, error) = await fixture.ImportAsync(json, prefix);
        Assert.True(code == 0, error);
        Assert.Contains("imported     1 agents", output, StringComparison.Ordinal);

        var agents = Agents(prefix);
        var agent = (await agents.GetAgentAsync(u))!;
        Assert.Equal(("prod-cluster", u, (long?)u, DateTimeOffset.Parse("2024-01-02T03:04:05Z", System.Globalization.CultureInfo.InvariantCulture)),
            (agent.Name, agent.ProjectId, agent.CreatedById, agent.CreatedAt));
        Assert.Equal(u, await agents.FindAgentIdByNameAsync(u, "prod-cluster"));
        var token = (await agents.FindTokenAsync(SecretDigest.Sha256Hex(active)))!.Token;
        Assert.Equal((u, u, "main", "d", AgentTokenStatus.Active), (token.Id, token.AgentId, token.Name, token.Description, token.Status));
        Assert.Equal(AgentTokenStatus.Revoked, (await agents.FindTokenAsync(SecretDigest.Sha256Hex(revoked)))!.Token.Status);

        var rows = await AgentRowsAsync(prefix);
        Assert.DoesNotContain(rows, r => r.Contains(active, StringComparison.Ordinal) || r.Contains(revoked, StringComparison.Ordinal));

        // Re-importing changes nothing, and keeps a last use the app recorded.
        var used = token with { LastUsedAt = DateTimeOffset.UtcNow };
        await agents.UpsertTokenAsync(used);
        rows = await AgentRowsAsync(prefix);
        Assert.Equal(0, (await fixture.ImportAsync(json, prefix)).Code);
        Assert.Equal(rows, await AgentRowsAsync(prefix));
    }

    [Fact]
    public async Task Invalid_Agents_Are_Reported_With_Their_Paths_And_Nothing_Is_Written()
    {
        var prefix = ImportFixture.NewPrefix();
        var u = TestIds.Next() * 10;
        var json = File(u, $$"""
            [
              { "id": {{u}}, "name": "Prod_Cluster", "project_id": {{u}} },
              { "id": {{u}}, "name": "a", "project_id": {{u + 7}}, "created_by_id": {{u + 8}}, "colour": "red" },
              { "id": {{u + 1}}, "name": "b", "project_id": {{u}}, "tokens": [ { "id": {{u}}, "name": "t", "token": "same", "status": "expired" }, { "id": {{u}}, "token": "same" } ] },
              { "id": {{u + 2}}, "name": "b", "project_id": {{u}}, "tokens": "none" },
              { "id": {{u + 3}}, "name": "{{new string('x', 64)}}", "project_id": {{u}} },
              { "id": {{u + 4}}, "name": "c-", "project_id": {{u}} }
            ]
            """);
        var (code, output, error) = await fixture.ImportAsync(json, prefix);
        Assert.Equal((1, ""), (code, output));
        const string NameRule = "must be 1-63 lower-case letters, digits and '-', starting and ending with a letter or digit";
        string[] expected =
        [
            $"$.agents[0].name: {NameRule}",
            "$.agents[1].colour: unknown field",
            "$.agents[1].id: duplicate of $.agents[0]",
            $"$.agents[1].project_id: unknown project {u + 7}",
            $"$.agents[1].created_by_id: unknown user {u + 8}",
            "$.agents[2].tokens[0].status: must be one of active, revoked",
            "$.agents[2].tokens[1].id: duplicate of $.agents[2].tokens[0]",
            "$.agents[2].tokens[1].name: is missing",
            "$.agents[2].tokens[1].token: duplicate of $.agents[2].tokens[0]",
            "$.agents[3].name: duplicate of $.agents[2]",
            "$.agents[3].tokens: must be an array",
            $"$.agents[4].name: {NameRule}",
            $"$.agents[5].name: {NameRule}",
        ];
        Assert.Equal(expected.Order(StringComparer.Ordinal), ProblemLines(error));
        Assert.Empty(await fixture.SnapshotAsync(prefix));
    }

    [Fact]
    public async Task Conflicts_With_Stored_Agents_And_Tokens_Are_Refused()
    {
        var prefix = ImportFixture.NewPrefix();
        var u = TestIds.Next() * 10;
        var token = "glagent-" + Guid.NewGuid().ToString("N");
        var seeded = await fixture.ImportAsync(File(u, $$"""[ { "id": {{u}}, "name": "one", "project_id": {{u}}, "tokens": [ { "id": {{u}}, "name": "t", "token": "{{token}}" } ] } ]"""), prefix);
        Assert.True(seeded.Code == 0, seeded.Error);
        var before = await AgentRowsAsync(prefix);

        var json = File(u, $$"""
            [
              { "id": {{u + 1}}, "name": "one", "project_id": {{u}}, "tokens": [ { "id": {{u + 1}}, "name": "t", "token": "{{token}}" } ] },
              { "id": {{u}}, "name": "one", "project_id": {{u}}, "tokens": [ { "id": {{u}}, "name": "t", "token": "{{token}}-rotated" } ] }
            ]
            """);
        var (code, _, error) = await fixture.ImportAsync(json, prefix);
        Assert.Equal(1, code);
        string[] expected =
        [
            "$.agents[1].name: duplicate of $.agents[0]",
            $"$.agents[0].name: project {u} already has agent {u} named 'one' in the store",
            $"$.agents[0].tokens[0].token: this token is already token {u} of agent {u} in the store",
            $"$.agents[1].tokens[0].token: token {u} of agent {u} has another text in the store; add a new token and revoke this one",
        ];
        Assert.Equal(expected.Order(StringComparer.Ordinal), ProblemLines(error));
        Assert.Equal(before, await AgentRowsAsync(prefix));

        // Renaming the agent or moving it to another project is fine; the old name is released.
        Assert.Equal(0, (await fixture.ImportAsync(File(u, $$"""[ { "id": {{u}}, "name": "renamed", "project_id": {{u + 1}} } ]"""), prefix)).Code);
        var agents = Agents(prefix);
        Assert.Null(await agents.FindAgentIdByNameAsync(u, "one"));
        Assert.Equal(u, await agents.FindAgentIdByNameAsync(u + 1, "renamed"));
    }

    [Fact]
    public async Task Starboard_Findings_Are_Imported_Under_The_Uuid_A_Kas_Report_Would_Get()
    {
        var prefix = ImportFixture.NewPrefix();
        var u = TestIds.Next() * 10;
        var json = File(u, $$"""[ { "id": {{u}}, "name": "prod", "project_id": {{u}} } ]""").TrimEnd().TrimEnd('}') + $$"""
          , "starboard_vulnerabilities": [
            { "agent_id": {{u}}, "name": "CVE-2022-3715 in bash", "severity": "high", "image": "nginx:1.18", "package_name": "bash", "package_version": "5.0",
              "namespace": "default", "kind": "Deployment", "resource_name": "nginx-ingress", "container_name": "nginx",
              "identifiers": [ { "type": "cve", "name": "CVE-2022-3715", "value": "CVE-2022-3715" } ],
              "scanner_id": "starboard_trivy", "scanner_name": "Trivy", "scanner_vendor": "GitLab", "detected_at": "2024-02-03T04:05:06Z" },
            { "agent_id": {{u}}, "name": "old", "severity": "low", "state": "resolved", "image": "i", "package_name": "p", "namespace": "n", "kind": "k",
              "resource_name": "r", "container_name": "c", "identifiers": [ { "type": "cwe", "name": "CWE-79" } ],
              "scanner_id": "s", "scanner_name": "S", "scanner_vendor": "V" }
          ]
        }
        """;
        var (code, output, error) = await fixture.ImportAsync(json, prefix);
        Assert.True(code == 0, error);
        Assert.Contains("imported     2 starboard vulnerabilities", output, StringComparison.Ordinal);

        var findings = new StarboardStore(new StarboardTables(fixture.Tables, Options.Create(new StorageOptions { TablePrefix = prefix })));
        var stored = (await findings.ListAsync(u)).OrderBy(f => f.Name, StringComparer.Ordinal).ToList();
        Assert.Equal(2, stored.Count);
        var expected = VulnerabilityUuid.Compute(KubernetesOptions.ProductionUuidNamespace,
            VulnerabilityUuid.IdentifierFingerprint("cve", "CVE-2022-3715"),
            VulnerabilityUuid.LocationFingerprint(u, "default", "Deployment", "nginx-ingress", null, "bash"), u);
        Assert.Equal((expected, VulnerabilityState.Detected, "high"), (stored[0].Uuid, stored[0].State, stored[0].Severity));
        Assert.Equal(u.ToString(System.Globalization.CultureInfo.InvariantCulture), System.Text.Json.Nodes.JsonNode.Parse(stored[0].LocationJson)!["kubernetes_resource"]!["agent_id"]!.GetValue<string>());
        Assert.Equal(VulnerabilityState.Resolved, stored[1].State);
        Assert.True((await Agents(prefix).GetAgentAsync(u))!.HasVulnerabilities);

        var before = await AgentRowsAsync(prefix);
        Assert.Equal(0, (await fixture.ImportAsync(json, prefix)).Code);
        Assert.Equal(before, await AgentRowsAsync(prefix));
    }

    [Fact]
    public async Task Invalid_Starboard_Findings_Are_Reported()
    {
        var prefix = ImportFixture.NewPrefix();
        var u = TestIds.Next() * 10;
        var finding = $$"""{ "agent_id": {{u}}, "name": "n", "severity": "high", "image": "i", "package_name": "p", "namespace": "n", "kind": "k", "resource_name": "r", "container_name": "c", "identifiers": [ { "type": "cve", "name": "CVE-1" } ], "scanner_id": "s", "scanner_name": "S", "scanner_vendor": "V" }""";
        var json = File(u, "[]").TrimEnd().TrimEnd('}') + $$"""
          , "starboard_vulnerabilities": [
            {{finding}}, {{finding}},
            { "agent_id": {{u + 5}}, "name": "n", "severity": "severe", "state": "gone", "identifiers": [], "description": "{{new string('d', 15_001)}}" }
          ]
        }
        """;
        var (code, _, error) = await fixture.ImportAsync(json, prefix);
        Assert.Equal(1, code);
        var lines = ProblemLines(error);
        Assert.Contains($"$.starboard_vulnerabilities[0].agent_id: unknown agent {u}", lines);
        Assert.Contains("$.starboard_vulnerabilities[1]: duplicate of $.starboard_vulnerabilities[0]", lines);
        Assert.Contains($"$.starboard_vulnerabilities[2].agent_id: unknown agent {u + 5}", lines);
        Assert.Contains("$.starboard_vulnerabilities[2].severity: must be one of info, unknown, low, medium, high, critical", lines);
        Assert.Contains("$.starboard_vulnerabilities[2].state: must be one of detected, resolved", lines);
        Assert.Contains("$.starboard_vulnerabilities[2].identifiers: must list at least one identifier (the first is the primary one)", lines);
        Assert.Contains("$.starboard_vulnerabilities[2].image: is missing", lines);
        Assert.Contains("$.starboard_vulnerabilities[2].scanner_vendor: is missing", lines);
        Assert.Empty(await fixture.SnapshotAsync(prefix));
    }

    [Fact]
    public async Task The_Demo_Data_Has_Local_Agent_On_Gnuwget_Wget2_With_An_Active_And_A_Revoked_Token()
    {
        var prefix = ImportFixture.NewPrefix();
        var (code, output, error) = await fixture.ImportFileAsync(ImportTests.FindDemo(), prefix);
        Assert.True(code == 0, error);
        Assert.Contains("imported     1 agents", output, StringComparison.Ordinal);

        var agents = Agents(prefix);
        var agent = (await agents.GetAgentAsync(1))!;
        Assert.Equal(("local-agent", 3L), (agent.Name, agent.ProjectId));
        var active = (await agents.FindTokenAsync(SecretDigest.Sha256Hex("glagent-demo-agent-token-0001")))!.Token;
        var revoked = (await agents.FindTokenAsync(SecretDigest.Sha256Hex("glagent-demo-revoked-token-0001")))!.Token;
        Assert.Equal((1L, AgentTokenStatus.Active), (active.AgentId, active.Status));
        Assert.Equal((1L, AgentTokenStatus.Revoked), (revoked.AgentId, revoked.Status));
        Assert.Equal("gnuwget/wget2", (await fixture.Stores(prefix).Projects.GetProjectAsync(3))!.FullPath);

        // One enabled scan execution policy whose schedule rule targets local-agent: both policy endpoints answer one entry.
        var service = new SecurityPolicyService(fixture.Stores(prefix).Projects, Policies(prefix), Options.Create(new KubernetesOptions()));
        var policy = Assert.Single((await service.ScanExecutionPoliciesAsync(agent)).Items);
        Assert.Equal(("Nightly cluster scan", true), (policy.Name, policy.Enabled));
        var schedule = Assert.Single((await service.SchedulesAsync(agent)).Items);
        Assert.Equal("0 4 * * *", schedule.Cadence);
        Assert.Equal(["default", "kube-system"], schedule.Namespaces);
    }

    private SecurityPolicyStore Policies(string prefix) => new(new SecurityPolicyTables(fixture.Tables, Options.Create(new StorageOptions { TablePrefix = prefix })));

    [Fact]
    public async Task Security_Policies_Are_Imported_And_Validated()
    {
        var prefix = ImportFixture.NewPrefix();
        var u = TestIds.Next() * 10;
        var valid = File(u, "[]").TrimEnd().TrimEnd('}') + $$"""
          , "security_policies": [ { "project_id": {{u}}, "security_policy_project_id": {{u + 1}}, "updated_at": "2024-01-02T03:04:05Z", "scan_execution_policies": [
              { "name": "nightly", "actions": [ { "scan": "cluster_image_scanning" } ], "rules": [ { "type": "schedule", "cadence": "0 4 * * *", "agents": [ { "name": "prod", "namespaces": ["web"] } ] } ] },
              { "name": "mr", "description": "d", "enabled": false, "actions": [ { "scan": "sast" } ], "rules": [ { "type": "pipeline", "branches": ["main"] } ] } ] } ]
        }
        """;
        var (code, output, error) = await fixture.ImportAsync(valid, prefix);
        Assert.True(code == 0, error);
        Assert.Contains("imported     1 security policies", output, StringComparison.Ordinal);
        var stored = (await Policies(prefix).GetAsync(u))!;
        Assert.Equal(((long?)(u + 1), DateTimeOffset.Parse("2024-01-02T03:04:05Z", System.Globalization.CultureInfo.InvariantCulture), 2),
            (stored.SecurityPolicyProjectId, stored.UpdatedAt, stored.ScanExecutionPolicies.Count));
        var rule = stored.ScanExecutionPolicies[0].Rules.Single();
        Assert.Equal(("schedule", "0 4 * * *", "prod", "web"), (rule.Type, rule.Cadence, rule.Agents.Single().AgentName, rule.Agents.Single().Namespaces.Single()));
        Assert.False(stored.ScanExecutionPolicies[1].Enabled);

        var invalid = File(u, "[]").TrimEnd().TrimEnd('}') + $$"""
          , "security_policies": [
            { "project_id": {{u + 9}}, "scan_execution_policies": [
              { "name": "a", "actions": [ { "scan": "fuzz" } ], "rules": [ { "type": "schedule" }, { "type": "pipeline", "agents": [ { "name": "x" } ] }, { "type": "cron", "cadence": "daily" } ] },
              { "name": "a", "actions": [], "rules": [] } ] },
            { "project_id": {{u + 9}}, "updated_at": "yesterday" }
          ]
        }
        """;
        (code, _, error) = await fixture.ImportAsync(invalid, ImportFixture.NewPrefix());
        Assert.Equal(1, code);
        string[] expected =
        [
            "$.security_policies[0].updated_at: is missing",
            "$.security_policies[0].scan_execution_policies[0].actions[0].scan: must be one of sast, sast_iac, dependency_scanning, container_scanning, cluster_image_scanning, secret_detection, dast",
            "$.security_policies[0].scan_execution_policies[0].rules[0].cadence: is missing (a schedule rule needs a cron cadence)",
            "$.security_policies[0].scan_execution_policies[0].rules[1].branches: is missing (a pipeline rule needs branches)",
            "$.security_policies[0].scan_execution_policies[0].rules[1].agents: only schedule rules run in agents",
            "$.security_policies[0].scan_execution_policies[0].rules[2].type: must be one of pipeline, schedule",
            "$.security_policies[0].scan_execution_policies[0].rules[2].cadence: must be a cron expression of five fields, e.g. '0 4 * * *'",
            "$.security_policies[0].scan_execution_policies[1].actions: must list at least one action",
            "$.security_policies[0].scan_execution_policies[1].rules: must list at least one rule",
            "$.security_policies[0].scan_execution_policies[1].name: duplicate of $.security_policies[0].scan_execution_policies[0]",
            $"$.security_policies[0].project_id: unknown project {u + 9}",
            "$.security_policies[1].updated_at: is not an ISO 8601 date/time",
            "$.security_policies[1].project_id: duplicate of $.security_policies[0]",
            $"$.security_policies[1].project_id: unknown project {u + 9}",
        ];
        Assert.Equal(expected.Order(StringComparer.Ordinal), ProblemLines(error));
    }
}
