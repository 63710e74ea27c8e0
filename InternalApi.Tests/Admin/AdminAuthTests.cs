using System.Net;
using InternalApi.Tests.Infrastructure;

namespace InternalApi.Tests.Admin;

/// <summary>The admin token kinds on every CustomersDot/Admin Area route (spec §1.7 E, §5.0).</summary>
[Collection("admin")]
public sealed class AdminAuthTests(AdminFixture fixture)
{
    /// <summary>Every route with a request that is valid apart from who sends it (namespace {ns} exists).</summary>
    public static TheoryData<string, string, string?> Routes => new()
    {
        { "POST", "/api/v4/namespaces/{ns}/gitlab_subscription", """{"start_date":"2024-01-01"}""" },
        { "PUT", "/api/v4/namespaces/{ns}/gitlab_subscription", """{"seats":1}""" },
        { "GET", "/api/v4/namespaces/{ns}/gitlab_subscription", null },
        { "POST", "/api/v4/namespaces/{ns}/subscription_add_on_purchase/code_suggestions", """{"quantity":1,"expires_on":"2030-01-01","purchase_xid":"x"}""" },
        { "PUT", "/api/v4/namespaces/{ns}/subscription_add_on_purchase/code_suggestions", """{"expires_on":"2030-01-01"}""" },
        { "GET", "/api/v4/namespaces/{ns}/subscription_add_on_purchase/code_suggestions", null },
        { "GET", "/api/v4/namespaces/storage/limit_exclusions", null },
        { "POST", "/api/v4/namespaces/{ns}/storage/limit_exclusion", """{"reason":"r"}""" },
        { "DELETE", "/api/v4/namespaces/{ns}/storage/limit_exclusion", null },
        { "POST", "/api/v4/namespaces/{ns}/minutes", """{"packs":[{"number_of_minutes":1,"expires_at":"2030-01-01","purchase_xid":"x"}]}""" },
        { "PATCH", "/api/v4/namespaces/{ns}/minutes/move/{ns}", null },
        { "PUT", "/api/v4/internal/upcoming_reconciliations", """{"upcoming_reconciliations":[{"namespace_id":{ns},"next_reconciliation_date":"2030-01-01","display_alert_from":"2029-12-25"}]}""" },
        { "DELETE", "/api/v4/internal/upcoming_reconciliations?namespace_id={ns}", null },
    };

    [Theory]
    [MemberData(nameof(Routes))]
    public async Task Missing_Bad_Expired_Revoked_NonAdmin_And_Unscoped_Tokens_Are_Refused(string method, string path, string? body)
    {
        // A group the non-admin user owns, so that only the admin rule can refuse it (the owner may GET the subscription).
        var ns = await fixture.GroupAsync(owner: fixture.UserId);
        var id = ns.Id.ToString(System.Globalization.CultureInfo.InvariantCulture);
        path = path.Replace("{ns}", id, StringComparison.Ordinal);
        body = body?.Replace("{ns}", id, StringComparison.Ordinal);
        var verb = new HttpMethod(method);

        foreach (var token in new[] { null, "glpat-not-a-token", AdminFixture.ExpiredToken, AdminFixture.RevokedToken })
        {
            var (status, text, _) = await fixture.SendAsync(verb, path, token, body);
            Assert.True(status == HttpStatusCode.Unauthorized, $"{method} {path} with {token ?? "no token"}: {status} {text}");
            Assert.Equal("""{"message":"401 Unauthorized"}""", text);
        }

        var scoped = await fixture.SendAsync(verb, path, AdminFixture.ReadUserToken, body);
        Assert.Equal(HttpStatusCode.Forbidden, scoped.Status);
        Assert.Equal("insufficient_scope", (string?)AdminFixture.Json(scoped.Body)["error"]);

        var user = await fixture.SendAsync(verb, path, AdminFixture.UserToken, body);
        if (method == "GET" && path.EndsWith("/gitlab_subscription", StringComparison.Ordinal))
        {
            // Not admin-only: the namespace's owner reads it.
            Assert.Equal(HttpStatusCode.OK, user.Status);
        }
        else
        {
            Assert.True(user.Status == HttpStatusCode.Forbidden, $"{method} {path} as non-admin: {user.Status} {user.Body}");
            Assert.Equal("""{"message":"403 Forbidden"}""", user.Body);
        }
    }

