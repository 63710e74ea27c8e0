using System.Runtime;

namespace InternalApi.Functions.Hosting;

/// <summary>
/// The runtime's multi-core JIT (<see cref="ProfileOptimization"/>) for the start of a serving process: the first
/// start of a build records which methods it JIT-compiled until its first answer; every later start of that build
/// replays the list, compiling those methods on a spare core before the main thread asks for them. On two cores this
/// takes ~100 ms (ReadyToRun) to ~200 ms (JIT) off process start → first 200 (docs/benchmarks.md, "Startup").
/// <para>
/// The profile is a list of methods, no code and no data, in <see cref="DirectorySetting"/> (by default a folder of
/// the temp directory), one file per host kind and build (the entry assembly's module version id, so a new build
/// records anew). A published build ships profiles recorded at publish time (<see cref="ShippedFolder"/>), so that
/// even an instance's first start replays one. The runtime ignores an unreadable, unwritable or stale profile, so
/// this can only cost the write.
/// </para>
/// </summary>
public static class StartupJitProfile
{
    /// <summary>
    /// Environment variable naming the folder (read before configuration exists: the profile must start first);
    /// <c>off</c> disables recording and replay.
    /// </summary>
    public const string DirectorySetting = "INTERNALAPI_JIT_PROFILE_DIR";

    /// <summary>
    /// Environment variable: <c>off</c> ignores the profiles shipped in the build's <see cref="ShippedFolder"/>
    /// (to time a start that records its own, and for the training run that writes them).
    /// </summary>
    public const string ShippedSetting = "INTERNALAPI_JIT_PROFILE_SHIPPED";

    /// <summary>
    /// The folder of the build (next to the assembly) holding the profiles <c>dotnet publish</c> recorded
    /// (<c>jit-profile train</c>): read-only where the package is mounted, so a start copies its file from here.
    /// </summary>
    public const string ShippedFolder = "jit-profile";

    // How long after the first answer the profile is written: writing takes ~50 ms of CPU, which must not compete
    // with executing that answer (under the Functions host it is executed after the middleware returns).
    private static readonly TimeSpan SaveDelay = TimeSpan.FromMilliseconds(500);

    private static int _state; // 0: not started, 1: recording, 2: saved or saving

    /// <summary>The profile file of this build and host kind, or null when disabled.</summary>
    public static string? PathFor(string hostKind, string? directory = null)
    {
        directory ??= Environment.GetEnvironmentVariable(DirectorySetting);
        if (string.Equals(directory, "off", StringComparison.OrdinalIgnoreCase))
        {
            return null;
        }

        directory = string.IsNullOrWhiteSpace(directory) ? Path.Combine(Path.GetTempPath(), "internalapi-jit") : directory;
        var build = typeof(StartupJitProfile).Assembly.ManifestModule.ModuleVersionId.ToString("N");
        return Path.Combine(directory, $"{hostKind}-{build}.jitprofile");
    }

    /// <summary>
    /// Starts recording (and replays a profile recorded earlier); call it first thing, before the host is built.
    /// <paramref name="hostKind"/> is <c>local</c> or <c>worker</c>: their start paths differ.
    /// </summary>
    public static void Start(string hostKind)
    {
        if (PathFor(hostKind) is not { } path || Interlocked.CompareExchange(ref _state, 1, 0) != 0)
        {
            return;
        }

        try
        {
            var directory = Path.GetDirectoryName(path)!;
            if (!OperatingSystem.IsWindows())
            {
                // Owner only: nobody else on the machine should choose what this process compiles first.
                Directory.CreateDirectory(directory, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
            }
            else
            {
                Directory.CreateDirectory(directory);
            }

            RemoveOtherBuilds(directory, hostKind, Path.GetFileName(path));
            CopyShipped(path);
            ProfileOptimization.SetProfileRoot(directory);
            ProfileOptimization.StartProfile(Path.GetFileName(path));
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // A read-only or missing temp directory only means no profile: the start itself is unaffected.
            _state = 2;
        }
    }

    /// <summary>
    /// An instance's first start of a build finds no profile of its own: it starts from the one the deployment ships
    /// (recorded by the same build at publish time), which the runtime then replaces with what this start records.
    /// </summary>
    private static void CopyShipped(string path)
    {
        if (File.Exists(path) || string.Equals(Environment.GetEnvironmentVariable(ShippedSetting), "off", StringComparison.OrdinalIgnoreCase))
        {
            return;
        }

        var shipped = Path.Combine(AppContext.BaseDirectory, ShippedFolder, Path.GetFileName(path));
        if (!File.Exists(shipped))
        {
            return;
        }

        try
        {
            File.Copy(shipped, path);
            if (!OperatingSystem.IsWindows())
            {
                // The package's copy may be read-only; this one is rewritten when the start saves what it recorded.
                File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
            }
        }
        catch (IOException)
        {
            // Another start of the build copied it first (or the folder is full): either way, go on.
        }
    }

    /// <summary>
    /// Profiles of earlier builds are never replayed again (their name holds their build): remove them, so that a
    /// developer's rebuilds do not pile files up. A build that runs alongside (a second clone) just records anew.
    /// </summary>
    private static void RemoveOtherBuilds(string directory, string hostKind, string keep)
    {
        foreach (var file in Directory.EnumerateFiles(directory, hostKind + "-*.jitprofile"))
        {
            if (!string.Equals(Path.GetFileName(file), keep, StringComparison.Ordinal))
            {
                try
                {
                    File.Delete(file);
                }
                catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
                {
                    // Someone else's or in use: it does no harm where it is.
                }
            }
        }
    }

    /// <summary>
    /// For the commands that start a build to have it record (bench startup's priming, the publish's training):
    /// polls until a process has written a profile matching <paramref name="pattern"/> in <paramref name="directory"/>
    /// whole (the same size twice, 100 ms apart: a start killed mid-write would leave a truncated file); false when
    /// <paramref name="deadline"/> came first.
    /// </summary>
    public static async Task<bool> WrittenAsync(string directory, string pattern, CancellationToken deadline)
    {
        var size = -1L;
        while (!deadline.IsCancellationRequested)
        {
            var now = Directory.EnumerateFiles(directory, pattern).Select(f => new FileInfo(f).Length).FirstOrDefault(-1);
            if (now > 0 && now == size)
            {
                return true;
            }

            size = now;
            try
            {
                await Task.Delay(100, deadline);
            }
            catch (OperationCanceledException)
            {
                break;
            }
        }

        return false;
    }

    /// <summary>Writes what was recorded now (the startup probe, which exits before any answer).</summary>
    public static void SaveNow()
    {
        if (Interlocked.CompareExchange(ref _state, 2, 1) == 1)
        {
            ProfileOptimization.StartProfile(null);
        }
    }

    /// <summary>
    /// Called after every answer; the first one schedules the write of what was recorded (start and first request),
    /// a moment later on the thread pool. Later calls cost one read of a field.
    /// </summary>
    public static void Answered()
    {
        if (Volatile.Read(ref _state) != 1 || Interlocked.CompareExchange(ref _state, 2, 1) != 1)
        {
            return;
        }

        _ = Task.Delay(SaveDelay).ContinueWith(
            static _ => ProfileOptimization.StartProfile(null), // stops recording and writes the file
            CancellationToken.None,
            TaskContinuationOptions.None,
            TaskScheduler.Default);
    }
}
