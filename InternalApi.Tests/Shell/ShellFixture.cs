using System.Buffers.Binary;
using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Azure.Data.Tables;
using InternalApi.Core.Model;
using InternalApi.Core.Storage;
using InternalApi.Functions.Hosting;
using InternalApi.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace InternalApi.Tests.Shell;

/// <summary>One Azurite and one app for the shell endpoint tests.</summary>
public sealed class ShellFixture : IsolatedAppFixture
{
    /// <summary>The instance host the publishable keys name.</summary>
    public const string Host = "gitlab.example.com";

    /// <summary>The configured error tracking access token.</summary>
    public const string ErrorTrackingToken = "et-0123456789abcdef";

    /// <inheritdoc/>
    protected override IDictionary<string, string?> Settings => new Dictionary<string, string?>
    {
        ["GitLab:ExternalUrl"] = $"https://{Host}",
        ["GitLab:ErrorTrackingAccessToken"] = ErrorTrackingToken,
        ["GitLab:PersonalAccessTokenMaxLifetimeDays"] = "365",
    };

    /// <summary>
    /// A second instance of the app on the same Azurite, with its queue dispatcher off, so that nothing but the
    /// requests sent to it moves its <see cref="StorageCallCounter"/>. Only <see cref="SendCountedAsync"/> uses it,
    /// and the tests of a collection run one at a time, so a count is exactly one request's.
    /// </summary>
    public TestApp QuietApp { get; private set; } = null!;

    /// <summary>The store.</summary>
    public StoreSet Stores => StoreSet.Of(App.Services);

    /// <inheritdoc/>
    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        QuietApp = await TestApp.StartAsync(Azurite.ConnectionString, settings: new Dictionary<string, string?>(Settings) { ["Queues:DispatcherEnabled"] = "false" });
    }

    /// <inheritdoc/>
    public override async Task DisposeAsync()
    {
        await QuietApp.DisposeAsync();
        await base.DisposeAsync();
    }

    /// <summary>Sends a shell-authenticated GET to <see cref="QuietApp"/> and counts the storage calls it made.</summary>
    public async Task<(HttpStatusCode Status, string Body, long StorageCalls)> SendCountedAsync(string path)
    {
        var counter = QuietApp.Services.GetRequiredService<StorageCallCounter>();
        using var request = QuietApp.ShellRequest(HttpMethod.Get, path);
        var before = counter.Count;
        using var response = await QuietApp.Client.SendAsync(request);
        var body = await response.Content.ReadAsStringAsync();
        return (response.StatusCode, body, counter.Count - before);
    }

    /// <summary>The raw table client, to look at what was really stored.</summary>
    public TableServiceClient Tables => App.Services.GetRequiredService<TableServiceClient>();

    /// <summary>Seeds a user.</summary>
    public async Task<User> UserAsync(bool twoFactor = false, bool canCreateToken = true, UserState state = UserState.Active)
    {
        var id = TestIds.Next();
        var user = new User
        {
            Id = id,
            Username = TestIds.Name("user"),
            Name = $"Test User {id}",
            Email = $"user{id}@mail.example",
            TwoFactorEnabled = twoFactor,
            CanCreatePersonalAccessToken = canCreateToken,
            State = state,
            CreatedAt = DateTimeOffset.UtcNow,
        };
        await Stores.Users.UpsertUserAsync(user);
        return user;
    }

    /// <summary>Seeds an ed25519 key with a freshly generated blob.</summary>
    public async Task<SshKey> KeyAsync(long? userId, SshKeyKind kind = SshKeyKind.User, string usage = "auth_and_signing", DateTimeOffset? expiresAt = null, DateTimeOffset? createdAt = null, string? blob = null)
    {
        blob ??= TestKeys.Ed25519Blob();
        var key = new SshKey
        {
            Id = TestIds.Next(),
            Kind = kind,
            UserId = userId,
            Title = TestIds.Name("laptop-"),
            KeyType = "ssh-ed25519",
            Blob = blob,
            Fingerprint = SshKey.FingerprintOf(blob)!,
            UsageType = usage,
            CreatedAt = createdAt ?? new DateTimeOffset(2019, 6, 27, 15, 29, 2, 219, TimeSpan.Zero),
            ExpiresAt = expiresAt,
        };
        await Stores.Keys.UpsertKeyAsync(key);
        return key;
    }

    /// <summary>Sends a shell-authenticated request.</summary>
    public async Task<(HttpResponseMessage Response, string Body)> SendAsync(HttpMethod method, string path, HttpContent? content = null)
    {
        using var request = App.ShellRequest(method, path, content);
        var response = await App.Client.SendAsync(request);
        var body = await response.Content.ReadAsStringAsync();
        return (response, body);
    }

    /// <summary>A JSON body.</summary>
    public static StringContent Json(string json) => new(json, Encoding.UTF8, new MediaTypeHeaderValue("application/json"));

    /// <summary>The names of a JSON object's properties, in order.</summary>
    public static string[] Keys(string json)
    {
        using var document = JsonDocument.Parse(json);
        return [.. document.RootElement.EnumerateObject().Select(p => p.Name)];
    }
}

/// <summary>The shell tests' collection.</summary>
[CollectionDefinition(Name)]
public sealed class ShellCollection : ICollectionFixture<ShellFixture>
{
    /// <summary>Collection name.</summary>
    public const string Name = "shell";
}

/// <summary>Real SSH public key blobs, built in the SSH wire format.</summary>
public static class TestKeys
{
    /// <summary>
    /// An ed25519 public key blob as OpenSSH passes it: base64 of
    /// <c>string "ssh-ed25519"</c> + <c>string &lt;32 random bytes&gt;</c> (each prefixed by its uint32 length).
    /// </summary>
    public static string Ed25519Blob()
    {
        var type = "ssh-ed25519"u8.ToArray();
        var point = RandomNumberGenerator.GetBytes(32);
        var wire = new byte[4 + type.Length + 4 + point.Length];
        BinaryPrimitives.WriteInt32BigEndian(wire, type.Length);
        type.CopyTo(wire, 4);
        BinaryPrimitives.WriteInt32BigEndian(wire.AsSpan(4 + type.Length), point.Length);
        point.CopyTo(wire, 8 + type.Length);
        return Convert.ToBase64String(wire);
    }
}
