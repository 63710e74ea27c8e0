using InternalApi.Core.Import;
using InternalApi.Core.Storage;
using InternalApi.Tests.Infrastructure;
using InternalApi.Tool;
using InternalApi.Tool.Generate;
using Microsoft.Extensions.DependencyInjection;

namespace InternalApi.Tests.Import;

/// <summary>The import at scale: a generated instance, streamed, batched; interrupted and run again.</summary>
[Collection("import")]
public sealed class ImportScaleTests(ImportFixture fixture)
{
    [Fact]
    public async Task Generated_Instance_Imports_And_Is_The_Same_For_The_Same_Seed()
    {
        var path = await ImportFixture.GenerateAsync(1_000, seed: 7);
        try
        {
            var again = await ImportFixture.GenerateAsync(1_000, seed: 7);
            Assert.Equal(await File.ReadAllBytesAsync(path), await File.ReadAllBytesAsync(again));
            File.Delete(again);

            var prefix = ImportFixture.NewPrefix();
            var result = await fixture.ImportFileAsync(path, prefix);
            Assert.True(result.Code == 0, result.Error);
            var shape = InstanceShape.Of(1_000);
            Assert.Contains($"imported {shape.Users,5} users", result.Output, StringComparison.Ordinal);
            Assert.Contains($"imported {shape.Keys,5} keys", result.Output, StringComparison.Ordinal);
            Assert.Contains($"imported {shape.Memberships,5} memberships", result.Output, StringComparison.Ordinal);

            var stores = fixture.Stores(prefix);
            var user = await stores.Users.FindUserByUsernameAsync("gen-user-3");
            Assert.NotNull(user);
            Assert.Equal(InstanceGenerator.PersonalNamespaceOffset + 3, user.NamespaceId);
            var key = await stores.Keys.GetKeyAsync(InstanceGenerator.IdOffset + 3);
            Assert.NotNull(key);
            var entry = await stores.Fingerprints.FindFingerprintEntryAsync(key.Fingerprint);
            Assert.Equal("Generated User 3", entry?.OwnerName);
            Assert.NotNull(await stores.Projects.FindProjectByPathAsync("gen-user-2/project-2"));
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public async Task Import_Interrupted_Midway_Then_Run_Again_Ends_As_One_Clean_Import()
    {
        var path = await ImportFixture.GenerateAsync(2_000, seed: 3);
        try
        {
            var clean = ImportFixture.NewPrefix();
            var result = await fixture.ImportFileAsync(path, clean);
            Assert.True(result.Code == 0, result.Error);

            var interrupted = ImportFixture.NewPrefix();
            await using (var services = CommandServices.Create([.. fixture.Configuration(interrupted)]))
            {
                await services.GetRequiredService<StorageInitializer>().CreateAsync();
                var importer = services.GetRequiredService<Importer>();
                var progress = new ImportProgress();
                using var stop = new CancellationTokenSource();
                // Cancelled once a quarter of the records are under way: users are written, keys partly.
                var watch = Task.Run(async () =>
                {
                    while (progress.Done < 500)
                    {
                        await Task.Delay(5);
                    }

                    await stop.CancelAsync();
                });
                await Assert.ThrowsAnyAsync<OperationCanceledException>(() => importer.ImportAsync(() => File.OpenRead(path), null, progress, stop.Token));
                await watch;
            }

            var partial = await fixture.SnapshotAsync(interrupted);
            var expected = Strip(await fixture.SnapshotAsync(clean), clean);
            Assert.NotEmpty(partial);
            Assert.True(partial.Count < expected.Count, "the import was cancelled before the end");

            result = await fixture.ImportFileAsync(path, interrupted);
            Assert.True(result.Code == 0, result.Error);
            Assert.Equal(expected, Strip(await fixture.SnapshotAsync(interrupted), interrupted));

            // And once more: a complete import run again changes nothing.
            result = await fixture.ImportFileAsync(path, interrupted);
            Assert.True(result.Code == 0, result.Error);
            Assert.Equal(expected, Strip(await fixture.SnapshotAsync(interrupted), interrupted));
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public async Task Sections_In_Any_Order_With_Comments_And_Records_Longer_Than_The_Read_Buffer()
    {
        var u = TestIds.Next() * 10;
        var padding = new string(' ', 150_000);
        var json = $$"""
        // projects before the users they refer to, and a record longer than the reader's 64 KB buffer
        {
          "projects": [ { "id": {{u}}, "namespace": "lu{{u}}", "path": "p" } ],
          "users": [ /* one */ { "id": {{u}}, "username": "lu{{u}}", "name": "Long", {{padding}} "namespace_id": {{u}} } ]
        }
        """;
        var prefix = ImportFixture.NewPrefix();
        var result = await fixture.ImportAsync(json, prefix);
        Assert.True(result.Code == 0, result.Error);
        Assert.Equal("Long", (await fixture.Stores(prefix).Users.GetUserAsync(u))?.Name);
        Assert.NotNull(await fixture.Stores(prefix).Projects.FindProjectByPathAsync($"lu{u}/p"));
    }

    [Fact]
    public async Task Syntax_Error_Far_Into_The_File_Is_Reported_With_Its_Line()
    {
        var records = string.Join(",\n", Enumerable.Range(0, 3_000).Select(i => $$"""{ "id": {{i + 1}}, "username": "s{{i}}", "name": "S" }"""));
        var result = await fixture.ImportAsync("{ \"users\": [\n" + records + "\n, ] }", ImportFixture.NewPrefix());
        Assert.Equal(1, result.Code);
        Assert.Contains("$: not valid JSON", result.Error, StringComparison.Ordinal);
        Assert.Contains("LineNumber: 3001", result.Error, StringComparison.Ordinal);
    }

    private static List<string> Strip(IEnumerable<string> lines, string prefix) => [.. lines.Select(l => l.Replace(prefix, "", StringComparison.Ordinal)).Order(StringComparer.Ordinal)];

    [Fact]
    public async Task Generated_Scim_Identities_Import_Next_To_The_Demo_Data_And_Count_In_The_Groups_List()
    {
        var prefix = ImportFixture.NewPrefix();
        var demo = await fixture.ImportFileAsync(ImportTests.FindDemo(), prefix);
        Assert.True(demo.Code == 0, demo.Error);
        var scim = new Core.Scim.ScimStore(new Core.Scim.ScimTables(fixture.Tables, Microsoft.Extensions.Options.Options.Create(new StorageOptions { TablePrefix = prefix })));
        var scope = Core.Scim.ScimTables.GroupScope(101); // acme
        var (demoTotal, _) = await scim.ListIdentitiesAsync(scope, 0, 1);

        var path = Path.Combine(Path.GetTempPath(), Guid.NewGuid().ToString("N") + ".json");
        try
        {
            using var output = new StringWriter();
            Assert.Equal(0, await GenerateCommand.ExecuteAsync(400, 2, path, output, TextWriter.Null, "acme"));
            Assert.Contains(", and 20 SCIM identities in acme", output.ToString(), StringComparison.Ordinal); // every fourth of 80 users
            var result = await fixture.ImportFileAsync(path, prefix);
            Assert.True(result.Code == 0, result.Error);
            var (total, page) = await scim.ListIdentitiesAsync(scope, 0, 5);
            Assert.Equal(demoTotal + 20, total);
            Assert.Equal(5, page.Count);
            Assert.NotNull(await scim.GetIdentityAsync(scope, InstanceGenerator.PathPrefix + "uid-19"));
        }
        finally
        {
            File.Delete(path);
        }
    }
}
