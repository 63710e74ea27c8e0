using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using InternalApi.Core.Auth;
using InternalApi.Core.Kubernetes;
using InternalApi.Core.Model;
using InternalApi.Functions.Hosting;
using InternalApi.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace InternalApi.Tests.Kubernetes;

/// <summary>Which KAS JWT a request carries.</summary>
public enum KasJwt
{
    /// <summary>A valid one.</summary>
    Valid,

    /// <summary>None.</summary>
    None,

    /// <summary>Not a JWT at all.</summary>
    Garbage,

    /// <summary>A KAS-shaped JWT signed with another key.</summary>
    WrongKey,

    /// <summary>The shell JWT (in the KAS header).</summary>
    Shell,
}

/// <summary>An agent seeded for a test, with the clear text of its active token.</summary>
public sealed record SeededAgent(ClusterAgent Agent, string Token, Project Project);

/// <summary>One Azurite and one app for the KAS agent endpoints, with a configured Gitaly storage.</summary>
public class KasFixture : IsolatedAppFixture
{
    /// <summary>The Gitaly address of the <c>default</c> storage.</summary>
    public const string GitalyAddress = "tcp://gitaly.internal:8075";

    /// <summary>Its token.</summary>
    public const string GitalyToken = "gitaly-secret";

    /// <inheritdoc/>
    protected override IDictionary<string, string?> Settings => new Dictionary<string, string?>
    {
        ["Gitaly:Storages:default:Address"] = GitalyAddress,
        ["Gitaly:Storages:default:Token"] = GitalyToken,
        ["Gitaly:Storages:nfs2:Address"] = "tls://gitaly-2.internal:9999",
        ["Gitaly:Features:inforef_uploadpack_cache"] = "true",
        ["Queues:DispatcherEnabled"] = "false",
    }.Concat(MoreSettings).ToDictionary();

    /// <summary>Settings a derived fixture adds.</summary>
    protected virtual IDictionary<string, string?> MoreSettings => new Dictionary<string, string?>();

    /// <summary>The GitLab store.</summary>
    public StoreSet Stores => StoreSet.Of(App.Services);

    /// <summary>The agents' store.</summary>
    public AgentStore Agents => App.Services.GetRequiredService<AgentStore>();

    /// <summary>A user.</summary>
    public async Task<User> UserAsync(UserState state = UserState.Active, bool admin = false)
    {
        var id = TestIds.Next();
        var user = new User { Id = id, Username = TestIds.Name("kasuser"), Name = "KAS test user " + id, State = state, Admin = admin };
        await Stores.Users.UpsertUserAsync(user);
        return user;
    }

    /// <summary>A project in a group of its own.</summary>
    public async Task<Project> ProjectAsync(
        Visibility visibility = Visibility.Private,
        FeatureAccess repository = FeatureAccess.Enabled,
        string? defaultBranch = "main",
        string storage = "default",
        long? id = null)
    {
        id ??= TestIds.Next();
        var group = new GitLabNamespace { Id = id.Value, Name = "g" + id, FullPath = TestIds.Name("kasgroup"), RootId = id.Value };
        await Stores.Namespaces.UpsertNamespaceAsync(group);
        var project = new Project
        {
            Id = id.Value,
            Name = "p" + id,
            NamespaceId = id.Value,
            FullPath = group.FullPath + "/app",
            Visibility = visibility,
            RepositoryAccess = repository,
            DefaultBranch = defaultBranch,
            StorageName = storage,
        };
        await Stores.Projects.UpsertProjectAsync(project);
        return project;
    }

    /// <summary>A group, top-level or under <paramref name="parent"/>.</summary>
    public async Task<GitLabNamespace> GroupAsync(GitLabNamespace? parent = null)
    {
        var id = TestIds.Next();
        var path = TestIds.Name("kasgroup");
        var group = new GitLabNamespace
        {
            Id = id,
            Name = path,
            FullPath = parent is null ? path : parent.FullPath + "/" + path,
            ParentId = parent?.Id,
            RootId = parent?.RootId ?? id,
        };
        await Stores.Namespaces.UpsertNamespaceAsync(group);
        return group;
    }

