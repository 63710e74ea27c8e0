using System.Collections;
using System.Diagnostics;

namespace InternalApi.Core.Diagnostics;

/// <summary>
/// The fields that say what one function invocation was about — function name, invocation id, and, as the
/// code learns them, <c>gl_repository</c>, project, actor, agent, queue message id and dequeue count. The
/// host starts one per invocation and opens it as a logging scope; Core adds what it resolves with
/// <see cref="Set"/>, so every later log line (and the current trace span) carries it. Never put a secret,
/// token or JWT here: these values are exported with every log line.
/// </summary>
public sealed class InvocationLog : IReadOnlyList<KeyValuePair<string, object?>>
{
    private static readonly AsyncLocal<InvocationLog?> CurrentLog = new();

    private readonly List<KeyValuePair<string, object?>> _fields = new(8);

    private InvocationLog()
    {
    }

    /// <summary>The invocation being served on this async flow, if any.</summary>
    public static InvocationLog? Current => CurrentLog.Value;

    /// <inheritdoc/>
    public int Count
    {
        get
        {
            lock (_fields)
            {
                return _fields.Count;
            }
        }
    }

    /// <inheritdoc/>
    public KeyValuePair<string, object?> this[int index]
    {
        get
        {
            lock (_fields)
            {
                return _fields[index];
            }
        }
    }

    /// <summary>Starts the record of an invocation on the current async flow (the host calls this).</summary>
    public static InvocationLog Begin(string functionName, string invocationId)
    {
        var log = new InvocationLog();
        log.Add("function_name", functionName);
        log.Add("invocation_id", invocationId);
        CurrentLog.Value = log;
        return log;
    }

    /// <summary>Records a field of the current invocation (no-op outside one) and tags the current span with it.</summary>
    public static void Set(string name, object? value)
    {
        if (value is null)
        {
            return;
        }

        Current?.Add(name, value);
        Activity.Current?.SetTag(name, value);
    }

    /// <summary>Adds or replaces a field.</summary>
    public void Add(string name, object? value)
    {
        lock (_fields)
        {
            var index = _fields.FindIndex(f => f.Key == name);
            if (index >= 0)
            {
                _fields[index] = new(name, value);
            }
            else
            {
                _fields.Add(new(name, value));
            }
        }
    }

    /// <inheritdoc/>
    public IEnumerator<KeyValuePair<string, object?>> GetEnumerator()
    {
        KeyValuePair<string, object?>[] copy;
        lock (_fields)
        {
            copy = [.. _fields];
        }

        return ((IEnumerable<KeyValuePair<string, object?>>)copy).GetEnumerator();
    }

    /// <inheritdoc/>
    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    /// <summary>The fields as <c>name=value</c> pairs (what a console scope shows).</summary>
    public override string ToString() => string.Join(' ', this.Select(f => $"{f.Key}={f.Value}"));
}
