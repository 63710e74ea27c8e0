namespace InternalApi.Tests.Infrastructure;

/// <summary>One Azurite plus the local host twice: the build's functions (with the queue listener), and with test-only functions.</summary>
public sealed class AppFixture : IAsyncLifetime
{
    /// <summary>The server.</summary>
    public AzuriteServer Azurite { get; private set; } = null!;

    /// <summary>The build's functions, polling their queues.</summary>
    public TestApp App { get; private set; } = null!;

    /// <summary>The build's functions plus test-only ones, not polling (so it never competes for messages).</summary>
    public TestApp EchoApp { get; private set; } = null!;

    /// <inheritdoc/>
    public async Task InitializeAsync()
    {
        Azurite = await AzuriteServer.StartAsync();
        App = await TestApp.StartAsync(Azurite.ConnectionString);
        EchoApp = await TestApp.StartAsync(
            Azurite.ConnectionString,
            settings: new Dictionary<string, string?> { ["Queues:DispatcherEnabled"] = "false", ["Http:MaxRequestBodyBytes"] = "65536" },
            extraFunctions: TestFunctions.Metadata);
    }

    /// <inheritdoc/>
    public async Task DisposeAsync()
    {
        await App.DisposeAsync();
        await EchoApp.DisposeAsync();
        await Azurite.DisposeAsync();
    }
}

/// <summary>HTTP and queue tests share one Azurite and one app per mode.</summary>
[CollectionDefinition(Name)]
public sealed class AppCollection : ICollectionFixture<AppFixture>
{
    /// <summary>Collection name.</summary>
    public const string Name = "app";
}