    /// <summary>A project in <paramref name="group"/>.</summary>
    public async Task<Project> ProjectInAsync(GitLabNamespace group, Visibility visibility = Visibility.Private)
    {
        ArgumentNullException.ThrowIfNull(group);
        var id = TestIds.Next();
        var project = new Project { Id = id, Name = "p" + id, NamespaceId = group.Id, FullPath = group.FullPath + "/p" + id, Visibility = visibility, DefaultBranch = "main" };
        await Stores.Projects.UpsertProjectAsync(project);
        return project;
    }

    /// <summary>A personal access token of <paramref name="user"/>; returns its clear text.</summary>
    public async Task<string> PersonalAccessTokenAsync(User user, IReadOnlyList<string> scopes, DateOnly? expiresAt = null, bool revoked = false)
    {
        ArgumentNullException.ThrowIfNull(user);
        var text = "glpat-" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));
        await Stores.AccessTokens.UpsertPersonalAccessTokenAsync(new PersonalAccessToken
        {
            Id = TestIds.Next(),
            UserId = user.Id,
            Name = "kas",
            Digest = SecretDigest.Sha256Hex(text),
            Scopes = scopes,
            ExpiresAt = expiresAt,
            Revoked = revoked,
            CreatedAt = DateTimeOffset.UtcNow,
        });
        return text;
    }

    /// <summary>A request as a current KAS sends it: the KAS JWT and the agent token in <c>Gitlab-Agent-Api-Request</c> only.</summary>
    public Task<(int Status, string Body)> AgentRequestAsync(HttpMethod method, string path, string agentToken, HttpContent? content = null) =>
        SendAsync(method, path, null, KasJwt.Valid, content, headers: [new(AgentTokenHeader.AgentHeader, agentToken)]);

    /// <summary>A JSON POST with the KAS JWT only (the endpoints that take no agent token).</summary>
    public Task<(int Status, string Body)> KasPostAsync(string path, string json, KasJwt jwt = KasJwt.Valid) =>
        SendAsync(HttpMethod.Post, path, null, jwt, Json(json));

    /// <summary>An agent on <paramref name="project"/> (a new private project when null) with one active token.</summary>
    public async Task<SeededAgent> AgentAsync(Project? project = null, long? createdById = null, long? id = null)
    {
        project ??= await ProjectAsync();
        var agent = new ClusterAgent
        {
            Id = id ?? TestIds.Next(),
            Name = TestIds.Name("agent-"),
            ProjectId = project.Id,
            CreatedById = createdById,
            CreatedAt = DateTimeOffset.UtcNow,
        };
        await Agents.UpsertAgentAsync(agent);
        return new SeededAgent(agent, await TokenAsync(agent), project);
    }

    /// <summary>
    /// An agent registered by a user with <paramref name="role"/> on its (new, private) project — a Maintainer may
    /// manage vulnerabilities, so the Starboard endpoints act for it.
    /// </summary>
    public async Task<SeededAgent> SecurityAgentAsync(AccessLevel role = AccessLevel.Maintainer, long? agentId = null, long? projectId = null)
    {
        var user = await UserAsync();
        var project = await ProjectAsync(id: projectId);
        await Stores.Members.UpsertMembershipAsync(new Membership(MemberSource.Project, project.Id, user.Id, role));
        return await AgentAsync(project, user.Id, agentId);
    }

    /// <summary>Another token of the agent; returns its clear text.</summary>
    public async Task<string> TokenAsync(ClusterAgent agent, AgentTokenStatus status = AgentTokenStatus.Active, DateTimeOffset? lastUsedAt = null)
    {
        ArgumentNullException.ThrowIfNull(agent);
        var text = "glagent-" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(24));
        await Agents.UpsertTokenAsync(new AgentToken
        {
            Id = TestIds.Next(),
            AgentId = agent.Id,
            Digest = SecretDigest.Sha256Hex(text),
            Name = "token",
            Status = status,
            CreatedAt = DateTimeOffset.UtcNow,
            LastUsedAt = lastUsedAt,
        });
        return text;
    }

    /// <summary>A KAS JWT of the given kind (null for <see cref="KasJwt.None"/>).</summary>
    public string? Jwt(KasJwt kind) => kind switch
    {
        KasJwt.Valid => App.KasToken(),
        KasJwt.Garbage => "not-a-jwt",
        KasJwt.WrongKey => InternalJwt.Create(RandomNumberGenerator.GetBytes(32), InternalJwt.KasIssuer, InternalJwt.KasAudience, TimeProvider.System, TimeSpan.FromMinutes(1)),
        KasJwt.Shell => App.ShellToken(),
        _ => null,
    };

    /// <summary>
    /// Sends a request as KAS does: the KAS JWT and, when given, <c>Authorization: Bearer &lt;agentToken&gt;</c>
    /// (<paramref name="authorization"/> replaces that header verbatim).
    /// </summary>
    public async Task<(int Status, string Body)> SendAsync(
        HttpMethod method,
        string path,
        string? agentToken,
        KasJwt jwt = KasJwt.Valid,
        HttpContent? content = null,
        string? authorization = null,
        IEnumerable<KeyValuePair<string, string>>? headers = null)
    {
        using var request = new HttpRequestMessage(method, path) { Content = content };
        if (Jwt(jwt) is { } token)
        {
            request.Headers.Add(RequestAuthenticator.KasHeader, token);
        }

        if (authorization is not null)
        {
            request.Headers.TryAddWithoutValidation("Authorization", authorization);
        }
        else if (agentToken is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", agentToken);
        }

        foreach (var (name, value) in headers ?? [])
        {
            request.Headers.TryAddWithoutValidation(name, value);
        }

        using var response = await App.Client.SendAsync(request);
        var body = await response.Content.ReadAsStringAsync();
        if (body.Length > 0)
        {
            Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        }

        return ((int)response.StatusCode, body);
    }

    /// <summary>A GET.</summary>
    public Task<(int Status, string Body)> GetAsync(string path, string? agentToken, KasJwt jwt = KasJwt.Valid) => SendAsync(HttpMethod.Get, path, agentToken, jwt);

    /// <summary>A JSON body.</summary>
    public static StringContent Json(string json) => new(json, Encoding.UTF8, "application/json");

    /// <summary>The Gitaly payload the fixture's configuration gives for a project on the <c>default</c> storage.</summary>
    public static string GitalyJson(Project project)
    {
        ArgumentNullException.ThrowIfNull(project);
        return $$$"""
            "gitaly_info":{"address":"{{{GitalyAddress}}}","token":"{{{GitalyToken}}}","features":{"gitaly-feature-inforef_uploadpack_cache":"true"}},"gitaly_repository":{"storage_name":"default","relative_path":"{{{project.DiskPath}}}","git_object_directory":"","git_alternate_object_directories":[],"gl_repository":"project-{{{project.Id}}}","gl_project_path":"{{{project.FullPath}}}"}
            """;
    }

    /// <summary>A JSON document's root, for field-level assertions.</summary>
    public static JsonElement Parse(string json)
    {
        using var document = JsonDocument.Parse(json);
        return document.RootElement.Clone();
    }
}

/// <summary>
/// The KAS app with GitLab's optional parts switched on: agent configurations grant project access, receptive
/// agents are licensed.
/// </summary>
public sealed class KasGrantsFixture : KasFixture
{
    /// <inheritdoc/>
    protected override IDictionary<string, string?> MoreSettings => new Dictionary<string, string?>
    {
        ["Kubernetes:AgentConfigGrantsProjectAccess"] = "true",
        ["Kubernetes:ReceptiveAgentsLicensed"] = "true",
    };
}

/// <summary>The collection of <see cref="KasGrantsFixture"/>.</summary>
[CollectionDefinition(Name)]
public sealed class KasGrantsCollection : ICollectionFixture<KasGrantsFixture>
{
    /// <summary>Collection name.</summary>
    public const string Name = "kas-grants";
}

/// <summary>The KAS agent endpoint tests' collection.</summary>
[CollectionDefinition(Name)]
public sealed class KasCollection : ICollectionFixture<KasFixture>
{
    /// <summary>Collection name.</summary>
    public const string Name = "kas";
}
