using System.Globalization;
using System.Net;
using System.Security.Cryptography;
using System.Text.Json.Nodes;
using Azure.Data.Tables;
using InternalApi.Core.Pages;
using InternalApi.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace InternalApi.Tests.Pages;

/// <summary>Sites of a group tree, custom domains with TLS material, replacing a deployment, and the import's checks.</summary>
[Collection("pages")]
public sealed class PagesSitesTests(PagesFixture fixture)
{
    private static string Id(long id) => id.ToString(CultureInfo.InvariantCulture);

    private static JsonObject Files(string text) => new()
    {
        ["files"] = new JsonArray(new JsonObject { ["path"] = "public/index.html", ["content"] = text }),
    };

    /// <summary>A top-level group with a subgroup and four projects: the group's root site, a plain site, a nested site, a disabled one and one never deployed.</summary>
    private async Task<(string Group, long GroupId, long[] Projects)> SeedGroupAsync()
    {
        var group = TestIds.Name("pgrp");
        var (groupId, subId) = (TestIds.Next(), TestIds.Next());
        long[] p = [TestIds.Next(), TestIds.Next(), TestIds.Next(), TestIds.Next(), TestIds.Next()];
        var json = new JsonObject
        {
            ["groups"] = new JsonArray(
                new JsonObject { ["id"] = groupId, ["path"] = group },
                new JsonObject { ["id"] = subId, ["path"] = group + "/docs" }),
            ["projects"] = new JsonArray(
                new JsonObject { ["id"] = p[0], ["namespace"] = group, ["path"] = group + ".pages.localhost", ["visibility"] = "public" },
                new JsonObject { ["id"] = p[1], ["namespace"] = group, ["path"] = "site", ["visibility"] = "public" },
                new JsonObject { ["id"] = p[2], ["namespace"] = group + "/docs", ["path"] = "manual", ["visibility"] = "private" },
                new JsonObject { ["id"] = p[3], ["namespace"] = group, ["path"] = "off", ["visibility"] = "public" },
                new JsonObject { ["id"] = p[4], ["namespace"] = group, ["path"] = "empty", ["visibility"] = "public" }),
            ["pages_sites"] = new JsonArray(
                new JsonObject { ["project_id"] = p[0], ["deployment"] = Files("root") },
                new JsonObject { ["project_id"] = p[1], ["primary_domain"] = "www.example.test", ["deployment"] = Files("site") },
                new JsonObject { ["project_id"] = p[2], ["access_level"] = "private", ["https_only"] = false, ["deployment"] = Files("manual") },
                new JsonObject { ["project_id"] = p[3], ["access_level"] = "disabled", ["deployment"] = Files("off") },
                new JsonObject { ["project_id"] = p[4] }),
        };
        var (code, _, error) = await fixture.ImportAsync(json.ToJsonString());
        Assert.True(code == 0, error);
        return (group, groupId, p);
    }

    [Fact]
    public async Task Namespace_Host_Lists_Every_Deployed_Site_Of_The_Tree_With_GitLabs_Prefixes()
    {
        var (group, groupId, p) = await SeedGroupAsync();

        var (status, _, json) = await fixture.LookupAsync(group.ToUpperInvariant() + ".Pages.Localhost");

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(groupId, json!["root_namespace_id"]!.GetValue<long>());
        var paths = json["lookup_paths"]!.AsArray().Select(x => (x!["project_id"]!.GetValue<long>(), x["prefix"]!.GetValue<string>())).ToList();
        Assert.Equal([(p[0], "/"), (p[1], "/site/"), (p[2], "/docs/manual/")], paths);
        var site = json["lookup_paths"]![1]!;
        Assert.Equal("www.example.test", site["primary_domain"]!.GetValue<string>());
        Assert.True(site["https_only"]!.GetValue<bool>());
        Assert.Null(site["unique_host"]);

        // Pages:AccessControl is off (GitLab's default): even the private site answers access_control false.
        Assert.False(json["lookup_paths"]![2]!["access_control"]!.GetValue<bool>());
        Assert.False(json["lookup_paths"]![2]!["https_only"]!.GetValue<bool>());
    }

