using System.Globalization;
using System.Text;

namespace InternalApi.Core.Storage;

/// <summary>
/// Builds OData <c>$filter</c> expressions. Every value goes through <see cref="Literal"/>, so
/// callers never concatenate user input into a filter.
/// </summary>
public static class TableFilter
{
    /// <summary>
    /// Formats a filter, turning each interpolated value into an escaped OData literal:
    /// <c>TableFilter.Create($"PartitionKey eq {pk} and Count gt {n}")</c>.
    /// </summary>
    public static string Create(FormattableString filter)
    {
        ArgumentNullException.ThrowIfNull(filter);
        var args = filter.GetArguments().Select(Literal).ToArray<object?>();
        return string.Format(CultureInfo.InvariantCulture, filter.Format, args);
    }

    /// <summary>The OData literal for a value; strings have their single quotes doubled.</summary>
    public static string Literal(object? value) => value switch
    {
        null => "null",
        string s => "'" + s.Replace("'", "''", StringComparison.Ordinal) + "'",
        bool b => b ? "true" : "false",
        int i => i.ToString(CultureInfo.InvariantCulture),
        long l => l.ToString(CultureInfo.InvariantCulture) + "L",
        double d => d.ToString("R", CultureInfo.InvariantCulture) is var r && (r.Contains('.', StringComparison.Ordinal) || r.Contains('E', StringComparison.Ordinal)) ? r : r + ".0",
        DateTimeOffset dto => "datetime'" + dto.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ss.fffffffZ", CultureInfo.InvariantCulture) + "'",
        DateTime dt => Literal(new DateTimeOffset(DateTime.SpecifyKind(dt, DateTimeKind.Utc))),
        Guid g => "guid'" + g.ToString("D") + "'",
        byte[] bytes => "X'" + Convert.ToHexStringLower(bytes) + "'",
        _ => throw new ArgumentException($"Unsupported filter value type {value.GetType().Name}.", nameof(value)),
    };

    /// <summary>All entities of one partition.</summary>
    public static string Partition(string partitionKey) => Create($"PartitionKey eq {partitionKey}");

    /// <summary>
    /// Entities of a partition whose RowKey starts with <paramref name="prefix"/> (the service has no
    /// <c>startswith</c>, so this is a range <c>[prefix, prefix+1)</c>).
    /// </summary>
    public static string RowKeyPrefix(string partitionKey, string prefix)
    {
        ArgumentNullException.ThrowIfNull(prefix);
        if (prefix.Length == 0)
        {
            return Partition(partitionKey);
        }

        var upper = new StringBuilder(prefix);
        upper[^1] = (char)(upper[^1] + 1);
        return Create($"PartitionKey eq {partitionKey} and RowKey ge {prefix} and RowKey lt {upper.ToString()}");
    }
}
