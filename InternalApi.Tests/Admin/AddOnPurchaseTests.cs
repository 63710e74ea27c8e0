using System.Net;

namespace InternalApi.Tests.Admin;

[Collection("admin")]
public sealed class AddOnPurchaseTests(AdminFixture fixture)
{
    [Fact]
    public async Task Post_Put_And_Get_One_Purchase_Per_Namespace_And_Add_On()
    {
        var group = await fixture.GroupAsync(name: "Acme Billing");
        var path = $"/api/v4/namespaces/{group.Id}/subscription_add_on_purchase/code_suggestions";
        Assert.Equal((HttpStatusCode.BadRequest, $$"""{"message":"400 Bad request - Add-on purchase for namespace Acme Billing and add-on Code Suggestions does not exist, create a new record instead"}"""),
            Pair(await fixture.SendAsync(HttpMethod.Put, path, json: new { expires_on = "2030-01-01" })));
        Assert.Equal((HttpStatusCode.NotFound, """{"message":"404 Subscription Add-on Purchase Not Found"}"""), Pair(await fixture.SendAsync(HttpMethod.Get, path)));

        // The doc's form: everything in the query string.
        var created = await fixture.SendAsync(HttpMethod.Post, path + "?quantity=10&expires_on=2024-07-15&purchase_xid=A-S12345678");
        Assert.Equal(HttpStatusCode.Created, created.Status);
        Assert.Equal($$"""{"namespace_id":{{group.Id}},"namespace_name":"Acme Billing","add_on":"Code Suggestions","quantity":10,"expires_on":"2024-07-15","purchase_xid":"A-S12345678"}""", created.Body);

        var duplicate = await fixture.SendAsync(HttpMethod.Post, path, json: new { quantity = 99, expires_on = "2031-01-01", purchase_xid = "A-S12345678" });
        Assert.Equal(HttpStatusCode.BadRequest, duplicate.Status);
        Assert.Equal("400 Bad request - Add-on purchase for namespace Acme Billing and add-on Code Suggestions already exists, update the existing record", (string?)AdminFixture.Json(duplicate.Body)["message"]);

        var updated = await fixture.SendAsync(HttpMethod.Put, path, json: new { quantity = "15", expires_on = "15 Jul 2025" });
        Assert.Equal(HttpStatusCode.OK, updated.Status);
        Assert.Equal($$"""{"namespace_id":{{group.Id}},"namespace_name":"Acme Billing","add_on":"Code Suggestions","quantity":15,"expires_on":"2025-07-15","purchase_xid":"A-S12345678"}""", updated.Body);
        Assert.Equal(updated.Body, (await fixture.SendAsync(HttpMethod.Get, path)).Body);

        // Another add-on of the same namespace is a purchase of its own.
        Assert.Equal(HttpStatusCode.NotFound, (await fixture.SendAsync(HttpMethod.Get, $"/api/v4/namespaces/{group.Id}/subscription_add_on_purchase/duo_enterprise")).Status);
    }

    [Fact]
    public async Task Unknown_Add_On_Or_Namespace_Is_404_Before_Validation_And_Bad_Values_Are_400()
    {
        var group = await fixture.GroupAsync();
        Assert.Equal((HttpStatusCode.NotFound, """{"message":"404 Subscription Add-on Not Found"}"""),
            Pair(await fixture.SendAsync(HttpMethod.Post, $"/api/v4/namespaces/{group.Id}/subscription_add_on_purchase/no_such_add_on", json: new { })));
        Assert.Equal((HttpStatusCode.NotFound, """{"message":"404 Namespace Not Found"}"""),
            Pair(await fixture.SendAsync(HttpMethod.Post, "/api/v4/namespaces/no-such-group/subscription_add_on_purchase/code_suggestions", json: new { })));

        var path = $"/api/v4/namespaces/{group.Id}/subscription_add_on_purchase/code_suggestions";
        Assert.Equal("""{"error":"quantity is missing, expires_on is missing, purchase_xid is missing"}""", (await fixture.SendAsync(HttpMethod.Post, path, json: new { })).Body);
        Assert.Equal("""{"error":"quantity is invalid, expires_on is invalid"}""",
            (await fixture.SendAsync(HttpMethod.Post, path, json: new { quantity = 1.5, expires_on = "2024-13-45", purchase_xid = "x" })).Body);
        Assert.Equal((HttpStatusCode.BadRequest, """{"message":{"quantity":["must be greater than or equal to 1"]}}"""),
            Pair(await fixture.SendAsync(HttpMethod.Post, path, json: new { quantity = 0, expires_on = "2030-01-01", purchase_xid = "x" })));
        Assert.Equal("""{"error":"expires_on is missing"}""", (await fixture.SendAsync(HttpMethod.Put, path, json: new { quantity = 1 })).Body);
        Assert.Equal(HttpStatusCode.NotFound, (await fixture.SendAsync(HttpMethod.Get, path)).Status);
    }

    private static (HttpStatusCode, string) Pair((HttpStatusCode Status, string Body, HttpResponseMessage _) r) => (r.Status, r.Body);
}
