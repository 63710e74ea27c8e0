using InternalApi.Core.Storage;

namespace InternalApi.Tests.Infrastructure;

/// <summary>One Azurite for the storage-client tests.</summary>
public sealed class StorageFixture : IAsyncLifetime
{
    /// <summary>The server.</summary>
    public AzuriteServer Azurite { get; private set; } = null!;

    /// <summary>Table client on it.</summary>
    public TableStorageClient Tables { get; private set; } = null!;

    /// <summary>Queue client on it.</summary>
    public QueueStorageClient Queues { get; private set; } = null!;

    /// <inheritdoc/>
    public async Task InitializeAsync()
    {
        Azurite = await AzuriteServer.StartAsync();
        Tables = new TableStorageClient(Azurite.ConnectionString);
        Queues = new QueueStorageClient(Azurite.ConnectionString);
    }

    /// <inheritdoc/>
    public async Task DisposeAsync() => await Azurite.DisposeAsync();
}

/// <summary>One Azurite plus the app in both modes: standalone (with its dispatcher) and under a simulated host.</summary>
public sealed class AppFixture : IAsyncLifetime
{
    /// <summary>The server.</summary>
    public AzuriteServer Azurite { get; private set; } = null!;

    /// <summary>Standalone app.</summary>
    public TestApp App { get; private set; } = null!;

    /// <summary>Custom-handler mode app (no dispatcher; queue invocations at POST /{name}).</summary>
    public TestApp HostedApp { get; private set; } = null!;

    /// <summary>Standalone app with test-only functions and no dispatcher (so it never competes for messages).</summary>
    public TestApp EchoApp { get; private set; } = null!;

    /// <inheritdoc/>
    public async Task InitializeAsync()
    {
        Azurite = await AzuriteServer.StartAsync();
        App = await TestApp.StartAsync(Azurite.ConnectionString);
        HostedApp = await TestApp.StartAsync(Azurite.ConnectionString, underHost: true);
        EchoApp = await TestApp.StartAsync(
            Azurite.ConnectionString,
            settings: new Dictionary<string, string?> { ["Queues:DispatcherEnabled"] = "false", ["Http:MaxRequestBodyBytes"] = "65536" },
            catalog: TestFunctions.Catalog);
    }

    /// <inheritdoc/>
    public async Task DisposeAsync()
    {
        await App.DisposeAsync();
        await HostedApp.DisposeAsync();
        await EchoApp.DisposeAsync();
        await Azurite.DisposeAsync();
    }
}

/// <summary>Storage-client tests share one Azurite.</summary>
[CollectionDefinition(Name)]
public sealed class StorageCollection : ICollectionFixture<StorageFixture>
{
    /// <summary>Collection name.</summary>
    public const string Name = "storage";
}

/// <summary>HTTP and queue tests share one Azurite and one app per mode.</summary>
[CollectionDefinition(Name)]
public sealed class AppCollection : ICollectionFixture<AppFixture>
{
    /// <summary>Collection name.</summary>
    public const string Name = "app";
}
