using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Diagnosers;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Running;
using BenchmarkDotNet.Toolchains.InProcess.Emit;

namespace InternalApi.Benchmarks;

/// <summary>
/// <c>./run.sh bench micro [BenchmarkDotNet arguments]</c>. Without a <c>--job</c>, a short job (3 warm-ups,
/// 8 measured iterations, one process) keeps the whole set within a few minutes on two shared cores: timings
/// are noisy there, but the Allocated column is exact whatever the noise. Without a <c>--filter</c>, every
/// benchmark runs (instead of BenchmarkDotNet's interactive menu, which would wait for a terminal).
/// <para>
/// Benchmarks run in this process (<c>--inProcess</c>, also for jobs given on the command line): the default
/// toolchain builds a generated project that rebuilds the Functions app with its worker extensions, which
/// takes over two minutes here and hits BenchmarkDotNet's build timeout. The memory diagnoser measures
/// in-process runs exactly as it does separate ones.
/// </para>
/// </summary>
public static class Program
{
    /// <summary>Runs the selected benchmarks.</summary>
    public static void Main(string[] args)
    {
        var config = DefaultConfig.Instance
            .AddDiagnoser(MemoryDiagnoser.Default)
            .AddJob(Job.Default.WithWarmupCount(3).WithIterationCount(8).WithLaunchCount(1)
                .WithToolchain(InProcessEmitToolchain.Instance).WithId("Micro").AsDefault());

        if (!args.Contains("--inProcess", StringComparer.OrdinalIgnoreCase) && !args.Contains("-i"))
        {
            args = [.. args, "--inProcess"];
        }

        var selects = args.Any(a => a is "--filter" or "-f" or "--list" or "--allCategories" or "--anyCategories" || a.StartsWith("--filter=", StringComparison.Ordinal));
        BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(selects ? args : [.. args, "--filter", "*"], config);
    }
}
