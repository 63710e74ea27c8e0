using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace InternalApi.Core.Import;

/// <summary>
/// Reads one JSON object of an import file, collecting every problem with its JSON path instead of
/// stopping at the first, so one run reports everything that is wrong with a file. Remembers which
/// fields were read so that a misspelt field is reported rather than silently ignored.
/// </summary>
public sealed partial class ImportReader
{
    private readonly JsonElement _element;
    private readonly List<string> _errors;
    private readonly HashSet<string> _read = new(StringComparer.Ordinal);
    private readonly List<ImportReader> _children = [];

    internal ImportReader(JsonElement element, string path, List<string> errors)
    {
        _element = element;
        Path = path;
        _errors = errors;
    }

    /// <summary>Path of this object, e.g. <c>$.users[3]</c>.</summary>
    public string Path { get; }

    /// <summary>Records a problem with a field of this object: <c>$.users[3].username: is missing</c>.</summary>
    public void Error(string field, string problem) => _errors.Add($"{Path}.{field}: {problem}");

    /// <summary>A string; <paramref name="required"/> also rejects blank text.</summary>
    public string? Text(string name, bool required = false)
    {
        if (!TryGet(name, out var v))
        {
            if (required)
            {
                Error(name, "is missing");
            }

            return null;
        }

        if (v.ValueKind != JsonValueKind.String)
        {
            Error(name, "must be a string");
            return null;
        }

        var s = v.GetString()!;
        if (required && string.IsNullOrWhiteSpace(s))
        {
            Error(name, "is empty");
            return null;
        }

        return s;
    }

    /// <summary>A positive integer id; null when absent (reported when required) or not a positive integer (reported).</summary>
    public long? Id(string name, bool required = false)
    {
        if (!TryGet(name, out var v))
        {
            if (required)
            {
                Error(name, "is missing");
            }

            return null;
        }

        if (v.ValueKind == JsonValueKind.Number && v.TryGetInt64(out var n) && n > 0)
        {
            return n;
        }

        Error(name, "must be a positive integer");
        return null;
    }

    /// <summary>A boolean with a default.</summary>
    public bool Bool(string name, bool fallback)
    {
        if (!TryGet(name, out var v))
        {
            return fallback;
        }

        if (v.ValueKind is JsonValueKind.True or JsonValueKind.False)
        {
            return v.GetBoolean();
        }

        Error(name, "must be true or false");
        return fallback;
    }

    /// <summary>One of a set of snake_case names mapped to values.</summary>
    public T Choice<T>(string name, IReadOnlyDictionary<string, T> choices, T fallback)
    {
        ArgumentNullException.ThrowIfNull(choices);
        var s = Text(name);
        if (s is null)
        {
            return fallback;
        }

        if (choices.TryGetValue(s, out var value))
        {
            return value;
        }

        Error(name, $"must be one of {string.Join(", ", choices.Keys)}");
        return fallback;
    }

    /// <summary>An ISO 8601 timestamp (<c>2019-06-27T15:29:02.219Z</c>; a bare date is midnight UTC; no offset means UTC).</summary>
    public DateTimeOffset? Time(string name)
    {
        var s = Text(name);
        if (s is null)
        {
            return null;
        }

        if (IsoTimestamp().IsMatch(s) &&
            DateTimeOffset.TryParse(s, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var t))
        {
            return t;
        }

        Error(name, "is not an ISO 8601 date/time");
        return null;
    }

    /// <summary>A <c>YYYY-MM-DD</c> date.</summary>
    public DateOnly? Date(string name)
    {
        var s = Text(name);
        if (s is null)
        {
            return null;
        }

        if (DateOnly.TryParseExact(s, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var d))
        {
            return d;
        }

        Error(name, "is not a YYYY-MM-DD date");
        return null;
    }

    /// <summary>An array of strings; null when absent or malformed (reported), so callers can tell "not given" from "empty".</summary>
    public IReadOnlyList<string>? Strings(string name, bool required = false)
    {
        if (!TryGet(name, out var v))
        {
            if (required)
            {
                Error(name, "is missing");
            }

            return null;
        }

        if (v.ValueKind != JsonValueKind.Array || v.EnumerateArray().Any(e => e.ValueKind != JsonValueKind.String))
        {
            Error(name, "must be an array of strings");
            return null;
        }

        return v.EnumerateArray().Select(e => e.GetString()!).ToList();
    }

    /// <summary>An array of positive integer ids (empty when absent).</summary>
    public IReadOnlyList<long> Ids(string name)
    {
        if (!TryGet(name, out var v))
        {
            return [];
        }

        if (v.ValueKind != JsonValueKind.Array || v.EnumerateArray().Any(e => e.ValueKind != JsonValueKind.Number || !e.TryGetInt64(out var n) || n <= 0))
        {
            Error(name, "must be an array of positive integers");
            return [];
        }

        return v.EnumerateArray().Select(e => e.GetInt64()).ToList();
    }

    /// <summary>An array of objects, each with its own reader (empty when absent).</summary>
    public IReadOnlyList<ImportReader> Objects(string name)
    {
        if (!TryGet(name, out var v))
        {
            return [];
        }

        if (v.ValueKind != JsonValueKind.Array)
        {
            Error(name, "must be an array");
            return [];
        }

        var list = new List<ImportReader>();
        var i = 0;
        foreach (var item in v.EnumerateArray())
        {
            var itemPath = string.Create(CultureInfo.InvariantCulture, $"{Path}.{name}[{i++}]");
            if (item.ValueKind != JsonValueKind.Object)
            {
                _errors.Add($"{itemPath}: must be an object");
                continue;
            }

            var child = new ImportReader(item, itemPath, _errors);
            _children.Add(child);
            list.Add(child);
        }

        return list;
    }

    /// <summary>A nested object with its own reader; null when absent or null.</summary>
    public ImportReader? Nested(string name)
    {
        if (!TryGet(name, out var v) || v.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        if (v.ValueKind != JsonValueKind.Object)
        {
            Error(name, "must be an object");
            return null;
        }

        var child = new ImportReader(v, $"{Path}.{name}", _errors);
        _children.Add(child);
        return child;
    }

    /// <summary>Reports every field of this object (and of the objects read from it) that nothing read.</summary>
    internal void ReportUnknownFields()
    {
        foreach (var property in _element.EnumerateObject().Where(p => !_read.Contains(p.Name)))
        {
            Error(property.Name, "unknown field");
        }

        foreach (var child in _children)
        {
            child.ReportUnknownFields();
        }
    }

    private bool TryGet(string name, out JsonElement value)
    {
        _read.Add(name);
        return _element.TryGetProperty(name, out value) && value.ValueKind != JsonValueKind.Null;
    }

    [GeneratedRegex(@"^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d{1,7})?)?(Z|[+-]\d{2}:\d{2})?)?$", RegexOptions.CultureInvariant)]
    private static partial Regex IsoTimestamp();
}
