using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using InternalApi.Core.Shell;

namespace InternalApi.Functions.Hosting;

/// <summary>
/// Reads declared parameters from the merged request parameters as Grape coerces them (spec §1.2): integers
/// from JSON numbers or integer strings, dates in any form Ruby's date parser reads (<see cref="RubyDate"/>),
/// booleans from <c>true/false/1/0</c> and their strings, strings from any scalar. Problems are collected in
/// Grape's words (<c>start_date is missing</c>, <c>packs[0][expires_at] is invalid</c>) and reported together,
/// as Grape reports every failed parameter in one 400.
/// <para>
/// This is the edge's one reader of declared parameters (<see cref="RequestBinder.ParametersAsync"/> makes it; record
/// binding, <see cref="RequestBinder.BindAsync{T}"/>, is the other way in for endpoints whose parameters map onto a
/// record). Core never sees the JSON: functions read what they declare and pass typed requests on. An absent key and
/// an explicit <c>null</c> stay apart (<see cref="Sent"/>, <see cref="IsNull"/>): Grape keeps a key sent as nil, and
/// GitLab refuses it where a value is required (<c>allow_blank: false</c>, the model's presence validations).
/// </para>
/// </summary>
public sealed class GrapeParameters(JsonObject parameters, DateOnly today, string prefix = "")
{
    private readonly List<string> _problems = [];

    /// <summary>Problems so far.</summary>
    public IReadOnlyList<string> Problems => _problems;

    /// <summary>Whether the parameter was sent (a JSON <c>null</c> counts as not sent).</summary>
    public bool Has(string name) => parameters[name] is not null;

    /// <summary>Whether the key was sent at all, an explicit <c>null</c> included.</summary>
    public bool Sent(string name) => parameters.ContainsKey(name);

    /// <summary>Whether the parameter was sent as an explicit JSON <c>null</c> (Grape keeps the key, with nil).</summary>
    public bool IsNull(string name) => parameters.TryGetPropertyValue(name, out var node) && node is null;

    /// <summary>Throws the E1 400 when anything was reported.</summary>
    public void ThrowIfAny()
    {
        if (_problems.Count > 0)
        {
            throw ApiErrorException.Parameters(_problems);
        }
    }

    /// <summary>Adds a problem in Grape's wording.</summary>
    public void Report(string name, string problem) => _problems.Add($"{Full(name)} {problem}");

    /// <summary>
    /// An integer parameter (a 64-bit one; larger values are invalid). <paramref name="allowBlank"/> false is Grape's
    /// <c>allow_blank: false</c>: an explicit <c>null</c> is then "is empty".
    /// </summary>
    public long? WholeNumber(string name, bool required = false, bool allowBlank = true) => Read(name, required, allowBlank, Integer);

    private static long? Integer(JsonNode node) => node switch
    {
        JsonValue v when v.GetValueKind() == JsonValueKind.Number && v.TryGetValue<long>(out var n) => n,
        JsonValue v when v.GetValueKind() == JsonValueKind.Number && v.TryGetValue<decimal>(out var d) && d == decimal.Truncate(d) && d is >= long.MinValue and <= long.MaxValue => (long)d,
        JsonValue v when v.GetValueKind() == JsonValueKind.String && IsInteger(v.GetValue<string>()) &&
            long.TryParse(v.GetValue<string>().Trim(), NumberStyles.AllowLeadingSign | NumberStyles.AllowLeadingWhite | NumberStyles.AllowTrailingWhite, CultureInfo.InvariantCulture, out var s) => s,
        _ => (long?)null,
    };

    /// <summary>A value GitLab reads without declaring it: any scalar's text, else null; never reported.</summary>
    public string? Scalar(string name) => parameters[name] switch
    {
        JsonValue v when v.GetValueKind() == JsonValueKind.String => v.GetValue<string>(),
        JsonValue v when v.GetValueKind() is JsonValueKind.Number or JsonValueKind.True or JsonValueKind.False => v.ToJsonString(),
        _ => null,
    };

    /// <summary>The value as sent, for parts of a payload that are kept whole (a finding's location, its links).</summary>
    public JsonNode? Raw(string name) => parameters[name];

    /// <summary>An array of integers (each as <see cref="WholeNumber"/> reads one); null when absent, reported when not all are.</summary>
    public List<long>? WholeNumbers(string name)
    {
        switch (parameters[name])
        {
            case null:
                return null;
            case JsonArray array:
                var list = new List<long>(array.Count);
                foreach (var item in array)
                {
                    if (item is null || Integer(item) is not { } n)
                    {
                        Report(name, "is invalid");
                        return null;
                    }

                    list.Add(n);
                }

                return list;
            default:
                Report(name, "is invalid");
                return null;
        }
    }

    /// <summary>A date parameter.</summary>
    public DateOnly? Date(string name, bool required = false) => Read(name, required, allowBlank: true, node =>
        node is JsonValue v && v.GetValueKind() == JsonValueKind.String && RubyDate.TryParse(v.GetValue<string>(), today, out var date) ? date : (DateOnly?)null);

    /// <summary>A boolean parameter.</summary>
    public bool? Boolean(string name, bool required = false) => Read(name, required, allowBlank: true, node => node switch
    {
        JsonValue v when v.GetValueKind() == JsonValueKind.True => true,
        JsonValue v when v.GetValueKind() == JsonValueKind.False => false,
        JsonValue v when v.GetValueKind() == JsonValueKind.Number && v.TryGetValue<long>(out var n) && n is 0 or 1 => n == 1,
        // Grape's Boolean (dry-types' params coercion): these spellings exactly, untrimmed; "tRuE" is invalid, "on" is true.
        JsonValue v when v.GetValueKind() == JsonValueKind.String => v.GetValue<string>() switch
        {
            "1" or "on" or "On" or "ON" or "t" or "T" or "true" or "True" or "TRUE" or "y" or "Y" or "yes" or "Yes" or "YES" => true,
            "0" or "off" or "Off" or "OFF" or "f" or "F" or "false" or "False" or "FALSE" or "n" or "N" or "no" or "No" or "NO" => false,
            _ => (bool?)null,
        },
        _ => null,
    });

