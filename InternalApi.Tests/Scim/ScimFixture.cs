using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using InternalApi.Core.Model;
using InternalApi.Core.Scim;
using InternalApi.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace InternalApi.Tests.Scim;

/// <summary>A group with SAML SSO and its SCIM token, seeded for one test.</summary>
public sealed record ScimGroup(GitLabNamespace Group, string Token)
{
    /// <summary>The group's SCIM Users path.</summary>
    public string Users => "/api/scim/v2/groups/" + Uri.EscapeDataString(Group.FullPath) + "/Users";
}

/// <summary>An answer: status, media type and the parsed body (null when empty).</summary>
public sealed record ScimAnswer(HttpStatusCode Status, string? MediaType, string Text)
{
    /// <summary>The body as JSON.</summary>
    public JsonNode? Json => Text.Length == 0 ? null : JsonNode.Parse(Text);
}

/// <summary>One Azurite and one app for SCIM, with instance SCIM on and an instance token.</summary>
public sealed class ScimFixture : IsolatedAppFixture
{
    /// <summary>The instance SCIM token.</summary>
    public const string InstanceToken = "instance-scim-token-for-tests";

    /// <summary>The instance Users path.</summary>
    public const string InstanceUsers = "/api/scim/v2/application/Users";

    /// <inheritdoc/>
    protected override IDictionary<string, string?> Settings => new Dictionary<string, string?>
    {
        ["Scim:InstanceSamlEnabled"] = "true",
        ["Queues:DispatcherEnabled"] = "false",
    };

    /// <summary>The GitLab store.</summary>
    public StoreSet Stores => StoreSet.Of(App.Services);

    /// <summary>The SCIM store.</summary>
    public ScimStore Scim => App.Services.GetRequiredService<ScimStore>();

    /// <inheritdoc/>
    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        await Scim.UpsertTokenAsync(SecretDigest.Sha256Hex(InstanceToken), ScimTables.InstanceScope);
    }

    /// <summary>A group (optionally a subgroup) with SAML SSO at the given default role, and its SCIM token.</summary>
    public async Task<ScimGroup> GroupAsync(AccessLevel defaultRole = AccessLevel.Developer, bool samlProvider = true, bool enabled = true, GitLabNamespace? parent = null)
    {
        var id = TestIds.Next();
        var path = TestIds.Name("scimgroup");
        var group = new GitLabNamespace
        {
            Id = id,
            Name = "SCIM group " + id,
            FullPath = parent is null ? path : parent.FullPath + "/" + path,
            ParentId = parent?.Id,
            RootId = parent?.RootId ?? id,
        };
        await Stores.Namespaces.UpsertNamespaceAsync(group);
        var token = "group-scim-token-" + id;
        if (samlProvider)
        {
            await Scim.UpsertSamlProviderAsync(new SamlProvider(id, enabled, defaultRole));
            await Scim.UpsertTokenAsync(SecretDigest.Sha256Hex(token), ScimTables.GroupScope(id));
        }

        return new ScimGroup(group, token);
    }

    /// <summary>A user with a fresh username and e-mail.</summary>
    public async Task<User> UserAsync(Func<User, User>? change = null)
    {
        var id = TestIds.Next();
        var name = TestIds.Name("scimuser");
        var user = new User { Id = id, Username = name, Name = "SCIM user " + id, Email = name + "@example.com" };
        user = change?.Invoke(user) ?? user;
        await Stores.Users.UpsertUserAsync(user);
        return user;
    }

    /// <summary>Sends a SCIM request with the token (none when null) and a JSON body as <c>application/scim+json</c>.</summary>
    public async Task<ScimAnswer> SendAsync(HttpMethod method, string path, string? token, string? json = null, string mediaType = "application/scim+json")
    {
        using var request = new HttpRequestMessage(method, path);
        if (json is not null)
        {
            request.Content = new StringContent(json, Encoding.UTF8, new MediaTypeHeaderValue(mediaType));
        }

        if (token is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }

        using var response = await App.Client.SendAsync(request);
        return new ScimAnswer(response.StatusCode, response.Content.Headers.ContentType?.MediaType, await response.Content.ReadAsStringAsync());
    }

    /// <summary>A create body.</summary>
    public static string CreateBody(string externalId, string userName, string email, string name = "Test User") =>
        new JsonObject
        {
            ["schemas"] = new JsonArray("urn:ietf:params:scim:schemas:core:2.0:User"),
            ["externalId"] = externalId,
            ["active"] = null,
            ["userName"] = userName,
            ["emails"] = new JsonArray(new JsonObject { ["primary"] = true, ["type"] = "work", ["value"] = email }),
            ["name"] = new JsonObject { ["formatted"] = name, ["familyName"] = "User", ["givenName"] = "Test" },
            ["meta"] = new JsonObject { ["resourceType"] = "User" },
        }.ToJsonString();

    /// <summary>A PATCH body with one operation.</summary>
    public static string Operation(string op, string? path, JsonNode? value)
    {
        var operation = new JsonObject { ["op"] = op, ["value"] = value };
        if (path is not null)
        {
            operation["path"] = path;
        }

        return new JsonObject { ["Operations"] = new JsonArray(operation) }.ToJsonString();
    }

    /// <summary>The SCIM error body GitLab sends.</summary>
    public static string Error(int status, string detail) =>
        new JsonObject { ["schemas"] = new JsonArray("urn:ietf:params:scim:api:messages:2.0:Error"), ["detail"] = detail, ["status"] = status }
            .ToJsonString(new System.Text.Json.JsonSerializerOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping });
}

[CollectionDefinition("scim")]
public sealed class ScimCollection : ICollectionFixture<ScimFixture>;