    [Fact]
    public async Task With_Access_Control_On_Only_Public_Pages_Answer_Access_Control_False()
    {
        var (group, _, p) = await SeedGroupAsync();
        await using var app = await TestApp.StartAsync(fixture.Azurite.ConnectionString, new Dictionary<string, string?>
        {
            ["Pages:AccessControl"] = "true",
            ["Queues:DispatcherEnabled"] = "false",
        });
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/v4/internal/pages?host=" + group + ".pages.localhost");
        request.Headers.Add(PagesAuthenticator.Header, app.PagesToken());
        using var response = await app.Client.SendAsync(request);
        var json = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;

        // GitLab's private_pages?: enabled Pages of a public project are public; a private access level is private.
        var access = json["lookup_paths"]!.AsArray().ToDictionary(x => x!["project_id"]!.GetValue<long>(), x => x!["access_control"]!.GetValue<bool>());
        Assert.Equal(new Dictionary<long, bool> { [p[0]] = false, [p[1]] = false, [p[2]] = true }, access);
    }

    [Fact]
    public async Task Top_Level_Namespace_Without_Sites_Answers_200_With_No_Lookup_Paths_And_A_Subgroup_Is_No_Host()
    {
        var group = TestIds.Name("bare");
        var groupId = TestIds.Next();
        var json = new JsonObject
        {
            ["groups"] = new JsonArray(new JsonObject { ["id"] = groupId, ["path"] = group }, new JsonObject { ["id"] = TestIds.Next(), ["path"] = group + "/inner" }),
        };
        var (code, _, error) = await fixture.ImportAsync(json.ToJsonString());
        Assert.True(code == 0, error);

        var (status, body, _) = await fixture.LookupAsync(group + ".pages.localhost");
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal($$"""{"certificate":null,"key":null,"root_namespace_id":{{groupId}},"lookup_paths":[]}""", body);

        Assert.Equal(HttpStatusCode.NoContent, (await fixture.LookupAsync("inner.pages.localhost")).Status);
    }

    [Fact]
    public async Task Custom_Domain_Answers_Its_Certificate_And_Decrypted_Key_Which_Storage_Holds_Only_Encrypted()
    {
        var (group, _, p) = await SeedGroupAsync();
        var domain = group + ".docs.example.test";
        var off = group + ".off.example.test";
        var undeployed = group + ".empty.example.test";
        const string Certificate = "-----BEGIN CERTIFICATE-----\nMIIBdemo\n-----END CERTIFICATE-----\n";
        var key = "-----BEGIN PRIVATE KEY-----\n" + Convert.ToBase64String(RandomNumberGenerator.GetBytes(48)) + "\n-----END PRIVATE KEY-----\n";
        var json = new JsonObject
        {
            ["pages_domains"] = new JsonArray(
                new JsonObject { ["domain"] = domain, ["project_id"] = p[2], ["verified"] = true, ["certificate"] = Certificate, ["key"] = key },
                new JsonObject { ["domain"] = off, ["project_id"] = p[1], ["enabled"] = false },
                new JsonObject { ["domain"] = undeployed, ["project_id"] = p[4] }),
        };
        var (code, _, error) = await fixture.ImportAsync(json.ToJsonString());
        Assert.True(code == 0, error);

        var (status, _, answer) = await fixture.LookupAsync(domain);
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(Certificate, answer!["certificate"]!.GetValue<string>());
        Assert.Equal(key, answer["key"]!.GetValue<string>());
        var path = Assert.Single(answer["lookup_paths"]!.AsArray())!;
        Assert.Equal((p[2], "/"), (path["project_id"]!.GetValue<long>(), path["prefix"]!.GetValue<string>()));

        Assert.Equal(HttpStatusCode.NoContent, (await fixture.LookupAsync(off)).Status);
        Assert.Equal(HttpStatusCode.NoContent, (await fixture.LookupAsync(undeployed)).Status);

        var tables = fixture.App.Services.GetRequiredService<PagesTables>();
        var keyBody = key.Split('\n')[1];
        await foreach (var row in tables.PagesDomains.QueryAsync<TableEntity>())
        {
            Assert.DoesNotContain(row, p => p.Value is string s && s.Contains(keyBody, StringComparison.Ordinal));
        }
    }

