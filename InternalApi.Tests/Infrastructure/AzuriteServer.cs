using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace InternalApi.Tests.Infrastructure;

/// <summary>
/// A real Azurite (npm, pinned by test.sh) on free loopback ports, in memory, telemetry off. Found
/// through AZURITE_BIN or the repo's .tools folder; started once per test collection.
/// </summary>
public sealed class AzuriteServer : IAsyncDisposable
{
    private readonly Process _process;
    private readonly string _workDir;

    private AzuriteServer(Process process, string workDir, int tablePort, int queuePort)
    {
        _process = process;
        _workDir = workDir;
        TablePort = tablePort;
        QueuePort = queuePort;
    }

    /// <summary>Table service port.</summary>
    public int TablePort { get; }

    /// <summary>Queue service port.</summary>
    public int QueuePort { get; }

    /// <summary>Connection string for the dev account on this instance.</summary>
    public string ConnectionString =>
        "DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;" +
        "AccountKey=Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==;" +
        $"QueueEndpoint=http://127.0.0.1:{QueuePort}/devstoreaccount1;" +
        $"TableEndpoint=http://127.0.0.1:{TablePort}/devstoreaccount1;";

    /// <summary>
    /// Starts Azurite and waits until both services accept connections. A free port can be taken by another
    /// process between choosing it and Azurite binding it (collections start in parallel): then Azurite exits
    /// with EADDRINUSE, and we try again on other ports.
    /// </summary>
    public static async Task<AzuriteServer> StartAsync()
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await TryStartAsync();
            }
            catch (InvalidOperationException ex) when (attempt < 5 && ex.Message.Contains("EADDRINUSE", StringComparison.Ordinal))
            {
            }
        }
    }

    private static async Task<AzuriteServer> TryStartAsync()
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
                     "--disableTelemetry", "--skipApiVersionCheck", "--inMemoryPersistence", "--silent",
                     "--blobHost", "127.0.0.1", "--queueHost", "127.0.0.1", "--tableHost", "127.0.0.1",
                     "--blobPort", blob.ToString(System.Globalization.CultureInfo.InvariantCulture),
                     "--queuePort", queue.ToString(System.Globalization.CultureInfo.InvariantCulture),
                     "--tablePort", table.ToString(System.Globalization.CultureInfo.InvariantCulture),
                 })
        {
            psi.ArgumentList.Add(arg);
        }

        var process = Process.Start(psi) ?? throw new InvalidOperationException("Could not start Azurite.");
        var output = new System.Collections.Concurrent.ConcurrentQueue<string>();
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) { output.Enqueue(e.Data); } };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) { output.Enqueue(e.Data); } };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var server = new AzuriteServer(process, workDir, table, queue);
        try
        {
            await server.WaitUntilListeningAsync(TimeSpan.FromSeconds(60));
        }
        catch (Exception ex) when (ex is InvalidOperationException or OperationCanceledException)
        {
            await server.DisposeAsync();
            throw new InvalidOperationException($"Azurite did not start: {string.Join(" | ", output)}", ex);
        }

        return server;
    }

    /// <inheritdoc/>
    public async ValueTask DisposeAsync()
    {
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
                await _process.WaitForExitAsync();
            }
        }
        catch (InvalidOperationException)
        {
            // Already gone.
        }

        _process.Dispose();
        try
        {
            Directory.Delete(_workDir, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    private async Task WaitUntilListeningAsync(TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        foreach (var port in new[] { TablePort, QueuePort })
        {
            while (true)
            {
                if (_process.HasExited)
                {
                    throw new InvalidOperationException($"Azurite exited with code {_process.ExitCode} before listening.");
                }

                try
                {
                    using var client = new TcpClient();
                    await client.ConnectAsync(IPAddress.Loopback, port, cts.Token);
                    break;
                }
                catch (SocketException)
                {
                    // Poll the socket, not the clock: retry as soon as the connect is refused.
                    await Task.Delay(50, cts.Token);
                }
            }
        }
    }

    private static int FreePort()
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
