using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using InternalApi.Core.Model;
using InternalApi.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace InternalApi.Tests.Admin;

/// <summary>
/// One Azurite with three apps: <see cref="IsolatedAppFixture.App"/> as on GitLab.com (queue listener on),
/// <see cref="SelfManaged"/> on the same tables with the GitLab.com setting off, and <see cref="Paging"/> as on
/// GitLab.com over tables of its own (prefix <c>pg</c>), so the paging test counts only its own exclusions.
/// </summary>
public sealed class AdminFixture : IsolatedAppFixture
{
    public const string AdminToken = "glpat-test-admin-api-000001";
    public const string ReadApiToken = "glpat-test-admin-readapi-01";
    public const string ReadUserToken = "glpat-test-admin-readuser-1";
    public const string ExpiredToken = "glpat-test-admin-expired-01";
    public const string RevokedToken = "glpat-test-admin-revoked-01";
    public const string UserToken = "glpat-test-user-api-0000001";

    public long AdminId { get; } = TestIds.Next();

    public long UserId { get; } = TestIds.Next();

    public TestApp SelfManaged { get; private set; } = null!;

    public TestApp Paging { get; private set; } = null!;

    protected override IDictionary<string, string?> Settings => new Dictionary<string, string?> { ["Subscriptions:GitLabCom"] = "true" };

    public StoreSet Stores => StoreSet.Of(App.Services);

    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        SelfManaged = await TestApp.StartAsync(Azurite.ConnectionString, new Dictionary<string, string?> { ["Queues:DispatcherEnabled"] = "false" });
        Paging = await TestApp.StartAsync(Azurite.ConnectionString, new Dictionary<string, string?>
        {
            ["Queues:DispatcherEnabled"] = "false",
            ["Subscriptions:GitLabCom"] = "true",
            ["Storage:TablePrefix"] = "pg",
        });
        foreach (var stores in new[] { Stores, StoreSet.Of(Paging.Services) })
        {
            await stores.Users.UpsertUserAsync(new User { Id = AdminId, Username = "admin" + AdminId, Name = "Admin", Admin = true });
            await stores.Users.UpsertUserAsync(new User { Id = UserId, Username = "user" + UserId, Name = "User" });
            var today = DateOnly.FromDateTime(DateTime.UtcNow);
            (string Token, long User, string[] Scopes, DateOnly? Expires, bool Revoked)[] tokens =
            [
                (AdminToken, AdminId, ["api"], null, false),
                (ReadApiToken, AdminId, ["read_api"], null, false),
                (ReadUserToken, AdminId, ["read_user"], null, false),
                (ExpiredToken, AdminId, ["api"], today.AddDays(-1), false),
                (RevokedToken, AdminId, ["api"], null, true),
                (UserToken, UserId, ["api"], null, false),
            ];
            foreach (var (token, user, scopes, expires, revoked) in tokens)
            {
                await stores.AccessTokens.UpsertPersonalAccessTokenAsync(new PersonalAccessToken
                {
                    Id = TestIds.Next(),
                    UserId = user,
                    Name = "t",
                    Digest = SecretDigest.Sha256Hex(token),
                    Scopes = scopes,
                    ExpiresAt = expires,
                    Revoked = revoked,
                });
            }
        }
    }

    public override async Task DisposeAsync()
    {
        await SelfManaged.DisposeAsync();
        await Paging.DisposeAsync();
        await base.DisposeAsync();
    }

    /// <summary>A fresh top-level group owned by <paramref name="owner"/> (the admin by default).</summary>
    public async Task<GitLabNamespace> GroupAsync(long? owner = null, string? name = null, StoreSet? stores = null)
    {
        stores ??= Stores;
        var id = TestIds.Next();
        var group = new GitLabNamespace { Id = id, Name = name ?? "Group " + id, FullPath = "g" + id, RootId = id };
        await stores.Namespaces.UpsertNamespaceAsync(group);
        await stores.Members.UpsertMembershipAsync(new Membership(MemberSource.Group, id, owner ?? AdminId, AccessLevel.Owner));
        return group;
    }

    /// <summary>A subgroup of <paramref name="parent"/>.</summary>
    public async Task<GitLabNamespace> SubgroupAsync(GitLabNamespace parent)
    {
        var id = TestIds.Next();
        var sub = new GitLabNamespace { Id = id, Name = "Sub " + id, FullPath = parent.FullPath + "/s" + id, ParentId = parent.Id, RootId = parent.RootId };
        await Stores.Namespaces.UpsertNamespaceAsync(sub);
        return sub;
    }

    /// <summary>Sends a request with the token in <c>PRIVATE-TOKEN</c> (none when null) and a JSON body (none when null).</summary>
    public static async Task<(HttpStatusCode Status, string Body, HttpResponseMessage Response)> SendAsync(TestApp app, HttpMethod method, string path, string? token, object? json = null, string? form = null)
    {
        using var request = new HttpRequestMessage(method, path);
        if (token is not null)
        {
            request.Headers.Add("PRIVATE-TOKEN", token);
        }

        if (json is not null)
        {
            request.Content = new StringContent(json is string text ? text : System.Text.Json.JsonSerializer.Serialize(json), Encoding.UTF8, "application/json");
        }
        else if (form is not null)
        {
            request.Content = new StringContent(form, Encoding.UTF8, "application/x-www-form-urlencoded");
        }

        var response = await app.Client.SendAsync(request);
        var body = await response.Content.ReadAsStringAsync();
        if (response.StatusCode != HttpStatusCode.NoContent)
        {
            Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        }

        return (response.StatusCode, body, response);
    }

    public Task<(HttpStatusCode Status, string Body, HttpResponseMessage Response)> SendAsync(HttpMethod method, string path, string? token = AdminToken, object? json = null, string? form = null) =>
        SendAsync(App, method, path, token, json, form);

    public static JsonNode Json(string body) => JsonNode.Parse(body)!;
}

[CollectionDefinition("admin")]
public sealed class AdminCollection : ICollectionFixture<AdminFixture>;
