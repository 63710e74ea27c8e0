using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace InternalApi.Bench;

/// <summary>
/// What the bench commands need of the machine: a free loopback port, a child <c>dotnet</c> process, and of a process
/// (the host's, the worker's) its children, memory and CPU time from Linux <c>/proc</c>.
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
    public static Process StartDotnet(string dll, IReadOnlyDictionary<string, string> environment, Action<string>? onLine = null, params string[] arguments)
    {
        var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        info.ArgumentList.Add(dll);
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

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

    /// <summary>A kB field of <c>/proc/&lt;pid&gt;/status</c> (e.g. <c>VmHWM</c>) as a number; 0 when absent.</summary>
    public static long StatusKb(int pid, string name) =>
        StatusField(pid, name).Split(' ')[0] is var kb && long.TryParse(kb, NumberStyles.None, CultureInfo.InvariantCulture, out var value) ? value : 0;

    /// <summary>The sum of the kB fields <paramref name="names"/> of <c>/proc/&lt;pid&gt;/smaps_rollup</c> (0 when absent).</summary>
    public static long RollupKb(int pid, params string[] names) =>
        Lines($"/proc/{pid}/smaps_rollup")
            .Select(l => l.Split(':', 2))
            .Where(p => p.Length == 2 && names.Contains(p[0]))
            .Sum(p => long.Parse(p[1].Trim().Split(' ')[0], CultureInfo.InvariantCulture));

    /// <summary>
    /// The resident set of <c>/proc/&lt;pid&gt;/smaps</c> split by what backs it, in kB: mapped files (assemblies and
    /// native libraries, pages every .NET process on the machine shares), the runtime's executable memory (JIT-compiled
    /// code, precode and stubs: the <c>memfd:doublemapper</c> mappings), and the rest (GC heap, runtime data, native
    /// heaps, thread stacks).
    /// </summary>
    public static (long Files, long Code, long Other) ResidentSplitKb(int pid)
    {
        long files = 0, code = 0, other = 0;
        var kind = 0;
        foreach (var line in Lines($"/proc/{pid}/smaps"))
        {
            if (line.StartsWith("Rss:", StringComparison.Ordinal))
            {
                var kb = long.Parse(line[4..].Trim().Split(' ')[0], CultureInfo.InvariantCulture);
                _ = kind switch { 1 => files += kb, 2 => code += kb, _ => other += kb };
            }
            else if (line.Split(' ', 6, StringSplitOptions.RemoveEmptyEntries) is { Length: >= 5 } fields && fields[0].Contains('-', StringComparison.Ordinal) && !fields[0].EndsWith(':'))
            {
                // A mapping's header, "start-end perms offset dev inode [name]"; the lines after it are "Field: n kB".
                var name = fields.Length == 6 ? fields[5].Trim() : "";
                kind = name.Contains("memfd:doublemapper", StringComparison.Ordinal) ? 2 : name.StartsWith('/') ? 1 : 0;
            }
        }

        return (files, code, other);
    }

    /// <summary>The direct children of <paramref name="pid"/> (every thread's <c>/proc/&lt;pid&gt;/task/*/children</c>); empty when it is gone.</summary>
    public static IReadOnlyList<int> Children(int pid)
    {
        var tasks = $"/proc/{pid}/task";
        if (!Directory.Exists(tasks))
        {
            return [];
        }

        var children = new List<int>();
        foreach (var task in Directory.EnumerateDirectories(tasks))
        {
            try
            {
                children.AddRange(File.ReadAllText(Path.Combine(task, "children"))
                    .Split(' ', StringSplitOptions.RemoveEmptyEntries)
                    .Select(p => int.Parse(p, CultureInfo.InvariantCulture)));
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                // A thread that ended while we listed them.
            }
        }

        return children.Distinct().ToList();
    }

    /// <summary>The command line of <paramref name="pid"/>, its arguments joined by spaces; empty when it is gone.</summary>
    public static string CommandLine(int pid)
    {
        try
        {
            return File.ReadAllText($"/proc/{pid}/cmdline").Replace('\0', ' ').Trim();
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return "";
        }
    }

    /// <summary>
    /// CPU time <paramref name="pid"/> has used so far, user and system, all its threads (<c>utime + stime</c> of
    /// <c>/proc/&lt;pid&gt;/stat</c>), in milliseconds; null when it is gone. The kernel counts in clock ticks of
    /// <see cref="TicksPerSecond"/>: a row of thousands of requests spans hundreds of them.
    /// </summary>
    public static double? CpuMs(int pid)
    {
        string stat;
        try
        {
            stat = File.ReadAllText($"/proc/{pid}/stat");
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return null;
        }

        // "pid (comm) state ppid ...": comm may hold spaces and parentheses, so fields are counted from its last ')'.
        // After it, field 3 (state) is index 0: utime (field 14) is index 11, stime (15) index 12.
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        return fields.Length > 12
            ? (long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture)) * 1000.0 / TicksPerSecond
            : null;
    }

    /// <summary>
    /// <c>USER_HZ</c>, the unit of <c>/proc</c>'s CPU times: 100 on every Linux the runtime supports (x64, arm64; the
    /// kernel's own tick rate is hidden behind it), so it is not asked of <c>sysconf</c>.
    /// </summary>
    public const int TicksPerSecond = 100;

    private static string[] Lines(string path) => File.Exists(path) ? File.ReadAllLines(path) : [];
}
