using System.Globalization;
using Azure;

namespace InternalApi.Core.Storage;

/// <summary>
/// A table entity: keys, ETag and a bag of typed properties. Supported value types are
/// string, int, long, double, bool, DateTimeOffset, Guid and byte[] (the EDM types).
/// </summary>
public sealed class TableEntity
{
    private readonly Dictionary<string, object?> _properties = new(StringComparer.Ordinal);

    /// <summary>Creates an entity with the given keys.</summary>
    public TableEntity(string partitionKey, string rowKey)
    {
        ArgumentNullException.ThrowIfNull(partitionKey);
        ArgumentNullException.ThrowIfNull(rowKey);
        PartitionKey = partitionKey;
        RowKey = rowKey;
    }

    /// <summary>Partition key.</summary>
    public string PartitionKey { get; }

    /// <summary>Row key.</summary>
    public string RowKey { get; }

    /// <summary>ETag as returned by the service (opaque, sent back byte for byte).</summary>
    public ETag ETag { get; set; }

    /// <summary>Server-set modification time.</summary>
    public DateTimeOffset? Timestamp { get; set; }

    /// <summary>The custom properties.</summary>
    public IReadOnlyDictionary<string, object?> Properties => _properties;

    /// <summary>Gets or sets a property; setting null removes it from the written entity.</summary>
    public object? this[string name]
    {
        get => _properties.GetValueOrDefault(name);
        set
        {
            ArgumentException.ThrowIfNullOrEmpty(name);
            if (value is DateTime dt)
            {
                value = new DateTimeOffset(DateTime.SpecifyKind(dt, DateTimeKind.Utc));
            }

            if (value is not (null or string or int or long or double or bool or DateTimeOffset or Guid or byte[]))
            {
                throw new ArgumentException($"Unsupported table property type {value.GetType().Name} for '{name}'.", nameof(value));
            }

            _properties[name] = value;
        }
    }

    /// <summary>A string property, or null.</summary>
    public string? GetString(string name) => this[name] switch
    {
        null => null,
        string s => s,
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        var other => other.ToString(),
    };

    /// <summary>An integer property (Int32 or Int64 on the wire), or null.</summary>
    public long? GetInt64(string name) => this[name] switch
    {
        int i => i,
        long l => l,
        double d when d == Math.Floor(d) => (long)d,
        string s when long.TryParse(s, NumberStyles.Integer, CultureInfo.InvariantCulture, out var l) => l,
        _ => null,
    };

    /// <summary>An Int32 property, or null.</summary>
    public int? GetInt32(string name) => GetInt64(name) is { } l && l is >= int.MinValue and <= int.MaxValue ? (int)l : null;

    /// <summary>A double property, or null.</summary>
    public double? GetDouble(string name) => this[name] switch
    {
        double d => d,
        int i => i,
        long l => l,
        _ => null,
    };

    /// <summary>A boolean property, or null.</summary>
    public bool? GetBoolean(string name) => this[name] as bool?;

    /// <summary>A DateTime property, or null.</summary>
    public DateTimeOffset? GetDateTimeOffset(string name) => this[name] switch
    {
        DateTimeOffset d => d,
        string s when DateTimeOffset.TryParse(s, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var d) => d,
        _ => null,
    };

    /// <summary>A GUID property, or null.</summary>
    public Guid? GetGuid(string name) => this[name] as Guid?;

    /// <summary>A binary property, or null.</summary>
    public byte[]? GetBinary(string name) => this[name] as byte[];
}
