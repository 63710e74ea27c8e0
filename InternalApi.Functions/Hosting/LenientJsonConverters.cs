using System.Buffers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace InternalApi.Functions.Hosting;

/// <summary>
/// Reads a parameter the shell endpoints declare no type for (GitLab's handlers take what comes):
/// strings as they are, numbers and booleans as their text (<c>"key_id": 11</c> ≡ <c>"11"</c>),
/// objects and arrays as absent. Never fails binding, so odd values end as "not found", not 400.
/// </summary>
public sealed class LenientStringConverter : JsonConverter<string>
{
    /// <inheritdoc/>
    public override string? Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        ReadScalar(ref reader);

    /// <inheritdoc/>
    public override void Write(Utf8JsonWriter writer, string value, JsonSerializerOptions options)
    {
        ArgumentNullException.ThrowIfNull(writer);
        writer.WriteStringValue(value);
    }

    /// <summary>The scalar at the reader as text; skips (and answers null for) objects and arrays.</summary>
    internal static string? ReadScalar(ref Utf8JsonReader reader)
    {
        switch (reader.TokenType)
        {
            case JsonTokenType.String:
                return reader.GetString();
            case JsonTokenType.Number:
                return Encoding.UTF8.GetString(reader.HasValueSequence ? reader.ValueSequence.ToArray() : reader.ValueSpan);
            case JsonTokenType.True:
                return "true";
            case JsonTokenType.False:
                return "false";
            case JsonTokenType.StartObject:
            case JsonTokenType.StartArray:
                reader.Skip();
                return null;
            default:
                return null;
        }
    }
}

/// <summary>
/// Reads a list of strings leniently: a JSON array (or form <c>scopes[]=</c>, which arrives as one),
/// a single string as a one-element list, <c>null</c> as absent. Non-string items keep their text.
/// </summary>
public sealed class LenientStringListConverter : JsonConverter<IReadOnlyList<string>>
{
    /// <inheritdoc/>
    public override IReadOnlyList<string>? Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        switch (reader.TokenType)
        {
            case JsonTokenType.StartArray:
                {
                    var items = new List<string>();
                    while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
                    {
                        if (reader.TokenType is JsonTokenType.StartObject or JsonTokenType.StartArray)
                        {
                            using var element = JsonDocument.ParseValue(ref reader);
                            items.Add(element.RootElement.GetRawText());
                            continue;
                        }

                        if (LenientStringConverter.ReadScalar(ref reader) is { } item)
                        {
                            items.Add(item);
                        }
                    }

                    return items;
                }

            case JsonTokenType.StartObject:
                reader.Skip();
                return null;
            default:
                return LenientStringConverter.ReadScalar(ref reader) is { } single ? [single] : null;
        }
    }

    /// <inheritdoc/>
    public override void Write(Utf8JsonWriter writer, IReadOnlyList<string> value, JsonSerializerOptions options)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(value);
        writer.WriteStartArray();
        foreach (var item in value)
        {
            writer.WriteStringValue(item);
        }

        writer.WriteEndArray();
    }
}

/// <summary>
/// Reads a parameter whose mere presence matters (a limit that must not be dodged by sending the wrong type):
/// scalars as <see cref="LenientStringConverter"/> reads them, objects and arrays as their JSON text, which no
/// rule accepts. Only absence (or <c>null</c>) reads as null.
/// </summary>
public sealed class PresentStringConverter : JsonConverter<string>
{
    /// <inheritdoc/>
    public override string? Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        if (reader.TokenType is JsonTokenType.StartObject or JsonTokenType.StartArray)
        {
            using var element = JsonDocument.ParseValue(ref reader);
            return element.RootElement.GetRawText();
        }

        return LenientStringConverter.ReadScalar(ref reader);
    }

    /// <inheritdoc/>
    public override void Write(Utf8JsonWriter writer, string value, JsonSerializerOptions options)
    {
        ArgumentNullException.ThrowIfNull(writer);
        writer.WriteStringValue(value);
    }
}
