using System.Diagnostics;
using System.Globalization;

namespace InternalApi.Bench;

/// <summary>
/// The app as the bench measures it: the local host (<c>InternalApi.LocalHost</c>) started as a process on a free
/// loopback port, serving a build of a worker (<c>--LocalHost:ScriptRoot</c>), which the host starts as its own child
/// process and drives over the Functions host protocol. Every other setting goes by environment, which the host hands
/// on to the worker. Ready when <c>GET /api/health</c> answers; the worker is the host's direct child.
/// </summary>
internal sealed class BenchHost : IAsyncDisposable
{
    /// <summary>The local host's build, relative to the repository root (<c>./run.sh bench</c> builds it).</summary>
    public const string DefaultHostDll = "InternalApi.LocalHost/bin/Release/net10.0/InternalApi.LocalHost.dll";

    /// <summary>The worker's build the host serves by default, relative to the repository root.</summary>
    public const string DefaultApp = "InternalApi.Functions/bin/Release/net10.0";

    /// <summary>The route the host answers once it serves (its functions loaded).</summary>
    public const string ReadyPath = "/api/health";

    // Lines of the host's (and through it the worker's) output kept for a start that fails.
    private const int KeptLines = 40;

    private readonly Process _process;
    private readonly string _scriptRoot;
    private readonly Queue<string> _lines;
    private int? _worker;

    private BenchHost(Process process, Uri address, string scriptRoot, Queue<string> lines)
    {
        _process = process;
        Address = address;
        _scriptRoot = scriptRoot;
        _lines = lines;
    }

    /// <summary>Where the host listens.</summary>
    public Uri Address { get; }

    /// <summary>The host process.</summary>
    public int HostPid => _process.Id;

    /// <summary>The worker process (the host's child serving <c>ScriptRoot</c>), or null when there is none right now.</summary>
    public int? WorkerPid
    {
        get
        {
            // The host restarts a worker that died: a pid that is no longer its child is looked up again.
            if (_worker is not { } pid || !BenchProcess.Children(HostPid).Contains(pid))
            {
                _worker = FindWorker(HostPid, _scriptRoot);
            }

            return _worker;
        }
    }

    /// <summary>The host's and the worker's output lines that say <c>fail:</c> or <c>crit:</c> go here as they come.</summary>
    public static Action<string>? Errors { get; set; }

    /// <summary>
    /// The command-line arguments of a host on <paramref name="port"/> serving <paramref name="scriptRoot"/> (made
    /// absolute: the host starts the worker in that folder).
    /// </summary>
    public static string[] Arguments(int port, string scriptRoot) =>
        [$"--LocalHost:Urls=http://127.0.0.1:{port.ToString(CultureInfo.InvariantCulture)}", $"--LocalHost:ScriptRoot={Path.GetFullPath(scriptRoot)}"];

    /// <summary>
    /// The settings the app reads from files relative to its folder, made absolute where they are files of the current
    /// folder (the repository root: <c>./run.sh</c> creates them there): the worker runs in its build's folder, not here.
    /// Settings the environment already gives are left alone. Added to <paramref name="environment"/>;
    /// <paramref name="folder"/> is where the files are looked for (the current folder unless given).
    /// </summary>
    public static Dictionary<string, string> WithSecretFiles(IReadOnlyDictionary<string, string> environment, string? folder = null)
    {
        folder ??= Directory.GetCurrentDirectory();
        var all = new Dictionary<string, string>(environment);
        foreach (var (value, file, setting) in (ReadOnlySpan<(string, string, string)>)[
            ("Shell__Secret", ".gitlab_shell_secret", "Shell__SecretFile"),
            ("Kas__Secret", ".gitlab_kas_secret", "Kas__SecretFile"),
            ("Pages__Secret", ".gitlab_pages_secret", "Pages__SecretFile"),
            ("Workhorse__Secret", ".gitlab_workhorse_secret", "Workhorse__SecretFile"),
            ("TwoFactor__OtpEncryptionKeys", ".otp_encryption_keys", "TwoFactor__OtpEncryptionKeyFile")])
        {
            if (Environment.GetEnvironmentVariable(value) is null && Environment.GetEnvironmentVariable(setting) is null && !all.ContainsKey(setting) && File.Exists(Path.Combine(folder, file)))
            {
                all[setting] = Path.GetFullPath(Path.Combine(folder, file));
            }
        }

        return all;
    }

