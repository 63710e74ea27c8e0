using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace InternalApi.Tests.Infrastructure;

/// <summary>Keeps every log entry (with its scopes) so tests can assert what was, and was not, logged.</summary>
public sealed class CapturingLoggerProvider : ILoggerProvider, ISupportExternalScope
{
    private readonly ConcurrentQueue<LogEntry> _entries = new();
    private IExternalScopeProvider _scopes = new LoggerExternalScopeProvider();

    /// <inheritdoc/>
    public void SetScopeProvider(IExternalScopeProvider scopeProvider) => _scopes = scopeProvider;

    /// <summary>Everything logged so far.</summary>
    public IReadOnlyCollection<LogEntry> Entries => _entries;

    /// <summary>Entries at warning or above whose scope or message mentions <paramref name="marker"/>, or all when null.</summary>
    public IEnumerable<LogEntry> Problems(string? marker = null) =>
        _entries.Where(e => e.Level >= LogLevel.Warning && (marker is null || e.Message.Contains(marker, StringComparison.Ordinal)));

    /// <inheritdoc/>
    public ILogger CreateLogger(string categoryName) => new CapturingLogger(categoryName, _entries, () => _scopes);

    /// <inheritdoc/>
    public void Dispose()
    {
    }

    /// <summary>One captured entry; <paramref name="Scopes"/> is every enclosing scope's text and fields.</summary>
    public sealed record LogEntry(string Category, LogLevel Level, EventId EventId, string Message, Exception? Exception, string Scopes = "", string State = "")
    {
        /// <summary>Everything the entry would export: message, structured state, scopes and exception.</summary>
        public string AllText => string.Join('\n', Message, State, Scopes, Exception?.ToString() ?? "");
    }

    private sealed class CapturingLogger(string category, ConcurrentQueue<LogEntry> entries, Func<IExternalScopeProvider> scopes) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => scopes().Push(state);

        public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Trace;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            var scopeText = new System.Text.StringBuilder();
            scopes().ForEachScope((scope, text) => text.Append(Describe(scope)).Append(" | "), scopeText);
            entries.Enqueue(new LogEntry(category, logLevel, eventId, formatter(state, exception), exception, scopeText.ToString(), Describe(state)));
        }

        private static string Describe(object? value) => value is IEnumerable<KeyValuePair<string, object?>> fields
            ? string.Join(' ', fields.Select(f => $"{f.Key}={f.Value}"))
            : value?.ToString() ?? "";
    }
}
