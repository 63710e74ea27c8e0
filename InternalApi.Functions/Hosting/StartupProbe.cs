namespace InternalApi.Functions.Hosting;

/// <summary>
/// <c>INTERNALAPI_STARTUP_PROBE=1</c>: Program prints <see cref="Line"/> and exits where the worker would connect
/// to the Functions host (just before <c>host.RunAsync()</c>), so that <c>bench startup</c> can time the worker's
/// own start path without a host. Off unless that variable is exactly 1; nothing else reads it.
/// </summary>
public static class StartupProbe
{
    /// <summary>The environment variable.</summary>
    public const string Variable = "INTERNALAPI_STARTUP_PROBE";

    /// <summary>What the probe prints (benchmarks/EmptyWorker prints the same).</summary>
    public const string Line = "startup-probe: ready";

    /// <summary>True when the probe is asked for.</summary>
    public static bool Requested => Environment.GetEnvironmentVariable(Variable) == "1";

    /// <summary>Prints the line; Program then returns instead of running.</summary>
    public static void Report()
    {
        Console.Out.WriteLine(Line);
        Console.Out.Flush();
    }
}
