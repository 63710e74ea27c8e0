using InternalApi.Tests.Infrastructure;

namespace InternalApi.Tests.Storage;

/// <summary>The harness's query guard tells single-partition queries from scans as Table Storage would pay for them.</summary>
public sealed class TableQueryGuardTests
{
    [Theory]
    [InlineData("PartitionKey eq 'project-1'")]
    [InlineData("(PartitionKey eq 'project-1')")]
    [InlineData("PartitionKey eq 'a' and RowKey ge 'iid-' and RowKey lt 'iid.'")]
    [InlineData("(PartitionKey eq 'a') and ((RowKey eq 'x') or (RowKey eq 'y'))")]
    [InlineData("PartitionKey eq 'it''s and or' and State eq 'detected'")]
    public void A_filter_with_a_top_level_partition_equality_names_one_partition(string filter) =>
        Assert.True(TableQueryGuard.NamesOnePartition(filter));

    [Theory]
    [InlineData("RootId eq 101L")]
    [InlineData("NamespaceId eq 7L or NamespaceId eq 8L")]
    [InlineData("(PartitionKey eq 'a') or (PartitionKey eq 'b')")]
    [InlineData("PartitionKey eq 'a' and Active eq true or RowKey eq 'x'")]
    [InlineData("PartitionKey ge 'a' and PartitionKey lt 'b'")]
    [InlineData("(PartitionKey eq 'a' or Active eq true)")]
    [InlineData("RowKey eq 'PartitionKey eq ''a'''")]
    public void Any_other_filter_is_a_scan(string filter) =>
        Assert.False(TableQueryGuard.NamesOnePartition(filter));

    [Fact]
    public void Point_reads_pass_and_unfiltered_queries_are_scans()
    {
        Assert.Null(TableQueryGuard.Violation(new Uri("http://127.0.0.1:10002/devstoreaccount1/tNamespaces(PartitionKey='101',RowKey='')")));
        Assert.Equal("tProjects: (no filter)", TableQueryGuard.Violation(new Uri("http://127.0.0.1:10002/devstoreaccount1/tProjects()?$select=PartitionKey")));
        Assert.Equal("tNamespaces: RootId eq 101L", TableQueryGuard.Violation(new Uri("http://127.0.0.1:10002/devstoreaccount1/tNamespaces()?$filter=RootId%20eq%20101L")));
    }

    [Fact]
    public void Only_the_operator_scans_are_allowed()
    {
        // The import's --if-empty probe reads at most one user; the same table without $top=1 is a scan.
        Assert.Null(TableQueryGuard.Violation(new Uri("http://127.0.0.1:10002/devstoreaccount1/tUsers()?$top=1&$select=PartitionKey")));
        Assert.NotNull(TableQueryGuard.Violation(new Uri("http://127.0.0.1:10002/devstoreaccount1/tUsers()?$select=PartitionKey")));
        Assert.Null(TableQueryGuard.Violation(new Uri("http://127.0.0.1:10002/devstoreaccount1/tUsageMetrics()?$filter=" +
            Uri.EscapeDataString("PartitionKey ge 'm-x-20261201' and PartitionKey le 'm-x-20261207' and RowKey eq 'total'"))));
    }
}