    [Fact]
    public async Task The_Token_Is_Read_From_The_Header_The_Parameter_And_A_Bearer_And_Read_Api_Suffices_For_Get()
    {
        const string path = "/api/v4/namespaces/storage/limit_exclusions";
        Assert.Equal(HttpStatusCode.OK, (await fixture.SendAsync(HttpMethod.Get, path, AdminFixture.AdminToken)).Status);
        Assert.Equal(HttpStatusCode.OK, (await fixture.SendAsync(HttpMethod.Get, path + "?private_token=" + AdminFixture.AdminToken, null)).Status);
        using var bearer = new HttpRequestMessage(HttpMethod.Get, path);
        bearer.Headers.Authorization = new("Bearer", AdminFixture.AdminToken);
        Assert.Equal(HttpStatusCode.OK, (await fixture.App.Client.SendAsync(bearer)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await fixture.SendAsync(HttpMethod.Get, path, AdminFixture.ReadApiToken)).Status);

        // read_api does not write; the doc's TOKEN header is not a carrier unless switched on.
        var ns = await fixture.GroupAsync();
        var write = await fixture.SendAsync(HttpMethod.Post, $"/api/v4/namespaces/{ns.Id}/storage/limit_exclusion", AdminFixture.ReadApiToken, """{"reason":"r"}""");
        Assert.Equal(HttpStatusCode.Forbidden, write.Status);
        Assert.Equal("""{"error":"insufficient_scope","error_description":"The request requires higher privileges than provided by the access token.","scope":"api"}""", write.Body);
        using var doc = new HttpRequestMessage(HttpMethod.Get, path);
        doc.Headers.Add("TOKEN", AdminFixture.AdminToken);
        Assert.Equal(HttpStatusCode.Unauthorized, (await fixture.App.Client.SendAsync(doc)).StatusCode);
    }

    [Fact]
    public async Task Off_GitLab_Com_Upcoming_Reconciliations_Answer_403_Before_The_Token_And_Storage_Exclusions_After_The_Admin_Check()
    {
        var app = fixture.SelfManaged;
        var put = await AdminFixture.SendAsync(app, HttpMethod.Put, "/api/v4/internal/upcoming_reconciliations", null, """{"upcoming_reconciliations":[]}""");
        Assert.Equal((HttpStatusCode.Forbidden, """{"message":"403 Forbidden - This API is gitlab.com only!"}"""), (put.Status, put.Body));
        var delete = await AdminFixture.SendAsync(app, HttpMethod.Delete, "/api/v4/internal/upcoming_reconciliations?namespace_id=1", "glpat-not-a-token");
        Assert.Equal(HttpStatusCode.Forbidden, delete.Status);

        // Storage exclusions check admin first (GitLab's handler order), then the setting.
        var list = await AdminFixture.SendAsync(app, HttpMethod.Get, "/api/v4/namespaces/storage/limit_exclusions", AdminFixture.AdminToken);
        Assert.Equal((HttpStatusCode.Forbidden, """{"message":"403 Forbidden - this API is for GitLab.com only"}"""), (list.Status, list.Body));
        var user = await AdminFixture.SendAsync(app, HttpMethod.Get, "/api/v4/namespaces/storage/limit_exclusions", AdminFixture.UserToken);
        Assert.Equal("""{"message":"403 Forbidden"}""", user.Body);
        var anonymous = await AdminFixture.SendAsync(app, HttpMethod.Get, "/api/v4/namespaces/storage/limit_exclusions", null);
        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.Status);
    }
}
