using InternalApi.Core.Storage;

namespace InternalApi.Tests.Storage;

/// <summary>The spread layout's partition function (docs/decisions/0006-spread-partitions.md).</summary>
public sealed class SpreadTests
{
    /// <summary>
    /// Pinned: every stored row of the nine spread tables sits where this function put it, so a change to it (another
    /// hash, another bucket count, another spelling) would make every lookup miss. The values were computed apart
    /// from this code (FNV-1a, 32 bits, over the UTF-16 code units, modulo 64).
    /// </summary>
    [Theory]
    [InlineData("1", "1c")]
    [InlineData("1000001", "2f")]
    [InlineData("gen-user-3", "33")]
    [InlineData("acme%2Fplatform", "05")]
    [InlineData("SHA256:abc", "00")]
    public void Partition_Of_A_Key_Never_Changes(string key, string partition) => Assert.Equal(partition, Spread.PartitionOf(key));

    [Fact]
    public void Keys_Spread_Over_All_64_Partitions_Evenly()
    {
        var counts = Enumerable.Range(1, 64_000).Select(i => Spread.PartitionOf(i.ToString(System.Globalization.CultureInfo.InvariantCulture)))
            .GroupBy(p => p).ToDictionary(g => g.Key, g => g.Count());
        Assert.Equal(Spread.Partitions, counts.Count);
        Assert.All(counts, c => Assert.InRange(c.Value, 800, 1200)); // 1,000 each when even
        Assert.All(counts.Keys, p => Assert.Matches("^[0-9a-f]{2}$", p));
    }
}