    /// <summary>
    /// Starts the host and waits until it serves; throws <see cref="InvalidOperationException"/> (with the end of its
    /// output) when it exits first or is not serving after <paramref name="limit"/>.
    /// </summary>
    public static async Task<BenchHost> StartAsync(string hostDll, string scriptRoot, IReadOnlyDictionary<string, string> environment, TimeSpan limit)
    {
        if (!File.Exists(hostDll))
        {
            throw new InvalidOperationException($"{Path.GetFullPath(hostDll)} not found: ./run.sh bench builds the local host");
        }

        if (!File.Exists(Path.Combine(scriptRoot, "functions.metadata")))
        {
            throw new InvalidOperationException($"{Path.GetFullPath(scriptRoot)} has no functions.metadata: not a built worker");
        }

        var port = BenchProcess.FreeLoopbackPort();
        var lines = new Queue<string>();
        var process = BenchProcess.StartDotnet(hostDll, WithSecretFiles(environment), line =>
        {
            lock (lines)
            {
                lines.Enqueue(line);
                if (lines.Count > KeptLines)
                {
                    lines.Dequeue();
                }
            }

            if (line.Contains("fail:", StringComparison.Ordinal) || line.Contains("crit:", StringComparison.Ordinal))
            {
                Errors?.Invoke(line);
            }
        }, Arguments(port, scriptRoot));
        var host = new BenchHost(process, new Uri($"http://127.0.0.1:{port.ToString(CultureInfo.InvariantCulture)}"), Path.GetFullPath(scriptRoot), lines);
        try
        {
            if (!await host.WaitUntilServingAsync(limit))
            {
                throw new InvalidOperationException(string.Create(CultureInfo.InvariantCulture,
                    $"the local host did not answer {ReadyPath} within {limit.TotalSeconds:0} s (exit {(process.HasExited ? process.ExitCode.ToString(CultureInfo.InvariantCulture) : "-")}); its last lines:\n  {string.Join("\n  ", host.LastLines())}"));
            }

            return host;
        }
        catch
        {
            await host.DisposeAsync();
            throw;
        }
    }

    /// <summary>The last lines the host (and the worker through it) wrote.</summary>
    public IReadOnlyList<string> LastLines()
    {
        lock (_lines)
        {
            return [.. _lines];
        }
    }

    /// <summary>Stops the host and the worker with it.</summary>
    public ValueTask DisposeAsync()
    {
        BenchProcess.Stop(_process);
        _process.Dispose();
        return ValueTask.CompletedTask;
    }

    /// <summary>
    /// The child of <paramref name="hostPid"/> that runs the worker of <paramref name="scriptRoot"/> (its command line
    /// names that folder's assembly, or it runs there); the only child when none says so.
    /// </summary>
    internal static int? FindWorker(int hostPid, string scriptRoot)
    {
        var children = BenchProcess.Children(hostPid);
        return children.FirstOrDefault(c => BenchProcess.CommandLine(c).Contains(scriptRoot, StringComparison.Ordinal)) is var named and > 0
            ? named
            : children.Count == 1 ? children[0] : null;
    }

    private async Task<bool> WaitUntilServingAsync(TimeSpan limit)
    {
        using var client = new HttpClient { BaseAddress = Address, Timeout = TimeSpan.FromSeconds(5) };
        var deadline = Stopwatch.GetTimestamp() + (long)(limit.TotalSeconds * Stopwatch.Frequency);
        while (Stopwatch.GetTimestamp() < deadline && !_process.HasExited)
        {
            try
            {
                using var response = await client.GetAsync(new Uri(ReadyPath, UriKind.Relative));
                if (response.IsSuccessStatusCode)
                {
                    return true;
                }
            }
            catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
            {
                // Not listening yet.
            }

            await Task.Delay(50);
        }

        return false;
    }
}
