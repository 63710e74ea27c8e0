using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using InternalApi.Core.Model;
using InternalApi.Core.Scim;
using InternalApi.Tests.Conformance;
using InternalApi.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace InternalApi.Tests.Scim;

/// <summary>
/// Sends every SCIM example request of the newest internal API doc, as its curl lines send them, to the demo data:
/// <c>test_group</c> is the demo group <c>acme</c>, <c>&lt;your_scim_token&gt;</c> the demo tokens. Where spec §7.1
/// lists an erratum, GitLab's behaviour is asserted: the single-user URLs' <c>f0b1d561c-…</c> is a typo (9, so
/// 404, then the request again with the stored UID) and <c>op: "Update"</c> is ignored (10).
/// </summary>
[Collection("doc-examples")]
public sealed class ScimDocExampleTests(DemoFixture fixture) : IAsyncLifetime
{
    private const string Uid = "0b1d561c-21ff-4092-beab-8154b17f82f2";
    private const string TypoUid = "f0b1d561c-21ff-4092-beab-8154b17f82f2";
    private const string CreateBody = """{"externalId":"test_uid","active":null,"userName":"username","emails":[{"primary":true,"type":"work","value":"name@example.com"}],"name":{"formatted":"Test User","familyName":"User","givenName":"Test"},"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"meta":{"resourceType":"User"}}""";

    private static readonly string[] UserKeys = ["schemas", "id", "active", "name.formatted", "userName", "meta", "emails"];

    public Task InitializeAsync() => fixture.ImportDemoAsync();

    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public Task Group_Scim_Examples() =>
        ReplayAsync("/api/scim/v2/groups/acme/Users", "glsoat-demo-acme-scim-token-0001", "mia", """{ "Operations": [{"op":"Update","path":"name.formatted","value":"New Name"}] }""");

    [Fact]
    public Task Instance_Scim_Examples() =>
        ReplayAsync("/api/scim/v2/application/Users", "glsoat-demo-instance-scim-token-0001", "gus", """{ "Operations": [{"op":"Update","path":"active","value":"false"}] }""");

    private async Task ReplayAsync(string users, string token, string demoUser, string patch)
    {
        var list = await SendAsync(HttpMethod.Get, users + "?filter=id%20eq%20%220b1d561c-21ff-4092-beab-8154b17f82f2%22", token);
        Assert.Equal(HttpStatusCode.OK, list.Status);
        Assert.Equal(["schemas", "totalResults", "itemsPerPage", "startIndex", "Resources"], Keys(list.Body));
        Assert.Equal((1, 20, 1), ((int)list.Body!["totalResults"]!, (int)list.Body["itemsPerPage"]!, (int)list.Body["startIndex"]!));
        var listed = list.Body["Resources"]![0]!;
        Assert.Equal(UserKeys, Keys(listed));
        Assert.Equal((Uid, demoUser, true), ((string?)listed["id"], (string?)listed["userName"], (bool)listed["active"]!));

        var typo = await SendAsync(HttpMethod.Get, users + "/" + TypoUid, token);
        Assert.Equal((HttpStatusCode.NotFound, $$"""{"schemas":["urn:ietf:params:scim:api:messages:2.0:Error"],"detail":"Resource {{TypoUid}} not found","status":404}"""), (typo.Status, typo.Text));
        var single = await SendAsync(HttpMethod.Get, users + "/" + Uid, token);
        Assert.Equal((HttpStatusCode.OK, listed.ToJsonString()), (single.Status, single.Body!.ToJsonString()));

        var created = await SendAsync(HttpMethod.Post, users, token, CreateBody);
        Assert.Equal(HttpStatusCode.Created, created.Status);
        Assert.Equal(UserKeys, Keys(created.Body));
        Assert.Equal(("test_uid", true, "Test User", "username"), ((string?)created.Body!["id"], (bool)created.Body["active"]!, (string?)created.Body["name.formatted"], (string?)created.Body["userName"]));
        Assert.Equal("""[{"type":"work","value":"name@example.com","primary":true}]""", created.Body["emails"]!.ToJsonString());

        Assert.Equal(HttpStatusCode.NotFound, (await SendAsync(HttpMethod.Patch, users + "/" + TypoUid, token, patch)).Status);
        var patched = await SendAsync(HttpMethod.Patch, users + "/" + Uid, token, patch);
        Assert.Equal((HttpStatusCode.NoContent, ""), (patched.Status, patched.Text));
        Assert.Equal(listed.ToJsonString(), (await SendAsync(HttpMethod.Get, users + "/" + Uid, token)).Body!.ToJsonString());

        Assert.Equal(HttpStatusCode.NotFound, (await SendAsync(HttpMethod.Delete, users + "/" + TypoUid, token)).Status);
        var deleted = await SendAsync(HttpMethod.Delete, users + "/" + Uid, token);
        Assert.Equal((HttpStatusCode.NoContent, ""), (deleted.Status, deleted.Text));
        Assert.False((bool)(await SendAsync(HttpMethod.Get, users + "/" + Uid, token)).Body!["active"]!);

        // Group: mia left acme (the identity stays, inactive). Instance: gus is ldap_blocked.
        var stores = StoreSet.Of(fixture.App.Services);
        var user = (await stores.Users.FindUserByUsernameAsync(demoUser))!;
        if (users.Contains("/groups/", StringComparison.Ordinal))
        {
            var acme = (await stores.Namespaces.FindNamespaceByPathAsync("acme"))!;
            Assert.Null(await stores.Members.GetMembershipAsync(MemberSource.Group, acme.Id, user.Id));
            Assert.Equal(AccessLevel.Developer, await stores.Members.GetMembershipAsync(MemberSource.Group, acme.Id, (await stores.Users.FindUserByUsernameAsync("username"))!.Id));
        }
        else
        {
            Assert.Equal(UserState.LdapBlocked, user.State);
            Assert.NotNull(await fixture.App.Services.GetRequiredService<ScimStore>().GetIdentityAsync(ScimTables.InstanceScope, "test_uid"));
        }
    }

    private async Task<(HttpStatusCode Status, string Text, JsonNode? Body)> SendAsync(HttpMethod method, string path, string token, string? data = null)
    {
        using var request = new HttpRequestMessage(method, path);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        if (data is not null)
        {
            request.Content = new StringContent(data, Encoding.UTF8, new MediaTypeHeaderValue("application/scim+json"));
        }

        using var response = await fixture.App.Client.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        Assert.Equal(text.Length == 0 ? null : "application/scim+json", response.Content.Headers.ContentType?.MediaType);
        return (response.StatusCode, text, text.Length == 0 ? null : JsonNode.Parse(text));
    }

    private static string[] Keys(JsonNode? node) => [.. node!.AsObject().Select(p => p.Key)];
}
