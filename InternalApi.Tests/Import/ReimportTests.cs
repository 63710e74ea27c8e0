using Azure.Data.Tables;
using InternalApi.Core.Storage;
using InternalApi.Tests.Infrastructure;

namespace InternalApi.Tests.Import;

/// <summary>
/// Importing into a store that holds the records: an unchanged record is rewritten in batches (one read of it first,
/// to keep what the app wrote), a changed one moves its index rows through the store's upsert; both end as a clean
/// import of the new file would, and a damaged index is repaired either way.
/// </summary>
[Collection("import")]
public sealed class ReimportTests(ImportFixture fixture)
{
    private static string File(long u, string key0, string key1, string name0, string email1, string projectPath) => $$"""
    {
      "users": [
        { "id": {{u}}, "username": "a{{u}}", "name": "{{name0}}", "email": "a{{u}}@example.com", "namespace_id": {{u}} },
        { "id": {{u + 1}}, "username": "b{{u}}", "name": "B {{u}}", "email": "{{email1}}", "namespace_id": {{u + 1}} },
        { "id": {{u + 2}}, "username": "c{{u}}", "name": "C {{u}}", "email": "c{{u}}@example.com", "namespace_id": {{u + 2}} }
      ],
      "groups": [ { "id": {{u + 3}}, "path": "rg{{u}}" } ],
      "keys": [
        { "id": {{u}}, "user_id": {{u}}, "title": "a", "key": "{{key0}}" },
        { "id": {{u + 1}}, "user_id": {{u + 2}}, "title": "c", "key": "{{key1}}" }
      ],
      "projects": [
        { "id": {{u}}, "namespace": "rg{{u}}", "path": "{{projectPath}}" },
        { "id": {{u + 1}}, "namespace": "c{{u}}", "path": "still" }
      ]
    }
    """;

    [Fact]
    public async Task Changed_Records_Move_Their_Index_Rows_And_Unchanged_Ones_Are_Rewritten_Repairing_The_Index()
    {
        var u = TestIds.Next() * 10;
        var (key0, key1) = (ImportFixture.Key("a"), ImportFixture.Key("c"));
        var prefix = ImportFixture.NewPrefix();
        var first = await fixture.ImportAsync(File(u, key0, key1, "A " + u, $"b{u}@example.com", "app"), prefix);
        Assert.True(first.Code == 0, first.Error);
        var stores = fixture.Stores(prefix);
        var fingerprint0 = (await stores.Keys.GetKeyAsync(u))!.Fingerprint;

        // What the app wrote since, and index rows lost (the unchanged user's username, its key's fingerprint, a project route).
        await stores.Users.TouchUserActivityAsync((await stores.Users.GetUserAsync(u + 2))!);
        await stores.Projects.UpdateProjectActivityAsync(u + 1, DateTimeOffset.UtcNow, repositoryUpdated: true, defaultBranch: "trunk");
        var fingerprint1 = (await stores.Keys.GetKeyAsync(u + 1))!.Fingerprint;
        await stores.Tables.UsernameIndex.DeleteSpreadAsync("c" + u);
        await stores.Tables.SshKeyFingerprints.DeleteSpreadAsync(TableKey.Encode(fingerprint1));
        await stores.Tables.ProjectRoutes.DeleteSpreadAsync($"c{u}%2Fstill");
        Assert.Null(await stores.Users.FindUserByUsernameAsync("c" + u));

        var second = await fixture.ImportAsync(File(u, key0, key1, "Renamed " + u, $"bb{u}@example.com", "moved"), prefix);
        Assert.True(second.Code == 0, second.Error);

        // Changed (the import renames no user): the display name reaches the key's fingerprint row; the old e-mail and path move.
        Assert.Equal("Renamed " + u, (await stores.Fingerprints.FindFingerprintEntryAsync(fingerprint0))?.OwnerName);
        Assert.Null(await stores.Users.FindUserByEmailAsync($"b{u}@example.com"));
        Assert.Equal(u + 1, (await stores.Users.FindUserByEmailAsync($"bb{u}@example.com"))?.Id);
        Assert.Equal((u, true), await RouteAsync(stores, $"rg{u}/app"));
        Assert.Equal((u, false), await RouteAsync(stores, $"rg{u}/moved"));

        // Unchanged: what the app wrote is kept, and the lost index rows are back.
        var c = await stores.Users.FindUserByUsernameAsync("c" + u);
        Assert.NotNull(c?.LastActivityAt);
        Assert.Equal("C " + u, (await stores.Fingerprints.FindFingerprintEntryAsync(fingerprint1))?.OwnerName);
        var still = (await stores.Projects.FindProjectByPathAsync($"c{u}/still"))?.Project;
        Assert.Equal(("trunk", true), (still?.DefaultBranch, still?.LastRepositoryUpdatedAt is not null));

        // And a third import of the same file changes nothing.
        var before = await fixture.SnapshotAsync(prefix);
        var third = await fixture.ImportAsync(File(u, key0, key1, "Renamed " + u, $"bb{u}@example.com", "moved"), prefix);
        Assert.True(third.Code == 0, third.Error);
        Assert.Equal(before, await fixture.SnapshotAsync(prefix));
    }

    private static async Task<(long Id, bool Redirected)?> RouteAsync(StoreSet stores, string path) =>
        await stores.Projects.FindProjectByPathAsync(path) is { } found ? (found.Project.Id, found.Redirected) : null;
}
