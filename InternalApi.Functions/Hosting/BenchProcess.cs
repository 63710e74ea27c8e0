using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace InternalApi.Functions.Hosting;

/// <summary>
/// What the bench commands (and the JIT profile recording) need of the machine: a free loopback port, a child
/// <c>dotnet</c> process, and a process's memory from Linux <c>/proc</c>.
/// </summary>
internal static class BenchProcess
{
    /// <summary>A loopback port nothing listens on right now.</summary>
    public static int FreeLoopbackPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>
    /// Starts <c>dotnet <paramref name="dll"/></c> with <paramref name="environment"/> added to this process's. Its
    /// output is read as it comes (each stdout line to <paramref name="onLine"/>) so that a full pipe never stalls it.
    /// </summary>
    public static Process StartDotnet(string dll, IReadOnlyDictionary<string, string> environment, Action<string>? onLine = null)
    {
        var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        info.ArgumentList.Add(dll);
        foreach (var (name, value) in environment)
        {
            info.Environment[name] = value;
        }

        var process = new Process { StartInfo = info };
        process.OutputDataReceived += (_, e) => onLine?.Invoke(e.Data ?? "");
        process.ErrorDataReceived += (_, _) => { };
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return process;
    }

    /// <summary>Kills the process (and any child of it) unless it has ended, and waits for it.</summary>
    public static void Stop(Process process)
    {
        ArgumentNullException.ThrowIfNull(process);
        if (!process.HasExited)
        {
            process.Kill(entireProcessTree: true);
        }

        process.WaitForExit();
    }

    /// <summary>A field of <c>/proc/&lt;pid&gt;/status</c> as written there (e.g. <c>VmHWM</c> → "146608 kB"), or "n/a".</summary>
    public static string StatusField(int pid, string name) =>
        Lines($"/proc/{pid}/status").FirstOrDefault(l => l.StartsWith(name + ":", StringComparison.Ordinal))?[(name.Length + 1)..].Trim() ?? "n/a";

    /// <summary>The sum of the kB fields <paramref name="names"/> of <c>/proc/&lt;pid&gt;/smaps_rollup</c> (0 when absent).</summary>
    public static long RollupKb(int pid, params string[] names) =>
        Lines($"/proc/{pid}/smaps_rollup")
            .Select(l => l.Split(':', 2))
            .Where(p => p.Length == 2 && names.Contains(p[0]))
            .Sum(p => long.Parse(p[1].Trim().Split(' ')[0], CultureInfo.InvariantCulture));

    private static string[] Lines(string path) => File.Exists(path) ? File.ReadAllLines(path) : [];
}
