namespace InternalApi.Tests.Deploy;

/// <summary>Builds and lints <c>infra/main.bicep</c> once (in parallel) for every test of the collection.</summary>
public sealed class BicepFixture : IAsyncLifetime
{
    /// <summary>The repository's root folder (where azure.yaml and infra/ are).</summary>
    public string RepoRoot { get; } = FindRepoRoot();

    /// <summary><c>infra/main.bicep</c>.</summary>
    public string MainBicep => Path.Combine(RepoRoot, "infra", "main.bicep");

    /// <summary><c>bicep build infra/main.bicep --stdout</c>.</summary>
    public BicepRun Build { get; private set; } = null!;

    /// <summary><c>bicep lint infra/main.bicep</c>.</summary>
    public BicepRun Lint { get; private set; } = null!;

    /// <summary>The compiled template.</summary>
    public ArmTemplate Template { get; private set; } = null!;

    /// <summary>The compiled template as text.</summary>
    public string TemplateText => Build.StandardOutput;

    /// <inheritdoc/>
    public async Task InitializeAsync()
    {
        var build = BicepCli.RunAsync(RepoRoot, "build", MainBicep, "--stdout");
        var lint = BicepCli.RunAsync(RepoRoot, "lint", MainBicep);
        (Build, Lint) = (await build, await lint);
        if (Build.ExitCode != 0)
        {
            throw new InvalidOperationException($"bicep build failed ({Build.ExitCode}): {Build.StandardError}");
        }

        Template = ArmTemplate.Parse(Build.StandardOutput);
    }

    /// <inheritdoc/>
    public Task DisposeAsync() => Task.CompletedTask;

    private static string FindRepoRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "azure.yaml")) && File.Exists(Path.Combine(dir.FullName, "infra", "main.bicep")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException($"No azure.yaml with infra/main.bicep above {AppContext.BaseDirectory}");
    }
}

/// <summary>The infrastructure tests share one build and one lint of the templates.</summary>
[CollectionDefinition(Name)]
public sealed class BicepCollection : ICollectionFixture<BicepFixture>
{
    /// <summary>Collection name.</summary>
    public const string Name = "bicep";
}
