using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using InternalApi.Core.Model;
using InternalApi.Tests.Infrastructure;
using InternalApi.Tests.Shell;
using Microsoft.Extensions.DependencyInjection;

namespace InternalApi.Tests.Git;

/// <summary>One Azurite and one app for the <c>/allowed</c> and <c>lfs_authenticate</c> tests.</summary>
public sealed class AllowedFixture : IsolatedAppFixture
{
    /// <summary>The instance host.</summary>
    public const string Host = "gitlab.example.com";

    /// <summary>The configured Gitaly address of the default storage.</summary>
    public const string GitalyAddress = "tcp://gitaly.example.com:8075";

    /// <summary>Zero blank revision.</summary>
    public const string Blank = "0000000000000000000000000000000000000000";

    /// <summary>Some revision.</summary>
    public const string RevA = "1111111111111111111111111111111111111111";

    /// <summary>Another revision.</summary>
    public const string RevB = "2222222222222222222222222222222222222222";

    /// <inheritdoc/>
    protected override IDictionary<string, string?> Settings => BaseSettings;

    /// <summary>The settings of the fixture's app (other apps in tests start from these).</summary>
    public static Dictionary<string, string?> BaseSettings => new()
    {
        ["GitLab:ExternalUrl"] = $"https://{Host}",
        ["GitLab:ReceiveMaxInputSizeMb"] = "100",
        ["Gitaly:Storages:default:Address"] = GitalyAddress,
        ["Gitaly:Features:cool-thing"] = "true",
        ["Gitaly:Features:old-thing"] = "false",
    };

    /// <summary>The store.</summary>
    public StoreSet Stores => StoreSet.Of(App.Services);

    /// <summary>Seeds a user.</summary>
    public async Task<User> UserAsync(Func<User, User>? change = null)
    {
        var id = TestIds.Next();
        var user = new User { Id = id, Username = TestIds.Name("user"), Name = $"User {id}", CreatedAt = DateTimeOffset.UtcNow };
        user = change?.Invoke(user) ?? user;
        await Stores.Users.UpsertUserAsync(user);
        return user;
    }

    /// <summary>Seeds a user's personal namespace (path = username) and links it to the user.</summary>
    public async Task<(User User, GitLabNamespace Namespace)> UserWithNamespaceAsync()
    {
        var user = await UserAsync();
        var ns = new GitLabNamespace { Id = TestIds.Next(), Kind = NamespaceKind.User, Name = user.Username, FullPath = user.Username, OwnerId = user.Id };
        ns = ns with { RootId = ns.Id };
        await Stores.Namespaces.UpsertNamespaceAsync(ns);
        user = user with { NamespaceId = ns.Id };
        await Stores.Users.UpsertUserAsync(user);
        return (user, ns);
    }

    /// <summary>Seeds a top-level group.</summary>
    public async Task<GitLabNamespace> GroupAsync(string? gitAccessProtocol = null)
    {
        var id = TestIds.Next();
        var ns = new GitLabNamespace { Id = id, Name = $"Group {id}", FullPath = TestIds.Name("group"), RootId = id, GitAccessProtocol = gitAccessProtocol };
        await Stores.Namespaces.UpsertNamespaceAsync(ns);
        return ns;
    }

    /// <summary>Seeds a project in a namespace.</summary>
    public async Task<Project> ProjectAsync(GitLabNamespace ns, Func<Project, Project>? change = null)
    {
        var path = TestIds.Name("project");
        var project = new Project
        {
            Id = TestIds.Next(),
            Name = path,
            NamespaceId = ns.Id,
            FullPath = ns.FullPath + "/" + path,
            DefaultBranch = "main",
            CreatedAt = DateTimeOffset.UtcNow,
        };
        project = change?.Invoke(project) ?? project;
        await Stores.Projects.UpsertProjectAsync(project);
        return project;
    }

    /// <summary>Seeds a project in a fresh group.</summary>
    public async Task<Project> ProjectAsync(Func<Project, Project>? change = null) => await ProjectAsync(await GroupAsync(), change);

    /// <summary>Adds a project member.</summary>
    public async Task<User> MemberAsync(Project project, AccessLevel level, Func<User, User>? change = null)
    {
        var user = await UserAsync(change);
        await Stores.Members.UpsertMembershipAsync(new Membership(MemberSource.Project, project.Id, user.Id, level));
        return user;
    }

    /// <summary>Seeds an SSH key.</summary>
    public async Task<SshKey> KeyAsync(long? userId, SshKeyKind kind = SshKeyKind.User, DateTimeOffset? expiresAt = null)
    {
        var blob = TestKeys.Ed25519Blob();
        var key = new SshKey
        {
            Id = TestIds.Next(),
            Kind = kind,
            UserId = userId,
            Title = TestIds.Name("key"),
            KeyType = "ssh-ed25519",
            Blob = blob,
            Fingerprint = SshKey.FingerprintOf(blob)!,
            CreatedAt = DateTimeOffset.UtcNow,
            ExpiresAt = expiresAt,
        };
        await Stores.Keys.UpsertKeyAsync(key);
        return key;
    }

    /// <summary>Seeds a deploy key (created by a fresh user) and enables it for a project.</summary>
    public async Task<SshKey> DeployKeyAsync(Project? project, bool canPush)
    {
        var creator = await UserAsync();
        var key = await KeyAsync(creator.Id, SshKeyKind.Deploy);
        if (project is not null)
        {
            await Stores.Keys.UpsertDeployKeyProjectAsync(new DeployKeyProject(key.Id, project.Id, canPush));
        }

        return key;
    }

    /// <summary>POSTs a JSON body to a path of an app.</summary>
    public static async Task<(HttpStatusCode Status, string Body, HttpResponseMessage Response)> PostAsync(TestApp app, string path, HttpContent content)
    {
        using var request = app.ShellRequest(HttpMethod.Post, path, content);
        var response = await app.Client.SendAsync(request);
        return (response.StatusCode, await response.Content.ReadAsStringAsync(), response);
    }

    /// <summary>POSTs JSON to <c>/allowed</c>.</summary>
    public async Task<(HttpStatusCode Status, string Body)> AllowedAsync(object body)
    {
        var (status, text, _) = await PostAsync(App, "/api/v4/internal/allowed", Json(body));
        return (status, text);
    }

    /// <summary>A JSON body from an anonymous object (snake_case names written as given).</summary>
    public static StringContent Json(object body) =>
        new(body as string ?? JsonSerializer.Serialize(body), Encoding.UTF8, new MediaTypeHeaderValue("application/json"));

    /// <summary>The denial body.</summary>
    public static string Denial(string message) =>
        JsonSerializer.Serialize(new Dictionary<string, object> { ["status"] = false, ["message"] = message }, RelaxedJson);

    /// <summary>Serializer options matching the app's relaxed escaping.</summary>
    public static JsonSerializerOptions RelaxedJson { get; } = new() { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>A string property of a JSON body.</summary>
    public static string? Str(string json, string name)
    {
        using var document = JsonDocument.Parse(json);
        return document.RootElement.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
    }
}

/// <summary>The Git endpoint tests' collection.</summary>
[CollectionDefinition(Name)]
public sealed class AllowedCollection : ICollectionFixture<AllowedFixture>
{
    /// <summary>Collection name.</summary>
    public const string Name = "allowed";
}
