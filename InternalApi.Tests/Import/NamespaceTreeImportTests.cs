using Azure.Data.Tables;
using InternalApi.Core.Data;
using InternalApi.Core.Model;
using InternalApi.Core.Subscriptions;
using InternalApi.Tests.Infrastructure;
using InternalApi.Tool.Generate;

namespace InternalApi.Tests.Import;

/// <summary>
/// The import writes the tree index with the namespaces and projects it writes (through the batch writer as through the
/// stores), and importing again puts back what is missing: an index older than its rows is repaired by a re-import.
/// Seat counts over the imported instance match a count made the slow way, from every namespace, project and membership.
/// </summary>
[Collection("import")]
public sealed class NamespaceTreeImportTests(ImportFixture fixture)
{
    [Fact]
    public async Task Import_Writes_The_Tree_Seats_Match_A_Brute_Force_Count_And_A_Reimport_Repairs_It()
    {
        var path = await ImportFixture.GenerateAsync(600, 11);

        try
        {
            var prefix = ImportFixture.NewPrefix();
            var first = await fixture.ImportFileAsync(path, prefix);
            Assert.True(first.Code == 0, first.Error);
            var stores = fixture.Stores(prefix);
            var tree = await ImportFixture.RowsAsync(stores.Tables.NamespaceTree);
            var namespaces = (await ImportFixture.RowsAsync(stores.Tables.Namespaces)).Select(EntityMapping.ToNamespace).ToDictionary(n => n.Id);
            var projects = (await ImportFixture.RowsAsync(stores.Tables.Projects)).Select(EntityMapping.ToProject).ToList();
            var members = await ImportFixture.RowsAsync(stores.Tables.Members);

            // A row per group and per project (personal namespaces have none: NamespaceTree.Indexes), and a copy of every membership.
            Assert.Equal(namespaces.Values.Count(n => n.Kind == NamespaceKind.Group) + projects.Count + members.Count, tree.Count);

            // Brute force: a namespace's root by its parent links, a member's source by its group or project.
            long RootOf(long id) => namespaces[id].ParentId is { } parent ? RootOf(parent) : id;
            var users = (await ImportFixture.RowsAsync(stores.Tables.Users)).Select(EntityMapping.ToUser).ToDictionary(u => u.Id);
            var billable = new BillableMembers(stores.Tables, stores.Users, new NamespaceTree(stores.Tables));
            var roots = namespaces.Values.Where(n => n.Kind == NamespaceKind.Group && n.ParentId is null).ToList();
            Assert.NotEmpty(roots);
            foreach (var root in roots.Take(12))
            {
                var expected = members
                    .Where(m => m.PartitionKey.StartsWith("group-", StringComparison.Ordinal)
                        ? RootOf(long.Parse(m.PartitionKey[6..], System.Globalization.CultureInfo.InvariantCulture)) == root.Id
                        : projects.Single(p => "project-" + p.Id == m.PartitionKey) is var p && RootOf(p.NamespaceId) == root.Id)
                    .Where(m => m.GetInt32("AccessLevel") >= (int)AccessLevel.Guest)
                    .Select(m => long.Parse(m.RowKey, System.Globalization.CultureInfo.InvariantCulture))
                    .Distinct()
                    .Count(id => users[id] is { Type: UserType.Human, State: UserState.Active });
                Assert.Equal(expected, await billable.CountAsync(root, "premium"));
            }

            // An index that lost rows (written before the table existed) is whole again after the same file is imported again.
            foreach (var row in tree.Where((_, i) => i % 3 == 0))
            {
                await stores.Tables.NamespaceTree.DeleteEntityAsync(row.PartitionKey, row.RowKey);
            }

            Assert.NotEqual(tree.Count, (await ImportFixture.RowsAsync(stores.Tables.NamespaceTree)).Count);
            var again = await fixture.ImportFileAsync(path, prefix);
            Assert.True(again.Code == 0, again.Error);
            Assert.Equal(Keys(tree), Keys(await ImportFixture.RowsAsync(stores.Tables.NamespaceTree)));
        }
        finally
        {
            File.Delete(path);
        }
    }

    private static IEnumerable<string> Keys(List<TableEntity> rows) => rows.Select(r => r.PartitionKey + "/" + r.RowKey + "/" + r.GetInt64("ParentId") + "/" + r.GetInt64("NamespaceId")).Order();
}
