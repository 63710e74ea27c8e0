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

    [Fact]
    public void Cpu_Time_Grows_With_Work_Done_And_Is_Null_For_A_Process_That_Is_Gone()
    {
        var before = BenchProcess.CpuMs(Environment.ProcessId);
        Assert.NotNull(before);
        // Spin on this thread until the count has moved by ten clock ticks (10 ms each): on a loaded machine the thread
        // may wait for a core, so the loop watches the count rather than the clock (which only bounds it).
        var spin = Stopwatch.StartNew();
        var x = 0L;
        double? after = before;
        while (after < before + 100 && spin.Elapsed < TimeSpan.FromSeconds(30))
        {
            for (var i = 0; i < 100_000; i++)
            {
                x += spin.ElapsedTicks % 7;
            }

            after = BenchProcess.CpuMs(Environment.ProcessId);
        }

        Assert.True(after >= before + 100, $"CPU before {before} ms, after {after} ms (spun {x})");
        Assert.Null(BenchProcess.CpuMs(int.MaxValue));
    }

    [Fact]
    public async Task A_Child_Process_Is_Found_With_Its_Command_Line()
    {
        using var child = Process.Start(new ProcessStartInfo("sleep", "30") { UseShellExecute = false })!;
        try
        {
            Assert.Contains(child.Id, BenchProcess.Children(Environment.ProcessId));
            Assert.Equal("sleep 30", BenchProcess.CommandLine(child.Id));
        }
        finally
        {
            child.Kill();
            await child.WaitForExitAsync();
        }

        Assert.Empty(BenchProcess.Children(int.MaxValue));
        Assert.Equal("", BenchProcess.CommandLine(int.MaxValue));
    }
}