    [Fact]
    public async Task Https_Only_On_A_Custom_Domain_Needs_A_Certificate()
    {
        var (group, _, p) = await SeedGroupAsync();
        var bare = group + ".plain.example.test";
        var (code, _, error) = await fixture.ImportAsync(new JsonObject
        {
            ["pages_domains"] = new JsonArray(new JsonObject { ["domain"] = bare, ["project_id"] = p[1] }),
        }.ToJsonString());
        Assert.True(code == 0, error);

        var (_, _, json) = await fixture.LookupAsync(bare);

        // The site redirects to HTTPS under the Pages domain, but a domain without a certificate cannot.
        Assert.False(json!["lookup_paths"]![0]!["https_only"]!.GetValue<bool>());
    }

    [Fact]
    public async Task Deployment_Replaced_While_A_Lookup_Is_Cached_Leaves_The_Cached_Url_Serving_The_Old_Zip()
    {
        var (group, _, p) = await SeedGroupAsync();
        var host = group + ".pages.localhost";
        var (_, _, cached) = await fixture.LookupAsync(host);
        var before = cached!["lookup_paths"]!.AsArray().Single(x => x!["project_id"]!.GetValue<long>() == p[1])!;

        var folder = Directory.CreateTempSubdirectory("pages-site-");
        try
        {
            Directory.CreateDirectory(Path.Combine(folder.FullName, "public"));
            await File.WriteAllTextAsync(Path.Combine(folder.FullName, "public", "index.html"), "second edition");
            await File.WriteAllTextAsync(Path.Combine(folder.FullName, "public", "about.html"), "about");
            using var output = new StringWriter();
            using var error = new StringWriter();
            var code = await PagesCommand.RunAsync(["publish", "--project", group + "/site", "--folder", folder.FullName, .. fixture.Configuration], output, error);
            Assert.True(code == 0, error.ToString());
            Assert.Contains("replaced deployment", output.ToString(), StringComparison.Ordinal);
        }
        finally
        {
            folder.Delete(recursive: true);
        }

        var (_, _, fresh) = await fixture.LookupAsync(host);
        var after = fresh!["lookup_paths"]!.AsArray().Single(x => x!["project_id"]!.GetValue<long>() == p[1])!;
        Assert.NotEqual(before["source"]!["sha256"]!.GetValue<string>(), after["source"]!["sha256"]!.GetValue<string>());
        Assert.NotEqual(before["source"]!["global_id"]!.GetValue<string>(), after["source"]!["global_id"]!.GetValue<string>());
        Assert.Equal(2, after["source"]!["file_count"]!.GetValue<int>()); // public/index.html, public/about.html

        // The daemon still holding the first answer reads the first zip, whole and intact.
        var old = await fixture.DownloadAsync(before);
        Assert.Equal(before["source"]!["sha256"]!.GetValue<string>(), Convert.ToHexStringLower(SHA256.HashData(old)));
        Assert.Equal("site", PagesFixture.Entry(old, "public/index.html"));
        var updated = await fixture.DownloadAsync(after);
        Assert.Equal(after["source"]!["sha256"]!.GetValue<string>(), Convert.ToHexStringLower(SHA256.HashData(updated)));
        Assert.Equal("second edition", PagesFixture.Entry(updated, "public/index.html"));
    }