    /// <summary>A string parameter (numbers and booleans read as their text).</summary>
    public string? Text(string name, bool required = false) => Read(name, required, node => node switch
    {
        JsonValue v when v.GetValueKind() == JsonValueKind.String => v.GetValue<string>(),
        JsonValue v when v.GetValueKind() is JsonValueKind.Number or JsonValueKind.True or JsonValueKind.False => v.ToJsonString(),
        _ => null,
    });

    /// <summary>
    /// A parameter GitLab declares without a type (an identifier): a string as it is, a number as its digits; anything
    /// else finds nothing there, so it reads as null here and is not reported.
    /// </summary>
    public string? Untyped(string name) => parameters[name] switch
    {
        JsonValue v when v.GetValueKind() == JsonValueKind.String => v.GetValue<string>(),
        JsonValue v when v.GetValueKind() == JsonValueKind.Number => v.ToJsonString(),
        _ => null,
    };

    /// <summary>An array of strings, or a single string, as a list; anything else (Gitaly may send null) is empty, not reported.</summary>
    public List<string> Strings(string name) => parameters[name] switch
    {
        JsonArray array => [.. array.OfType<JsonValue>().Where(v => v.GetValueKind() == JsonValueKind.String).Select(v => v.GetValue<string>())],
        JsonValue v when v.GetValueKind() == JsonValueKind.String => [v.GetValue<string>()],
        _ => [],
    };

    /// <summary>
    /// An array of objects, each read by <paramref name="element"/> with names like <c>packs[0][x]</c>. Null when
    /// absent or invalid (reported).
    /// </summary>
    public List<T>? Objects<T>(string name, bool required, Func<GrapeParameters, T> element)
    {
        ArgumentNullException.ThrowIfNull(element);
        switch (parameters[name])
        {
            case null:
                if (required)
                {
                    Report(name, "is missing");
                }

                return null;
            case JsonArray array when array.All(i => i is JsonObject):
                var list = new List<T>();
                for (var i = 0; i < array.Count; i++)
                {
                    var inner = new GrapeParameters((JsonObject)array[i]!, today, $"{Full(name)}[{i.ToString(CultureInfo.InvariantCulture)}]");
                    list.Add(element(inner));
                    _problems.AddRange(inner._problems);
                }

                return list;
            default:
                Report(name, "is invalid");
                return null;
        }
    }

    /// <summary>
    /// A hash parameter read with names like <c>outer[x]</c>: null when absent (or <c>null</c>); not a hash is
    /// reported as invalid. Problems of the inner reader join this one's when <see cref="Absorb"/> is called.
    /// </summary>
    public GrapeParameters? Hash(string name, bool required = false)
    {
        switch (parameters[name])
        {
            case null:
                if (required)
                {
                    Report(name, "is missing");
                }

                return null;
            case JsonObject hash:
                return new GrapeParameters(hash, today, Full(name));
            default:
                Report(name, "is invalid");
                return null;
        }
    }

    /// <summary>Takes over the problems an inner reader (<see cref="Hash"/>) reported.</summary>
    public void Absorb(GrapeParameters inner)
    {
        ArgumentNullException.ThrowIfNull(inner);
        _problems.AddRange(inner._problems);
        inner._problems.Clear();
    }

    /// <summary>A hash parameter as it was sent, for payloads kept whole (<c>null</c> when absent, reported when not a hash).</summary>
    public JsonObject? RawHash(string name, bool required = false)
    {
        switch (parameters[name])
        {
            case null:
                if (required)
                {
                    Report(name, "is missing");
                }

                return null;
            case JsonObject hash:
                return hash;
            default:
                Report(name, "is invalid");
                return null;
        }
    }

    private string Full(string name) => prefix.Length == 0 ? name : $"{prefix}[{name}]";

    private T? Read<T>(string name, bool required, bool allowBlank, Func<JsonNode, T?> coerce)
        where T : struct
    {
        if (Present(name, required, allowBlank) is not { } node)
        {
            return null;
        }

        var value = coerce(node);
        if (value is null)
        {
            Report(name, "is invalid");
        }

        return value;
    }

    private string? Read(string name, bool required, Func<JsonNode, string?> coerce)
    {
        if (Present(name, required, allowBlank: true) is not { } node)
        {
            return null;
        }

        var value = coerce(node);
        if (value is null)
        {
            Report(name, "is invalid");
        }

        return value;
    }

    /// <summary>The parameter's value, or null after reporting it empty (an explicit null where blank is refused) or missing (when required).</summary>
    private JsonNode? Present(string name, bool required, bool allowBlank)
    {
        if (parameters[name] is { } node)
        {
            return node;
        }

        if (!allowBlank && IsNull(name))
        {
            Report(name, "is empty");
        }
        else if (required)
        {
            Report(name, "is missing");
        }

        return null;
    }

    private static bool IsInteger(string text)
    {
        var t = text.Trim();
        var start = t.Length > 0 && t[0] is '+' or '-' ? 1 : 0;
        return t.Length > start && t[start..].All(char.IsAsciiDigit);
    }
}
