using System.Collections.Concurrent;
using System.Globalization;
using System.Net;

namespace InternalApi.Bench;

/// <summary>
/// What the bench's failed requests answered, counted by kind (status and the start of the body, or the exception),
/// with the slowest of each kind: an error count alone cannot tell a storage deadline (503 after seconds) from a wrong
/// answer (a 404 at once) or a client timeout. <c>bench</c> prints and clears them after each row.
/// </summary>
internal sealed class BenchFailures
{
    // Error bodies are short JSON messages; the start says which one. Requests carry tokens, answers do not echo them.
    private const int BodyChars = 120;

    private readonly ConcurrentDictionary<string, Kind> _kinds = new(StringComparer.Ordinal);

    /// <summary>A request answered, but not with the status and body its row expects.</summary>
    public void Unexpected(string what, HttpStatusCode status, string body, TimeSpan elapsed)
    {
        var start = body.Length > BodyChars ? body[..BodyChars] + "…" : body;
        Record(string.Create(CultureInfo.InvariantCulture, $"{what}: {(int)status} {start.ReplaceLineEndings(" ")}"), elapsed);
    }

    /// <summary>A request threw instead of answering.</summary>
    public void Threw(string what, Exception exception, TimeSpan elapsed)
    {
        ArgumentNullException.ThrowIfNull(exception);
        Record($"{what}: {exception.GetType().Name}: {exception.Message.ReplaceLineEndings(" ")}", elapsed);
    }

    /// <summary>One line per kind recorded since the last call, most frequent first; clears them.</summary>
    public IReadOnlyList<string> Drain()
    {
        var lines = new List<(int Count, string Line)>();
        foreach (var key in _kinds.Keys)
        {
            if (_kinds.TryRemove(key, out var kind))
            {
                lines.Add((kind.Count, string.Create(CultureInfo.InvariantCulture, $"{kind.Count}× {key} (slowest {kind.SlowestMs:F0} ms)")));
            }
        }

        return lines.OrderByDescending(l => l.Count).ThenBy(l => l.Line, StringComparer.Ordinal).Select(l => l.Line).ToList();
    }

    private void Record(string key, TimeSpan elapsed) =>
        _kinds.AddOrUpdate(key, _ => new Kind(1, elapsed.TotalMilliseconds), (_, k) => new Kind(k.Count + 1, Math.Max(k.SlowestMs, elapsed.TotalMilliseconds)));

    private sealed record Kind(int Count, double SlowestMs);
}
