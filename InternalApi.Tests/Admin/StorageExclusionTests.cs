using System.Net;
using InternalApi.Core.Model;
using InternalApi.Core.Subscriptions;
using InternalApi.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace InternalApi.Tests.Admin;

[Collection("admin")]
public sealed class StorageExclusionTests(AdminFixture fixture)
{
    [Fact]
    public async Task Post_Excludes_A_Top_Level_Namespace_Once_And_Delete_Removes_It()
    {
        var group = await fixture.GroupAsync(name: "Acme");
        var path = $"/api/v4/namespaces/{group.Id}/storage/limit_exclusion";
        var created = await fixture.SendAsync(HttpMethod.Post, path, json: new { reason = "a reason to exclude the Namespace" });
        Assert.Equal(HttpStatusCode.Created, created.Status);
        var id = (long)AdminFixture.Json(created.Body)["id"]!;
        Assert.Equal($$"""{"id":{{id}},"namespace_id":{{group.Id}},"namespace_name":"Acme","reason":"a reason to exclude the Namespace"}""", created.Body);

        Assert.Equal((HttpStatusCode.BadRequest, """{"message":"400 Bad request - already excluded"}"""), Pair(await fixture.SendAsync(HttpMethod.Post, path, form: "reason=again")));
        var listed = AdminFixture.Json((await fixture.SendAsync(HttpMethod.Get, "/api/v4/namespaces/storage/limit_exclusions?per_page=100")).Body).AsArray();
        Assert.Contains(listed, e => (long)e!["id"]! == id && (string?)e["namespace_name"] == "Acme");

        Assert.Equal((HttpStatusCode.NoContent, ""), Pair(await fixture.SendAsync(HttpMethod.Delete, path)));
        Assert.Equal((HttpStatusCode.BadRequest, """{"message":"400 Bad request - not excluded"}"""), Pair(await fixture.SendAsync(HttpMethod.Delete, path)));

        // Excluded again after the delete: a new id.
        var recreated = await fixture.SendAsync(HttpMethod.Post, path, json: new { reason = "back" });
        Assert.True((long)AdminFixture.Json(recreated.Body)["id"]! > id);
    }

    [Fact]
    public async Task Reason_Is_Checked_First_Then_Admin_Namespace_And_Root()
    {
        var group = await fixture.GroupAsync();
        var sub = await fixture.SubgroupAsync(group);
        Assert.Equal((HttpStatusCode.BadRequest, """{"error":"reason is missing"}"""), Pair(await fixture.SendAsync(HttpMethod.Post, $"/api/v4/namespaces/{group.Id}/storage/limit_exclusion", AdminFixture.UserToken, new { })));
        Assert.Equal((HttpStatusCode.Forbidden, """{"message":"403 Forbidden"}"""), Pair(await fixture.SendAsync(HttpMethod.Post, $"/api/v4/namespaces/{group.Id}/storage/limit_exclusion", AdminFixture.UserToken, new { reason = "r" })));
        Assert.Equal((HttpStatusCode.NotFound, """{"message":"404 Namespace Not Found"}"""), Pair(await fixture.SendAsync(HttpMethod.Post, "/api/v4/namespaces/no-such/storage/limit_exclusion", json: new { reason = "r" })));
        Assert.Equal((HttpStatusCode.BadRequest, """{"message":"400 Bad request - must use a root namespace"}"""), Pair(await fixture.SendAsync(HttpMethod.Post, $"/api/v4/namespaces/{sub.Id}/storage/limit_exclusion", json: new { reason = "r" })));
        Assert.Equal((HttpStatusCode.BadRequest, """{"message":"400 Bad request - must use a root namespace"}"""), Pair(await fixture.SendAsync(HttpMethod.Delete, $"/api/v4/namespaces/{sub.Id}/storage/limit_exclusion")));
        Assert.Equal((HttpStatusCode.BadRequest, """{"message":{"reason":["can't be blank"]}}"""), Pair(await fixture.SendAsync(HttpMethod.Post, $"/api/v4/namespaces/{group.Id}/storage/limit_exclusion", json: new { reason = " " })));
    }

    [Fact]
    public async Task The_List_Is_Paged_As_GitLab_Pages_With_Its_Headers()
    {
        // The paging app has tables of its own: only these five exist there.
        var app = fixture.Paging;
        var stores = StoreSet.Of(app.Services);
        var service = app.Services.GetRequiredService<StorageExclusionService>();
        var ids = new List<long>();
        for (var i = 0; i < 5; i++)
        {
            var group = await fixture.GroupAsync(name: "N" + i, stores: stores);
            ids.Add((await service.CreateAsync(group, "r" + i)).Id);
        }

        var (status, body, response) = await AdminFixture.SendAsync(app, HttpMethod.Get, "/api/v4/namespaces/storage/limit_exclusions?page=2&per_page=2&other=1", AdminFixture.AdminToken);
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(ids.Skip(2).Take(2), AdminFixture.Json(body).AsArray().Select(e => (long)e!["id"]!));
        string Header(HttpResponseMessage r, string name) => string.Join(",", r.Headers.GetValues(name));
        Assert.Equal(("2", "2", "5", "3", "3", "1"), (Header(response, "X-Page"), Header(response, "X-Per-Page"), Header(response, "X-Total"), Header(response, "X-Total-Pages"), Header(response, "X-Next-Page"), Header(response, "X-Prev-Page")));
        var base_ = $"{app.Client.BaseAddress}api/v4/namespaces/storage/limit_exclusions?other=1";
        Assert.Equal($"<{base_}&page=1&per_page=2>; rel=\"prev\", <{base_}&page=3&per_page=2>; rel=\"next\", <{base_}&page=1&per_page=2>; rel=\"first\", <{base_}&page=3&per_page=2>; rel=\"last\"", Header(response, "Link"));

        var last = await AdminFixture.SendAsync(app, HttpMethod.Get, "/api/v4/namespaces/storage/limit_exclusions?page=3&per_page=2", AdminFixture.AdminToken);
        Assert.Single(AdminFixture.Json(last.Body).AsArray());
        Assert.Equal(("", "2"), (Header(last.Response, "X-Next-Page"), Header(last.Response, "X-Prev-Page")));

        // Defaults: page 1 of 20; per_page above 100 is 100.
        var first = await AdminFixture.SendAsync(app, HttpMethod.Get, "/api/v4/namespaces/storage/limit_exclusions?per_page=1000", AdminFixture.AdminToken);
        Assert.Equal(5, AdminFixture.Json(first.Body).AsArray().Count);
        Assert.Equal(("1", "100", "1", ""), (Header(first.Response, "X-Page"), Header(first.Response, "X-Per-Page"), Header(first.Response, "X-Total-Pages"), Header(first.Response, "X-Prev-Page")));
        var bad = await AdminFixture.SendAsync(app, HttpMethod.Get, "/api/v4/namespaces/storage/limit_exclusions?page=two", AdminFixture.AdminToken);
        Assert.Equal((HttpStatusCode.BadRequest, """{"error":"page is invalid"}"""), (bad.Status, bad.Body));
    }

    private static (HttpStatusCode, string) Pair((HttpStatusCode Status, string Body, HttpResponseMessage _) r) => (r.Status, r.Body);
}