    [Fact]
    public async Task Publish_Refuses_What_Is_Not_A_Site()
    {
        var (group, _, _) = await SeedGroupAsync();
        var notZip = Path.GetTempFileName();
        try
        {
            await File.WriteAllTextAsync(notZip, "plain text");
            using var error = new StringWriter();
            Assert.Equal(1, await PagesCommand.RunAsync(["publish", "--project", group + "/site", "--zip", notZip, .. fixture.Configuration], TextWriter.Null, error));
            Assert.Contains("not a zip archive", error.ToString(), StringComparison.Ordinal);

            using var unknown = new StringWriter();
            Assert.Equal(1, await PagesCommand.RunAsync(["publish", "--project", group + "/nothing", "--zip", notZip, .. fixture.Configuration], TextWriter.Null, unknown));
            Assert.Contains("unknown project", unknown.ToString(), StringComparison.Ordinal);

            Assert.Equal(2, await PagesCommand.RunAsync(["publish", "--project", group + "/site", .. fixture.Configuration], TextWriter.Null, TextWriter.Null));
        }
        finally
        {
            File.Delete(notZip);
        }
    }

    [Fact]
    public async Task Importing_The_Same_Site_Again_Keeps_Its_Deployment()
    {
        var (group, _, p) = await SeedGroupAsync();
        var (_, _, first) = await fixture.LookupAsync(group + ".pages.localhost");

        var (code, _, error) = await fixture.ImportAsync(new JsonObject
        {
            ["pages_sites"] = new JsonArray(new JsonObject { ["project_id"] = p[1], ["primary_domain"] = "www.example.test", ["deployment"] = Files("site") }),
        }.ToJsonString());
        Assert.True(code == 0, error);

        var (_, _, second) = await fixture.LookupAsync(group + ".pages.localhost");
        static string Gid(JsonNode json, long project) => json["lookup_paths"]!.AsArray().Single(x => x!["project_id"]!.GetValue<long>() == project)!["source"]!["global_id"]!.GetValue<string>();
        Assert.Equal(Gid(first!, p[1]), Gid(second!, p[1]));
    }

    [Fact]
    public async Task Import_Reports_Every_Problem_Of_Pages_Records_And_Writes_Nothing()
    {
        var missing = TestIds.Next();
        var json = $$"""
        {
          "pages_sites": [
            { "project_id": {{missing}}, "unique_domain": "Not A Label", "access_level": "everyone",
              "deployment": { "root_directory": "../up", "path_prefix": "v2", "files": [ { "path": "/abs.html", "content": "x" } ] } },
            { "project_id": 3, "deployment": { "files": [ { "path": "index.html", "content": "x" } ] } }
          ],
          "pages_domains": [
            { "domain": "site.pages.localhost", "project_id": 3 },
            { "domain": "no-tld", "project_id": 3 },
            { "domain": "keyonly.example.test", "project_id": 3, "key": "k" }
          ]
        }
        """;

        var (code, _, error) = await fixture.ImportAsync(json);

        Assert.Equal(1, code);
        foreach (var expected in (string[])[
            $"$.pages_sites[0].project_id: unknown project {missing}",
            "$.pages_sites[0].unique_domain: must be a DNS label",
            "$.pages_sites[0].access_level:",
            "$.pages_sites[0].deployment.root_directory:",
            "$.pages_sites[0].deployment.path_prefix: is not supported",
            "$.pages_sites[0].deployment.files[0].path: must be a relative file path",
            "$.pages_sites[1].deployment.files: has nothing under 'public/'",
            "$.pages_domains[0].domain: is under the Pages domain pages.localhost",
            "$.pages_domains[1].domain: is not a domain name",
            "$.pages_domains[2].key: is given without a certificate"])
        {
            Assert.Contains(expected, error, StringComparison.Ordinal);
        }
    }
}
