using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace InternalApi.Tests.Infrastructure;

/// <summary>Keeps every log entry so tests can assert that a happy path logs no warning or error.</summary>
public sealed class CapturingLoggerProvider : ILoggerProvider
{
    private readonly ConcurrentQueue<LogEntry> _entries = new();

    /// <summary>Everything logged so far.</summary>
    public IReadOnlyCollection<LogEntry> Entries => _entries;

    /// <summary>Entries at warning or above whose scope or message mentions <paramref name="marker"/>, or all when null.</summary>
    public IEnumerable<LogEntry> Problems(string? marker = null) =>
        _entries.Where(e => e.Level >= LogLevel.Warning && (marker is null || e.Message.Contains(marker, StringComparison.Ordinal)));

    /// <inheritdoc/>
    public ILogger CreateLogger(string categoryName) => new CapturingLogger(categoryName, _entries);

    /// <inheritdoc/>
    public void Dispose()
    {
    }

    /// <summary>One captured entry.</summary>
    public sealed record LogEntry(string Category, LogLevel Level, EventId EventId, string Message, Exception? Exception);

    private sealed class CapturingLogger(string category, ConcurrentQueue<LogEntry> entries) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Debug;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            entries.Enqueue(new LogEntry(category, logLevel, eventId, formatter(state, exception), exception));
    }
}
