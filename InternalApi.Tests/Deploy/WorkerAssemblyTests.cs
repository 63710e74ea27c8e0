using System.Reflection;
using InternalApi.Functions.Startup;

namespace InternalApi.Tests.Deploy;

/// <summary>
/// The deployed project is the worker: operator commands, benchmarks, startup probes and JIT-profile training live in
/// projects of their own (tools/, benchmarks/) and none of them is compiled into, or referenced by, what Azure runs.
/// </summary>
public sealed class WorkerAssemblyTests
{
    private static readonly Assembly Worker = typeof(WorkerApplication).Assembly;

    [Fact]
    public void The_Worker_Holds_No_Command_Bench_Or_Profile_Code()
    {
        var strays = Worker.GetTypes()
            .Where(t => t.Namespace?.StartsWith("InternalApi", StringComparison.Ordinal) == true && !t.Name.StartsWith('<'))
            .Select(t => t.Name)
            .Where(n => n.EndsWith("Command", StringComparison.Ordinal) || n.StartsWith("Bench", StringComparison.Ordinal) ||
                        n.Contains("JitProfile", StringComparison.Ordinal) || n.Contains("StartupProbe", StringComparison.Ordinal) || n == "CommandServices")
            .ToList();
        Assert.Empty(strays);
    }

    [Fact]
    public void The_Worker_References_Neither_The_Tool_Nor_The_Bench()
    {
        var references = Worker.GetReferencedAssemblies().Select(a => a.Name).ToList();
        Assert.DoesNotContain("InternalApi.Tool", references);
        Assert.DoesNotContain("InternalApi.Bench", references);
        Assert.DoesNotContain("System.CommandLine", references);
    }
}
