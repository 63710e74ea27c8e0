namespace InternalApi.Tests.Infrastructure;

/// <summary>
/// Base for an area's own collection fixture: one Azurite and one local host (with its queue
/// dispatcher) shared by that collection only, so areas never see each other's data or messages.
/// <code>
/// public sealed class GitFixture : IsolatedAppFixture;
/// [CollectionDefinition("git")] public sealed class GitCollection : ICollectionFixture&lt;GitFixture&gt;;
/// </code>
/// </summary>
public abstract class IsolatedAppFixture : IAsyncLifetime
{
    /// <summary>The server.</summary>
    public AzuriteServer Azurite { get; private set; } = null!;

    /// <summary>The app.</summary>
    public TestApp App { get; private set; } = null!;

    /// <summary>Extra settings for the app (override to change configuration).</summary>
    protected virtual IDictionary<string, string?> Settings => new Dictionary<string, string?>();

    /// <inheritdoc/>
    public virtual async Task InitializeAsync()
    {
        Azurite = await AzuriteServer.StartAsync();
        App = await TestApp.StartAsync(Azurite.ConnectionString, settings: Settings);
    }

    /// <inheritdoc/>
    public virtual async Task DisposeAsync()
    {
        await App.DisposeAsync();
        await Azurite.DisposeAsync();
    }
}

/// <summary>Ids unique within a test run, so tests sharing a store never collide.</summary>
public static class TestIds
{
    private static long _next = 1_000_000 + Random.Shared.Next(0, 1_000_000) * 1000L;

    /// <summary>A fresh id.</summary>
    public static long Next() => Interlocked.Increment(ref _next);

    /// <summary>A fresh lower-case name with a prefix, e.g. <c>user-1000123</c>.</summary>
    public static string Name(string prefix) => prefix + Next().ToString(System.Globalization.CultureInfo.InvariantCulture);
}
