using System.Globalization;
using System.Text.Json;

namespace InternalApi.Core.Import;

/// <summary>
/// Reads one JSON object of an import file, collecting every problem with its JSON path instead of
/// stopping at the first, so one run reports everything that is wrong with a file.
/// </summary>
public sealed class ImportReader(JsonElement element, string path, List<string> errors)
{
    /// <summary>Path of this object, e.g. <c>$.users[3]</c>.</summary>
    public string Path => path;

    /// <summary>Records a problem with a field of this object.</summary>
    public void Error(string field, string problem) => errors.Add($"{path}.{field}: {problem}");

    /// <summary>A required or optional string.</summary>
    public string? Text(string name, bool required = false)
    {
        if (!element.TryGetProperty(name, out var v) || v.ValueKind == JsonValueKind.Null)
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

    /// <summary>A positive integer id.</summary>
    public long? Id(string name, bool required = false)
    {
        if (!element.TryGetProperty(name, out var v) || v.ValueKind == JsonValueKind.Null)
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
        if (!element.TryGetProperty(name, out var v) || v.ValueKind == JsonValueKind.Null)
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

    /// <summary>An ISO 8601 timestamp.</summary>
    public DateTimeOffset? Time(string name)
    {
        var s = Text(name);
        if (s is null)
        {
            return null;
        }

        if (DateTimeOffset.TryParse(s, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var t))
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

    /// <summary>An array of strings (empty when absent).</summary>
    public IReadOnlyList<string> Strings(string name)
    {
        if (!element.TryGetProperty(name, out var v) || v.ValueKind == JsonValueKind.Null)
        {
            return [];
        }

        if (v.ValueKind != JsonValueKind.Array || v.EnumerateArray().Any(e => e.ValueKind != JsonValueKind.String))
        {
            Error(name, "must be an array of strings");
            return [];
        }

        return v.EnumerateArray().Select(e => e.GetString()!).ToList();
    }

    /// <summary>An array of positive integer ids (empty when absent).</summary>
    public IReadOnlyList<long> Ids(string name)
    {
        if (!element.TryGetProperty(name, out var v) || v.ValueKind == JsonValueKind.Null)
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
        if (!element.TryGetProperty(name, out var v) || v.ValueKind == JsonValueKind.Null)
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
            var itemPath = string.Create(CultureInfo.InvariantCulture, $"{path}.{name}[{i++}]");
            if (item.ValueKind != JsonValueKind.Object)
            {
                errors.Add($"{itemPath}: must be an object");
                continue;
            }

            list.Add(new ImportReader(item, itemPath, errors));
        }

        return list;
    }
}
