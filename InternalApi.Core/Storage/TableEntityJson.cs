using System.Buffers;
using System.Globalization;
using System.Text.Json;
using Azure;

namespace InternalApi.Core.Storage;

/// <summary>
/// Reads and writes entities in the OData v3 JSON format. Types JSON cannot carry (Int64, DateTime,
/// Guid, Binary, whole-number Double) are annotated with <c>@odata.type</c>; Int64 travels as a string.
/// </summary>
internal static class TableEntityJson
{
    private const string TypeSuffix = "@odata.type";

    public static byte[] Write(TableEntity entity)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        using (var w = new Utf8JsonWriter(buffer))
        {
            w.WriteStartObject();
            w.WriteString("PartitionKey", entity.PartitionKey);
            w.WriteString("RowKey", entity.RowKey);
            foreach (var (name, value) in entity.Properties)
            {
                if (value is null)
                {
                    continue;
                }

                switch (value)
                {
                    case string s:
                        w.WriteString(name, s);
                        break;
                    case int i:
                        w.WriteNumber(name, i);
                        break;
                    case long l:
                        w.WriteString(name + TypeSuffix, "Edm.Int64");
                        w.WriteString(name, l.ToString(CultureInfo.InvariantCulture));
                        break;
                    case double d:
                        w.WriteString(name + TypeSuffix, "Edm.Double");
                        if (double.IsFinite(d))
                        {
                            w.WriteNumber(name, d);
                        }
                        else
                        {
                            w.WriteString(name, double.IsNaN(d) ? "NaN" : d > 0 ? "Infinity" : "-Infinity");
                        }

                        break;
                    case bool b:
                        w.WriteBoolean(name, b);
                        break;
                    case DateTimeOffset dto:
                        w.WriteString(name + TypeSuffix, "Edm.DateTime");
                        w.WriteString(name, dto.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ss.fffffffZ", CultureInfo.InvariantCulture));
                        break;
                    case Guid g:
                        w.WriteString(name + TypeSuffix, "Edm.Guid");
                        w.WriteString(name, g.ToString("D"));
                        break;
                    case byte[] bytes:
                        w.WriteString(name + TypeSuffix, "Edm.Binary");
                        w.WriteBase64String(name, bytes);
                        break;
                    default:
                        throw new InvalidOperationException($"Unsupported property type {value.GetType().Name}.");
                }
            }

            w.WriteEndObject();
        }

        return buffer.WrittenSpan.ToArray();
    }

    public static TableEntity Read(JsonElement element, string? etagHeader)
    {
        var pk = element.TryGetProperty("PartitionKey", out var p) ? p.GetString() ?? "" : "";
        var rk = element.TryGetProperty("RowKey", out var r) ? r.GetString() ?? "" : "";
        var entity = new TableEntity(pk, rk);
        var etag = etagHeader;
        Dictionary<string, string>? types = null;
        foreach (var prop in element.EnumerateObject())
        {
            if (prop.Name.EndsWith(TypeSuffix, StringComparison.Ordinal) && prop.Value.ValueKind == JsonValueKind.String)
            {
                types ??= new(StringComparer.Ordinal);
                types[prop.Name[..^TypeSuffix.Length]] = prop.Value.GetString()!;
            }
        }

        foreach (var prop in element.EnumerateObject())
        {
            var name = prop.Name;
            if (name is "PartitionKey" or "RowKey" || name.EndsWith(TypeSuffix, StringComparison.Ordinal))
            {
                continue;
            }

            if (name == "odata.etag")
            {
                etag ??= prop.Value.GetString();
                continue;
            }

            if (name.StartsWith("odata.", StringComparison.Ordinal))
            {
                continue;
            }

            if (name == "Timestamp")
            {
                entity.Timestamp = prop.Value.ValueKind == JsonValueKind.String
                    ? DateTimeOffset.Parse(prop.Value.GetString()!, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal)
                    : null;
                continue;
            }

            var type = types?.GetValueOrDefault(name);
            entity[name] = ReadValue(prop.Value, type);
        }

        if (etag is not null)
        {
            entity.ETag = new ETag(etag);
        }

        return entity;
    }

    private static object? ReadValue(JsonElement v, string? type) => type switch
    {
        "Edm.Int64" => long.Parse(v.GetString()!, CultureInfo.InvariantCulture),
        "Edm.DateTime" => DateTimeOffset.Parse(v.GetString()!, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal),
        "Edm.Guid" => Guid.Parse(v.GetString()!, CultureInfo.InvariantCulture),
        "Edm.Binary" => v.GetBytesFromBase64(),
        "Edm.Double" when v.ValueKind == JsonValueKind.String => double.Parse(v.GetString()!, CultureInfo.InvariantCulture),
        "Edm.Double" => v.GetDouble(),
        _ => v.ValueKind switch
        {
            JsonValueKind.String => v.GetString(),
            JsonValueKind.True => true,
            JsonValueKind.False => false,
            JsonValueKind.Number when v.TryGetInt32(out var i) => i,
            JsonValueKind.Number when v.TryGetInt64(out var l) => l,
            JsonValueKind.Number => v.GetDouble(),
            _ => null,
        },
    };
}
