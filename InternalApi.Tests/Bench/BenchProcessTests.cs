using System.Diagnostics;
using InternalApi.Bench;

namespace InternalApi.Tests.Bench;

/// <summary>The bench's memory lines read Linux <c>/proc</c>; these check that reading on this very process.</summary>
public sealed class BenchProcessTests
{
    [Fact]
    public void The_Resident_Set_Split_Adds_Up_To_The_Whole_And_Finds_Each_Part()
    {
        var pid = Environment.ProcessId;
        var (files, code, other) = BenchProcess.ResidentSplitKb(pid);
        var rollup = BenchProcess.RollupKb(pid, "Rss");

        // smaps and smaps_rollup are read a moment apart; the process moves by a few pages in between.
        Assert.InRange(files + code + other, rollup * 0.9, rollup * 1.1);
        Assert.True(files > 10_000, $"mapped files {files} kB: the runtime's own libraries are more than that");
        Assert.True(other > 1_000, $"heaps and stacks {other} kB");
        // JIT-compiled code lives in the double mapping unless W^X is turned off for this process.
        if (Environment.GetEnvironmentVariable("DOTNET_EnableWriteXorExecute") != "0")
        {
            Assert.True(code > 0, "no memfd:doublemapper mapping found");
        }
    }

    [Fact]
    public void Status_Fields_Read_As_Written_And_As_Numbers()
    {
        using var self = Process.GetCurrentProcess();
        // The high-water mark read after the resident set can only be at least that.
        var now = BenchProcess.StatusKb(self.Id, "VmRSS");
        var peak = BenchProcess.StatusKb(self.Id, "VmHWM");
        Assert.True(now > 0 && peak >= now, $"VmRSS {now} kB, VmHWM {peak} kB");
        Assert.EndsWith(" kB", BenchProcess.StatusField(self.Id, "VmHWM"), StringComparison.Ordinal);
        Assert.Equal(0, BenchProcess.StatusKb(self.Id, "NoSuchField"));
        Assert.Equal("n/a", BenchProcess.StatusField(self.Id, "NoSuchField"));
    }
}
