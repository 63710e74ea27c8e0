using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json.Nodes;
using InternalApi.Core.CustomersDot;
using InternalApi.Core.Model;
using InternalApi.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace InternalApi.Tests.CustomersDot;

/// <summary>
/// One Azurite, one loopback OpenID Connect issuer and three apps: <see cref="IsolatedAppFixture.App"/> trusting the
/// issuer (GitLab.com on, forced key refreshes unthrottled so rotation is deterministic), <see cref="Unconfigured"/>
/// without <c>CustomersDot:MetadataAddress</c>, and <see cref="IssuerDown"/> whose discovery URL answers nothing.
/// </summary>
public sealed class CustomersDotFixture : IsolatedAppFixture
{
    public const string AdminToken = "glpat-test-cdot-admin-00001";
    public const string UserToken = "glpat-test-cdot-user-000001";

    public TestIssuer Issuer { get; private set; } = null!;

    public TestApp Unconfigured { get; private set; } = null!;

    public TestApp IssuerDown { get; private set; } = null!;

    public long AdminId { get; } = TestIds.Next();

    public long UserId { get; } = TestIds.Next();

    public StoreSet Stores => StoreSet.Of(App.Services);

    protected override IDictionary<string, string?> Settings => new Dictionary<string, string?>
    {
        ["CustomersDot:MetadataAddress"] = Issuer.MetadataAddress,
        ["CustomersDot:KeyRefreshMinimumInterval"] = "00:00:00",
        ["Subscriptions:GitLabCom"] = "true",
        ["GitLab:ExternalUrl"] = "https://gitlab.example.com",
    };

    public override async Task InitializeAsync()
    {
        Issuer = await TestIssuer.StartAsync();
        await base.InitializeAsync();
        Unconfigured = await TestApp.StartAsync(Azurite.ConnectionString, new Dictionary<string, string?> { ["Queues:DispatcherEnabled"] = "false" });
        IssuerDown = await TestApp.StartAsync(Azurite.ConnectionString, new Dictionary<string, string?>
        {
            ["Queues:DispatcherEnabled"] = "false",
            ["CustomersDot:MetadataAddress"] = $"http://127.0.0.1:{ClosedPort().ToString(CultureInfo.InvariantCulture)}/.well-known/openid-configuration",
        });
        await Stores.Users.UpsertUserAsync(new User { Id = AdminId, Username = "admin" + AdminId, Name = "Admin", Admin = true });
        await Stores.Users.UpsertUserAsync(new User { Id = UserId, Username = "user" + UserId, Name = "User", Email = "user" + UserId + "@example.com" });
        foreach (var (token, user) in new[] { (AdminToken, AdminId), (UserToken, UserId) })
        {
            await Stores.AccessTokens.UpsertPersonalAccessTokenAsync(new PersonalAccessToken
            {
                Id = TestIds.Next(), UserId = user, Name = "t", Digest = SecretDigest.Sha256Hex(token), Scopes = ["api"],
            });
        }
    }

    public override async Task DisposeAsync()
    {
        await Unconfigured.DisposeAsync();
        await IssuerDown.DisposeAsync();
        await base.DisposeAsync();
        await Issuer.DisposeAsync();
    }

    /// <summary>A fresh top-level group owned by the user.</summary>
    public async Task<GitLabNamespace> GroupAsync()
    {
        var id = TestIds.Next();
        var group = new GitLabNamespace { Id = id, Name = "Group " + id, FullPath = "cg" + id, RootId = id };
        await Stores.Namespaces.UpsertNamespaceAsync(group);
        await Stores.Members.UpsertMembershipAsync(new Membership(MemberSource.Group, id, UserId, AccessLevel.Owner));
        return group;
    }

    /// <summary>Sends with the CustomersDot token (<paramref name="jwt"/>; a fresh valid one by default) and a JSON body.</summary>
    public Task<(HttpStatusCode Status, string Body, HttpResponseMessage Response)> SendAsync(HttpMethod method, string path, object? json = null, string? jwt = null, TestApp? app = null) =>
        RawAsync(app ?? App, method, path, json, [(CustomersDotTokenValidator.Header, jwt ?? Issuer.Token())]);

    /// <summary>Sends with the given headers.</summary>
    public static async Task<(HttpStatusCode Status, string Body, HttpResponseMessage Response)> RawAsync(TestApp app, HttpMethod method, string path, object? json, IEnumerable<(string Name, string Value)> headers)
    {
        using var request = new HttpRequestMessage(method, path);
        foreach (var (name, value) in headers)
        {
            request.Headers.Add(name, value);
        }

        if (json is not null)
        {
            request.Content = new StringContent(json is string text ? text : System.Text.Json.JsonSerializer.Serialize(json), Encoding.UTF8, "application/json");
        }

        var response = await app.Client.SendAsync(request);
        var body = await response.Content.ReadAsStringAsync();
        if (response.StatusCode != HttpStatusCode.NoContent)
        {
            Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        }

        return (response.StatusCode, body, response);
    }

    public static JsonNode Json(string body) => JsonNode.Parse(body)!;

    /// <summary>A loopback port nothing listens on (taken and given back).</summary>
    private static int ClosedPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}

[CollectionDefinition("customersdot")]
public sealed class CustomersDotCollection : ICollectionFixture<CustomersDotFixture>;
