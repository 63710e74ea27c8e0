using System.Net.Http.Headers;
using System.Text;
using InternalApi.Core.Auth;
using InternalApi.Core.Model;
using InternalApi.Functions.Hosting;
using InternalApi.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace InternalApi.Tests.Shell;

/// <summary>
/// One Azurite and one app for the gitlab-shell endpoints beyond the doc, on a clock the tests move (TOTP steps,
/// OTP sessions), with 2FA for Git over SSH and audit events on, and the queue dispatcher off so that a test
/// delivers the queued audit messages itself (as often as it likes).
/// </summary>
public sealed class ShellExtrasFixture : IAsyncLifetime
{
    /// <summary>The test clock of the app (starts now: the JWTs the tests mint use it too).</summary>
    public ManualTimeProvider Clock { get; } = new(DateTimeOffset.UtcNow);

    /// <summary>The server.</summary>
    public AzuriteServer Azurite { get; private set; } = null!;

    /// <summary>The app.</summary>
    public TestApp App { get; private set; } = null!;

    /// <summary>The store.</summary>
    public StoreSet Stores => StoreSet.Of(App.Services);

    /// <inheritdoc/>
    public async Task InitializeAsync()
    {
        Azurite = await AzuriteServer.StartAsync();
        App = await TestApp.StartAsync(
            Azurite.ConnectionString,
            new Dictionary<string, string?>
            {
                ["TwoFactor:OtpCheckForGitOverSsh"] = "true",
                ["Shell:GitAuditEvents"] = "true",
                ["Queues:DispatcherEnabled"] = "false",
                ["GitLab:ExternalUrl"] = "https://gitlab.example.com",
            },
            services: s => s.AddSingleton<TimeProvider>(Clock));

        // GitLab's defaults: no 2FA for Git over SSH, no audit events; and no ssh_certificates license.
        OffApp = await TestApp.StartAsync(
            Azurite.ConnectionString,
            new Dictionary<string, string?> { ["Shell:SshCertificatesLicensed"] = "false", ["Queues:DispatcherEnabled"] = "false" },
            services: s => s.AddSingleton<TimeProvider>(Clock));
    }

    /// <summary>A second app on the same store with the switches of this area off.</summary>
    public TestApp OffApp { get; private set; } = null!;

    /// <inheritdoc/>
    public async Task DisposeAsync()
    {
        await OffApp.DisposeAsync();
        await App.DisposeAsync();
        await Azurite.DisposeAsync();
    }

    /// <summary>Sends a request with a shell JWT minted on the app's clock.</summary>
    public async Task<(int Status, string Body)> SendAsync(HttpMethod method, string path, HttpContent? content = null, TestApp? app = null)
    {
        app ??= App;
        using var request = new HttpRequestMessage(method, path) { Content = content };
        request.Headers.Add(RequestAuthenticator.ShellHeader, InternalJwt.Create(app.ShellKey, InternalJwt.ShellIssuer, null, Clock, TimeSpan.FromMinutes(1)));
        request.Headers.UserAgent.Add(new ProductInfoHeaderValue("GitLab-Shell", null));
        using var response = await app.Client.SendAsync(request);
        return ((int)response.StatusCode, await response.Content.ReadAsStringAsync());
    }

    /// <summary>A JSON POST.</summary>
    public Task<(int Status, string Body)> PostJsonAsync(string path, string json, TestApp? app = null) =>
        SendAsync(HttpMethod.Post, path, new StringContent(json, Encoding.UTF8, new MediaTypeHeaderValue("application/json")), app);

    /// <summary>Seeds a user.</summary>
    public async Task<User> UserAsync(bool twoFactor = true, UserState state = UserState.Active)
    {
        var id = TestIds.Next();
        var user = new User { Id = id, Username = TestIds.Name("user"), Name = $"User {id}", TwoFactorEnabled = twoFactor, State = state, CreatedAt = Clock.GetUtcNow() };
        await Stores.Users.UpsertUserAsync(user);
        return user;
    }

    /// <summary>Seeds a key.</summary>
    public async Task<SshKey> KeyAsync(long? userId, SshKeyKind kind = SshKeyKind.User)
    {
        var blob = TestKeys.Ed25519Blob();
        var key = new SshKey
        {
            Id = TestIds.Next(), Kind = kind, UserId = userId, Title = "laptop", KeyType = "ssh-ed25519", Blob = blob,
            Fingerprint = SshKey.FingerprintOf(blob)!, UsageType = "auth_and_signing", CreatedAt = Clock.GetUtcNow(),
        };
        await Stores.Keys.UpsertKeyAsync(key);
        return key;
    }

    /// <summary>Seeds a top-level group.</summary>
    public async Task<GitLabNamespace> GroupAsync()
    {
        var id = TestIds.Next();
        var ns = new GitLabNamespace { Id = id, Name = $"Group {id}", FullPath = TestIds.Name("group"), RootId = id };
        await Stores.Namespaces.UpsertNamespaceAsync(ns);
        return ns;
    }

    /// <summary>Seeds a private project in a fresh group, with a member.</summary>
    public async Task<Project> ProjectAsync(User member, AccessLevel level = AccessLevel.Developer, Visibility visibility = Visibility.Private)
    {
        var group = await GroupAsync();
        var path = TestIds.Name("project");
        var project = new Project { Id = TestIds.Next(), Name = path, NamespaceId = group.Id, FullPath = group.FullPath + "/" + path, DefaultBranch = "main", Visibility = visibility, CreatedAt = Clock.GetUtcNow() };
        await Stores.Projects.UpsertProjectAsync(project);
        await Stores.Members.UpsertMembershipAsync(new Membership(MemberSource.Project, project.Id, member.Id, level));
        return project;
    }
}

/// <summary>The collection of <see cref="ShellExtrasFixture"/>.</summary>
[CollectionDefinition(Name)]
public sealed class ShellExtrasCollection : ICollectionFixture<ShellExtrasFixture>
{
    /// <summary>Collection name.</summary>
    public const string Name = "shell-extras";
}
