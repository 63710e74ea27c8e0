using System.Globalization;
using InternalApi.Core.Import;

namespace InternalApi.Tool;

/// <summary>
/// The progress line of a long import on stderr: records written, rate and time left. Once a second, rewriting
/// itself, when stderr is a terminal; otherwise a line every few seconds, and only once the import has lasted
/// more than two seconds (a short import, or a test, prints none).
/// </summary>
internal sealed class ImportProgressLine : IAsyncDisposable
{
    /// <summary>How long an import runs before it says anything on stderr.</summary>
    public static readonly TimeSpan Quiet = TimeSpan.FromSeconds(2);

    private readonly ImportProgress _progress;
    private readonly TextWriter _error;
    private readonly bool _terminal;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;
    private bool _printed;
    private TimeSpan? _writesFrom;

    private ImportProgressLine(ImportProgress progress, TextWriter error)
    {
        _progress = progress;
        _error = error;
        _terminal = ReferenceEquals(error, Console.Error) && !Console.IsErrorRedirected;
        _loop = RunAsync();
    }

    /// <summary>Starts printing until disposed.</summary>
    public static ImportProgressLine Start(ImportProgress progress, TextWriter error) => new(progress, error);

    private async Task RunAsync()
    {
        var started = TimeProvider.System.GetTimestamp();
        using var timer = new PeriodicTimer(_terminal ? TimeSpan.FromSeconds(1) : TimeSpan.FromSeconds(5));
        try
        {
            while (await timer.WaitForNextTickAsync(_stop.Token))
            {
                var elapsed = TimeProvider.System.GetElapsedTime(started);
                if (elapsed < Quiet && !_terminal)
                {
                    continue;
                }

                Print(elapsed);
            }
        }
        catch (OperationCanceledException)
        {
            // Disposed: the import is over.
        }
    }

    private void Print(TimeSpan elapsed)
    {
        var (done, total) = (_progress.Done, _progress.Total);
        string line;
        if (total == 0)
        {
            line = string.Create(CultureInfo.InvariantCulture, $"import: checking the file ({elapsed.TotalSeconds:0} s)");
        }
        else
        {
            // The rate of the writes alone: the checks before them say nothing about the time left.
            _writesFrom ??= elapsed;
            var writing = (elapsed - _writesFrom.Value).TotalSeconds;
            // Counted from the first line that saw writes: before that, there is no rate to tell.
            var rate = writing > 0 ? done / writing : 0;
            var left = rate > 0 ? TimeSpan.FromSeconds((total - done) / rate) : TimeSpan.Zero;
            line = string.Create(CultureInfo.InvariantCulture,
                $"import: {done}/{total} records ({100.0 * done / total:0}%), {rate:0}/s, {_progress.Section}, about {left:mm\\:ss} left");
        }

        lock (_error)
        {
            _error.Write(_terminal ? "\r" + line.PadRight(100) : line + Environment.NewLine);
            _printed = true;
        }
    }

    /// <inheritdoc/>
    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await _loop;
        _stop.Dispose();
        if (_printed && _terminal)
        {
            _error.WriteLine();
        }
    }
}
