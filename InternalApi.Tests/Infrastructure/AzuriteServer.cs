using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace InternalApi.Tests.Infrastructure;

/// <summary>
/// A real Azurite (npm, pinned by test.sh) on free loopback ports, in memory (or on disk, to survive a
/// restart), telemetry off. Found through AZURITE_BIN or the repo's .tools folder; started once per test collection.
/// </summary>
public sealed class AzuriteServer : IAsyncDisposable
{
    private readonly string _workDir;
    private readonly ProcessStartInfo _startInfo;
    private readonly System.Collections.Concurrent.ConcurrentQueue<string> _output = new();
    private Process _process = null!;

    private AzuriteServer(ProcessStartInfo startInfo, string workDir, int tablePort, int queuePort, int blobPort)
    {
        _startInfo = startInfo;
        _workDir = workDir;
        TablePort = tablePort;
        QueuePort = queuePort;
        BlobPort = blobPort;
    }

    /// <summary>Table service port.</summary>
    public int TablePort { get; }

    /// <summary>Queue service port.</summary>
    public int QueuePort { get; }

    /// <summary>Blob service port (Pages deployments, LFS objects).</summary>
    public int BlobPort { get; }

    /// <summary>Connection string for the dev account on this instance.</summary>
    public string ConnectionString =>
        "DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;" +
        "AccountKey=Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==;" +
        $"BlobEndpoint=http://127.0.0.1:{BlobPort}/devstoreaccount1;" +
        $"QueueEndpoint=http://127.0.0.1:{QueuePort}/devstoreaccount1;" +
        $"TableEndpoint=http://127.0.0.1:{TablePort}/devstoreaccount1;";

    /// <summary>
    /// Starts Azurite and waits until its three services accept connections. A free port can be taken by another
    /// process between choosing it and Azurite binding it (collections start in parallel): then Azurite exits
    /// with EADDRINUSE, and we try again on other ports.
    /// </summary>
    /// <param name="onDisk">
    /// Keep the data in the work folder instead of in memory, so that <see cref="StopAsync"/> then
    /// <see cref="RestartAsync"/> finds it again (fault tests); everything else runs in memory.
    /// </param>
    public static async Task<AzuriteServer> StartAsync(bool onDisk = false)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await TryStartAsync(onDisk);
            }
            catch (InvalidOperationException ex) when (attempt < 5 && ex.Message.Contains("EADDRINUSE", StringComparison.Ordinal))
            {
            }
        }
    }

    private static async Task<AzuriteServer> TryStartAsync(bool onDisk)
    {
        var bin = FindAzurite();
        var workDir = Directory.CreateTempSubdirectory("azurite-").FullName;
        var (blob, queue, table) = (FreePort(), FreePort(), FreePort());
        var psi = new ProcessStartInfo(bin)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = workDir,
        };
        foreach (var arg in new[]
                 {
                     "--disableTelemetry", "--skipApiVersionCheck", "--silent",
                     "--blobHost", "127.0.0.1", "--queueHost", "127.0.0.1", "--tableHost", "127.0.0.1",
                     "--blobPort", blob.ToString(System.Globalization.CultureInfo.InvariantCulture),
                     "--queuePort", queue.ToString(System.Globalization.CultureInfo.InvariantCulture),
                     "--tablePort", table.ToString(System.Globalization.CultureInfo.InvariantCulture),
                 })
        {
            psi.ArgumentList.Add(arg);
        }

        if (onDisk)
        {
            psi.ArgumentList.Add("--location");
            psi.ArgumentList.Add(Path.Combine(workDir, "data"));
        }
        else
        {
            psi.ArgumentList.Add("--inMemoryPersistence");
        }

        var server = new AzuriteServer(psi, workDir, table, queue, blob);
        try
        {
            await server.LaunchAsync();
        }
        catch (InvalidOperationException)
        {
            await server.DisposeAsync();
            throw;
        }

        return server;
    }

    /// <summary>
    /// Stops Azurite the way an operator does (SIGINT: it closes its listeners and saves its data), so that
    /// requests meet refused connections until <see cref="RestartAsync"/>.
    /// </summary>
    public async Task StopAsync()
    {
        if (_process.HasExited)
        {
            return;
        }

        using (var kill = Process.Start("kill", ["-INT", _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]))
        {
            await kill.WaitForExitAsync();
        }

        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        try
        {
            await _process.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }
    }

    /// <summary>Starts Azurite again on the same ports and the same data folder (after <see cref="StopAsync"/>).</summary>
    public async Task RestartAsync()
    {
        await StopAsync();
        _process.Dispose();
        await LaunchAsync();
    }

    private async Task LaunchAsync()
    {
        // Ready when this process says its three services listen. A connect to the ports is not proof: when two starts
        // race for one free port, the loser's check would connect to the winner and pass, and the loser's tests
        // would then talk to an Azurite that goes away with the other collection.
        var listening = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var queueLine = $"Queue service is successfully listening at http://127.0.0.1:{QueuePort}";
        var tableLine = $"Table service is successfully listening at http://127.0.0.1:{TablePort}";
        var blobLine = $"Blob service is successfully listening at http://127.0.0.1:{BlobPort}";
        var seen = 0;
        void OnLine(string? line)
        {
            if (line is null)
            {
                return;
            }

            _output.Enqueue(line);
            var flag = line.Contains(queueLine, StringComparison.Ordinal) ? 1 : line.Contains(tableLine, StringComparison.Ordinal) ? 2 : line.Contains(blobLine, StringComparison.Ordinal) ? 4 : 0;
            if (flag != 0 && (Interlocked.Or(ref seen, flag) | flag) == 7)
            {
                listening.TrySetResult();
            }
        }

        _process = new Process { StartInfo = _startInfo, EnableRaisingEvents = true };
        _process.OutputDataReceived += (_, e) => OnLine(e.Data);
        _process.ErrorDataReceived += (_, e) => OnLine(e.Data);
        _process.Exited += (_, _) => listening.TrySetException(new InvalidOperationException("Azurite exited before listening."));
        if (!_process.Start())
        {
            throw new InvalidOperationException("Could not start Azurite.");
        }

        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
        try
        {
            await listening.Task.WaitAsync(TimeSpan.FromSeconds(60));
        }
        catch (Exception ex) when (ex is InvalidOperationException or TimeoutException)
        {
            // Exited can fire before the last lines are read; once it has exited, this waits for them (EADDRINUSE).
            if (_process.HasExited)
            {
                _process.WaitForExit();
            }
            throw new InvalidOperationException($"Azurite did not start: {string.Join(" | ", _output)}", ex);
        }
    }

    /// <inheritdoc/>
    public async ValueTask DisposeAsync()
    {
        try
        {
            if (_process is not null && !_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
                await _process.WaitForExitAsync();
            }
        }
        catch (InvalidOperationException)
        {
            // Already gone.
        }

        _process?.Dispose();
        try
        {
            Directory.Delete(_workDir, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    /// <summary>A loopback port free at the moment of asking.</summary>
    internal static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static string FindAzurite()
    {
        var fromEnv = Environment.GetEnvironmentVariable("AZURITE_BIN");
        if (!string.IsNullOrEmpty(fromEnv) && File.Exists(fromEnv))
        {
            return fromEnv;
        }

        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, ".tools", "azurite", "node_modules", ".bin", "azurite");
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        throw new InvalidOperationException("Azurite not found: run ./test.sh (it installs the pinned version into .tools/azurite) or set AZURITE_BIN.");
    }
}
