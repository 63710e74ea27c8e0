using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using InternalApi.Tests.Conformance;

namespace InternalApi.Tests.Admin;

/// <summary>
/// The doc's CustomersDot and Admin Area examples (upstream internal_api.md), sent as its curl lines send them, against
/// data/demo.json with the admin token <c>glpat-demo-admin-token-0001</c>. Errata (spec §7.1): the token goes in
/// <c>PRIVATE-TOKEN</c>, not <c>TOKEN</c> (6); <c>plan=premium</c> is not a parameter, so the plan stays unset (5);
/// the storage URLs get their <c>/api</c> (7).
/// </summary>
[Collection("doc-examples")]
public sealed class AdminDocExampleTests(DemoFixture fixture) : IAsyncLifetime
{
    private const string Token = "glpat-demo-admin-token-0001";

    public Task InitializeAsync() => fixture.ImportDemoAsync();

    public Task DisposeAsync() => Task.CompletedTask;

    private async Task<(HttpStatusCode Status, string Body)> SendAsync(HttpMethod method, string path, string? json = null)
    {
        using var request = new HttpRequestMessage(method, path);
        request.Headers.Add("PRIVATE-TOKEN", Token);
        if (json is not null)
        {
            request.Content = new StringContent(json, Encoding.UTF8, "application/json");
        }

        using var response = await fixture.App.Client.SendAsync(request);
        return (response.StatusCode, await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Subscription_Examples()
    {
        var created = await SendAsync(HttpMethod.Post, "/api/v4/namespaces/1234/gitlab_subscription?start_date=2020-07-15&plan=premium&seats=10");
        Assert.Equal(HttpStatusCode.Created, created.Status);

        // Billable in the demo group: root (owner), kristina, gus (a guest: no plan excludes them), mia (subgroup); not blake (blocked).
        Assert.Equal(
            """{"plan":{"code":null,"name":null,"trial":false,"auto_renew":null,"upgradable":false,"exclude_guests":false},"usage":{"seats_in_subscription":10,"seats_in_use":4,"max_seats_used":0,"seats_owed":0},"billing":{"subscription_start_date":"2020-07-15","subscription_end_date":null,"trial_ends_on":null}}""",
            created.Body);
        var updated = await SendAsync(HttpMethod.Put, "/api/v4/namespaces/1234/gitlab_subscription?max_seats_used=0");
        Assert.Equal((HttpStatusCode.OK, created.Body), updated);
        var read = await SendAsync(HttpMethod.Get, "/api/v4/namespaces/1234/gitlab_subscription");
        Assert.Equal(HttpStatusCode.OK, read.Status);
        Assert.Equal(["code", "name", "trial", "auto_renew", "upgradable", "exclude_guests"], JsonNode.Parse(read.Body)!["plan"]!.AsObject().Select(p => p.Key));
    }

    [Fact]
    public async Task Add_On_Purchase_Examples()
    {
        var created = await SendAsync(HttpMethod.Post, "/api/v4/namespaces/1234/subscription_add_on_purchase/code_suggestions?&quantity=10&expires_on=2024-07-15&purchase_xid=A-S12345678");
        Assert.Equal((HttpStatusCode.Created, """{"namespace_id":1234,"namespace_name":"A Namespace Name","add_on":"Code Suggestions","quantity":10,"expires_on":"2024-07-15","purchase_xid":"A-S12345678"}"""), created);
        const string updated = """{"namespace_id":1234,"namespace_name":"A Namespace Name","add_on":"Code Suggestions","quantity":15,"expires_on":"2024-07-15","purchase_xid":"A-S12345678"}""";
        Assert.Equal((HttpStatusCode.OK, updated), await SendAsync(HttpMethod.Put, "/api/v4/namespaces/1234/subscription_add_on_purchase/code_suggestions?&quantity=15&expires_on=2024-07-15&purchase_xid=A-S12345678"));
        Assert.Equal((HttpStatusCode.OK, updated), await SendAsync(HttpMethod.Get, "/api/v4/namespaces/1234/subscription_add_on_purchase/code_suggestions"));
    }

    [Fact]
    public async Task Storage_Limit_Exclusion_Examples()
    {
        var created = await SendAsync(HttpMethod.Post, "/api/v4/namespaces/123/storage/limit_exclusion", """{ "reason": "a reason to exclude the Namespace" }""");
        Assert.Equal(HttpStatusCode.Created, created.Status);
        var exclusion = JsonNode.Parse(created.Body)!;
        Assert.Equal(["id", "namespace_id", "namespace_name", "reason"], exclusion.AsObject().Select(p => p.Key));
        Assert.Equal((123, "Customer 123"), ((int)exclusion["namespace_id"]!, (string?)exclusion["namespace_name"]));

        var list = await SendAsync(HttpMethod.Get, "/api/v4/namespaces/storage/limit_exclusions");
        Assert.Equal(HttpStatusCode.OK, list.Status);
        Assert.Contains(JsonNode.Parse(list.Body)!.AsArray(), e => (int)e!["namespace_id"]! == 123);
        Assert.Equal((HttpStatusCode.NoContent, ""), await SendAsync(HttpMethod.Delete, "/api/v4/namespaces/123/storage/limit_exclusion"));
    }

    [Fact]
    public async Task Compute_Minutes_Examples()
    {
        var created = await SendAsync(HttpMethod.Post, "/api/v4/namespaces/123/minutes", """
            { "packs": [ { "number_of_minutes": 10000, "expires_at": "2022-01-01", "purchase_xid": "46952fe69bebc1a4de10b2b4ff439d0c" } ] }
            """);
        Assert.Equal((HttpStatusCode.Created, """[{"namespace_id":123,"expires_at":"2022-01-01","number_of_minutes":10000,"purchase_xid":"46952fe69bebc1a4de10b2b4ff439d0c"}]"""), created);
        Assert.Equal((HttpStatusCode.Accepted, """{"message":"202 Accepted"}"""), await SendAsync(HttpMethod.Patch, "/api/v4/namespaces/123/minutes/move/321"));
    }

    [Fact]
    public async Task Upcoming_Reconciliation_Examples()
    {
        var put = await SendAsync(HttpMethod.Put, "/api/v4/internal/upcoming_reconciliations",
            """{"upcoming_reconciliations": [{"namespace_id": 127, "next_reconciliation_date": "13 Jun 2021", "display_alert_from": "06 Jun 2021"}, {"namespace_id": 129, "next_reconciliation_date": "12 Jun 2021", "display_alert_from": "05 Jun 2021"}]}""");
        Assert.Equal((HttpStatusCode.OK, "200"), put);

        // The demo data holds namespace 22's upcoming reconciliation.
        Assert.Equal((HttpStatusCode.NoContent, ""), await SendAsync(HttpMethod.Delete, "/api/v4/internal/upcoming_reconciliations?namespace_id=22"));
    }
}
