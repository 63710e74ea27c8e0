using System.Globalization;
using Azure.Data.Tables;
using InternalApi.Core.Data;
using InternalApi.Core.Storage;
using InternalApi.Tool;
using InternalApi.Tool.Generate;

namespace InternalApi.Tests.Import;

/// <summary>
/// <c>migrate-layout</c> on a store written before the spread layout: the rows an import writes today are turned
/// back into the old layout (value as PartitionKey, empty RowKey; user/key links by user and key), then migrated.
/// </summary>
[Collection("import")]
public sealed class SpreadLayoutMigrationTests(ImportFixture fixture)
{
    [Fact]
    public async Task Old_Layout_Rows_Move_Into_The_Spread_Layout_Keeping_Rows_Written_Since_And_A_Second_Run_Moves_Nothing()
    {
        var path = await ImportFixture.GenerateAsync(200, 5);

        try
        {
            var prefix = ImportFixture.NewPrefix();
            var imported = await fixture.ImportFileAsync(path, prefix);
            Assert.True(imported.Code == 0, imported.Error);
            var expected = await fixture.SnapshotAsync(prefix);
            var stores = fixture.Stores(prefix);
            var tables = stores.Tables;
            var old = 0;
            foreach (var table in new[]
            {
                tables.Users, tables.UsernameIndex, tables.UserEmails, tables.SshKeys, tables.SshKeyFingerprints,
                tables.Namespaces, tables.NamespacePaths, tables.Projects, tables.ProjectRoutes,
            })
            {
                old += await RelayoutAsync(table, row => new TableEntity(row) { PartitionKey = row.RowKey, RowKey = "" });
            }

            old += await RelayoutAsync(tables.UserSshKeys, row => new TableEntity(row.RowKey.Split(':')[0], row.RowKey.Split(':')[1]));

            // Nor had it the membership copies in the hierarchies' partitions.
            var copies = (await ImportFixture.RowsAsync(tables.NamespaceTree)).Where(r => r.RowKey.StartsWith("m-", StringComparison.Ordinal)).ToList();
            Assert.NotEmpty(copies);
            foreach (var copy in copies)
            {
                await tables.NamespaceTree.DeleteEntityAsync(copy.PartitionKey, copy.RowKey);
            }

            Assert.NotEqual(expected, await fixture.SnapshotAsync(prefix));
            var user = (await ImportFixture.RowsAsync(tables.Users)).First(r => r.PartitionKey == Id(InstanceGenerator.IdOffset + 1));
            Assert.Null(await stores.Users.GetUserAsync(InstanceGenerator.IdOffset + 1)); // the new code does not read the old layout

            // A user the new code wrote before the migration ran: its row is newer than the old one and is kept.
            var renamed = EntityMapping.ToUser(new TableEntity(user) { RowKey = Id(InstanceGenerator.IdOffset + 1) }) with { Name = "Renamed Since" };
            await tables.Users.UpsertEntityAsync(EntityMapping.ToEntity(renamed), TableUpdateMode.Replace);

            var first = await RunAsync(prefix);
            Assert.True(first.Code == 0, first.Error);
            Assert.Contains($"migrate-layout: {old} rows moved", first.Output, StringComparison.Ordinal);
            Assert.Contains($"migrate-layout: copied {copies.Count} memberships into their hierarchies", first.Output, StringComparison.Ordinal);
            Assert.Equal("Renamed Since", (await stores.Users.GetUserAsync(InstanceGenerator.IdOffset + 1))?.Name);
            var after = await fixture.SnapshotAsync(prefix);
            bool RenamedRow(string line) => line.Contains("Users|", StringComparison.Ordinal) && line.Contains("|" + Id(InstanceGenerator.IdOffset + 1) + "|", StringComparison.Ordinal);
            bool Marker(string line) => line.Contains("NamespaceTree|layout|", StringComparison.Ordinal);
            Assert.Equal(expected.Where(l => !RenamedRow(l)), after.Where(l => !RenamedRow(l) && !Marker(l)));

            // Every lookup the app makes finds the migrated rows: by id, username, e-mail, path, fingerprint, a user's keys.
            var owner = await stores.Users.FindUserByUsernameAsync("gen-user-3");
            Assert.Equal(InstanceGenerator.IdOffset + 3, owner?.Id);
            Assert.Equal(owner?.Id, (await stores.Users.FindUserByEmailAsync("gen-user-3@example.com"))?.Id);
            var key = await stores.Keys.GetKeyAsync(InstanceGenerator.IdOffset + 3);
            Assert.Equal("Generated User 3", (await stores.Fingerprints.FindFingerprintEntryAsync(key!.Fingerprint))?.OwnerName);
            Assert.NotNull(await stores.Namespaces.FindNamespaceByPathAsync("gen-user-3"));
            Assert.NotNull(await stores.Projects.FindProjectByPathAsync("gen-user-2/project-2"));
            await stores.Users.UpsertUserAsync(owner! with { Name = "Owner Renamed" });
            Assert.Equal("Owner Renamed", (await stores.Fingerprints.FindFingerprintEntryAsync(key.Fingerprint))?.OwnerName); // found through UserSshKeys

            var second = await RunAsync(prefix);
            Assert.True(second.Code == 0, second.Error);
            Assert.Contains("migrate-layout: 0 rows moved", second.Output, StringComparison.Ordinal);
            Assert.DoesNotContain("copied", second.Output, StringComparison.Ordinal); // once per store
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public async Task A_Store_Without_Tables_Has_Nothing_To_Move()
    {
        var result = await RunAsync(ImportFixture.NewPrefix());
        Assert.True(result.Code == 0, result.Error);
        Assert.Contains("migrate-layout: 0 rows moved", result.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Unreachable_Storage_Is_One_Line_And_Exit_1()
    {
        // A port nobody listens on.
        using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        var port = ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        var connection = fixture.Azurite.ConnectionString.Replace($":{fixture.Azurite.TablePort}/", $":{port}/", StringComparison.Ordinal);
        using var output = new StringWriter();
        using var error = new StringWriter();
        var code = await ToolCommands.RunAsync(["migrate-layout", "--AzureWebJobsStorage=" + connection, "--Storage:MaxRetries=0"], output, error);
        Assert.Equal(1, code);
        Assert.Equal($"migrate-layout: storage failed (Connection refused (127.0.0.1:{port})); running it again is safe", error.ToString().Trim());
    }

    private async Task<(int Code, string Output, string Error)> RunAsync(string prefix)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var code = await ToolCommands.RunAsync(["migrate-layout", .. fixture.Configuration(prefix)], output, error);
        return (code, output.ToString(), error.ToString());
    }

    /// <summary>Rewrites every row of <paramref name="table"/> as <paramref name="relayout"/> says (the old layout); how many.</summary>
    private static async Task<int> RelayoutAsync(TableClient table, Func<TableEntity, TableEntity> relayout)
    {
        var rows = await ImportFixture.RowsAsync(table);
        foreach (var row in rows)
        {
            var moved = relayout(row);
            moved.Remove("odata.etag");
            await table.UpsertEntityAsync(moved, TableUpdateMode.Replace);
            await table.DeleteEntityAsync(row.PartitionKey, row.RowKey);
        }

        return rows.Count;
    }

    private static string Id(long id) => id.ToString(CultureInfo.InvariantCulture);
}
