using System.Buffers;
using System.Text.Json;

namespace InternalApi.Core.Import;

/// <summary>Where one top-level section's value lies in the file (bytes), and what kind of value it is.</summary>
internal sealed record ImportSectionRange(long Start, long Length, JsonTokenType Kind);

/// <summary>
/// An import file read as a stream, never whole: <see cref="ScanAsync"/> checks the JSON syntax of the whole file
/// once and notes where each top-level section lies; <see cref="Elements"/> then reads one section's array again,
/// one element at a time, from its own offset. Memory is the read buffer plus the element being read, whatever
/// the size of the file, and sections are read in the importer's order whatever their order in the file.
/// </summary>
internal sealed class ImportFile
{
    private const int BufferSize = 64 * 1024;

    private static readonly JsonReaderOptions ReaderOptions = new() { CommentHandling = JsonCommentHandling.Skip };

    private readonly Func<Stream> _open;
    private readonly Dictionary<string, ImportSectionRange> _sections;

    private ImportFile(Func<Stream> open, Dictionary<string, ImportSectionRange> sections, JsonTokenType root)
    {
        _open = open;
        _sections = sections;
        Root = root;
    }

    /// <summary>The kind of the top-level value (an object for a well-formed file).</summary>
    public JsonTokenType Root { get; }

    /// <summary>Top-level property names, in file order.</summary>
    public IEnumerable<string> Names => _sections.Keys;

    /// <summary>The section's value, or null when the file has none (or it is <c>null</c>).</summary>
    public ImportSectionRange? Section(string name) =>
        _sections.TryGetValue(name, out var range) && range.Kind != JsonTokenType.Null ? range : null;

    /// <summary>
    /// Reads the whole file once, token by token. Throws <see cref="JsonException"/> (with line and byte position)
    /// when it is not JSON.
    /// </summary>
    public static async Task<ImportFile> ScanAsync(Func<Stream> open, CancellationToken cancellationToken)
    {
        var sections = new Dictionary<string, ImportSectionRange>(StringComparer.Ordinal);
        var root = JsonTokenType.None;
        await using var stream = open();
        var buffer = ArrayPool<byte>.Shared.Rent(BufferSize);
        try
        {
            var state = new JsonReaderState(ReaderOptions);
            var scan = new ScanState();
            var filled = 0;
            long offset = 0; // file offset of buffer[0]
            var final = false;
            while (true)
            {
                var read = await stream.ReadAsync(buffer.AsMemory(filled), cancellationToken);
                filled += read;
                final = read == 0;
                var consumed = Scan(buffer.AsSpan(0, filled), final, ref state, scan, offset, sections);
                if (root == JsonTokenType.None)
                {
                    root = scan.Root;
                }

                if (final)
                {
                    if (scan.Root == JsonTokenType.None)
                    {
                        // An empty file: let the reader say so in its own words.
                        var empty = new Utf8JsonReader([], isFinalBlock: true, state);
                        empty.Read();
                    }

                    break;
                }

                buffer.AsSpan(consumed, filled - consumed).CopyTo(buffer);
                filled -= consumed;
                offset += consumed;
                if (filled == buffer.Length)
                {
                    buffer = Grow(buffer, filled);
                }
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }

        return new ImportFile(open, sections, root);
    }

    /// <summary>
    /// The elements of a section's array with their index, each parsed on its own. The scan has checked the
    /// syntax and that the value is an array.
    /// </summary>
    public IEnumerable<(int Index, JsonElement Element)> Elements(ImportSectionRange range)
    {
        ArgumentNullException.ThrowIfNull(range);
        using var stream = _open();
        stream.Seek(range.Start, SeekOrigin.Begin);
        var remaining = range.Length;
        var buffer = new byte[BufferSize];
        var state = new JsonReaderState(ReaderOptions);
        var filled = 0;
        var index = 0;
        var depth = new ElementState();
        var found = new List<JsonElement>();
        while (true)
        {
            var read = stream.Read(buffer, filled, (int)Math.Min(buffer.Length - filled, remaining));
            filled += read;
            remaining -= read;
            var final = remaining == 0;
            found.Clear();
            var consumed = ReadElements(buffer.AsSpan(0, filled), final, ref state, depth, found);
            foreach (var element in found)
            {
                yield return (index++, element);
            }

            if (depth.Done || final)
            {
                yield break;
            }

            Buffer.BlockCopy(buffer, consumed, buffer, 0, filled - consumed);
            filled -= consumed;
            if (filled == buffer.Length)
            {
                Array.Resize(ref buffer, buffer.Length * 2);
            }
        }
    }

    private sealed class ScanState
    {
        public JsonTokenType Root = JsonTokenType.None;
        public string? Property;
        public long ValueStart;
        public JsonTokenType ValueKind;
    }

    private sealed class ElementState
    {
        public bool Started;
        public bool Done;
    }

    /// <summary>Reads the tokens of one buffer; returns how many bytes were consumed.</summary>
    private static int Scan(ReadOnlySpan<byte> data, bool final, ref JsonReaderState state, ScanState scan, long offset, Dictionary<string, ImportSectionRange> sections)
    {
        var reader = new Utf8JsonReader(data, final, state);
        while (reader.Read())
        {
            if (scan.Root == JsonTokenType.None)
            {
                scan.Root = reader.TokenType;
                continue;
            }

            if (scan.Root != JsonTokenType.StartObject)
            {
                continue; // the syntax is still checked to the end; the importer reports the shape
            }

            switch (reader.CurrentDepth, reader.TokenType)
            {
                case (1, JsonTokenType.PropertyName):
                    scan.Property = reader.GetString();
                    break;
                case (1, JsonTokenType.StartArray or JsonTokenType.StartObject):
                    scan.ValueStart = offset + reader.TokenStartIndex;
                    scan.ValueKind = reader.TokenType;
                    break;
                case (1, JsonTokenType.EndArray or JsonTokenType.EndObject):
                    sections[scan.Property!] = new ImportSectionRange(scan.ValueStart, offset + reader.BytesConsumed - scan.ValueStart, scan.ValueKind);
                    break;
                case (1, _):
                    sections[scan.Property!] = new ImportSectionRange(offset + reader.TokenStartIndex, 0, reader.TokenType);
                    break;
            }
        }

        state = reader.CurrentState;
        return (int)reader.BytesConsumed;
    }

    /// <summary>Parses the complete elements of one buffer into <paramref name="found"/>; returns the bytes consumed.</summary>
    private static int ReadElements(ReadOnlySpan<byte> data, bool final, ref JsonReaderState state, ElementState position, List<JsonElement> found)
    {
        var reader = new Utf8JsonReader(data, final, state);
        if (!position.Started)
        {
            if (!reader.Read())
            {
                return 0;
            }

            position.Started = true; // the '[' of the section
        }

        while (true)
        {
            // An element is taken only when it is whole in the buffer; otherwise the reader goes back to before it.
            var before = reader;
            if (!reader.Read())
            {
                break;
            }

            if (reader.TokenType == JsonTokenType.EndArray)
            {
                position.Done = true;
                break;
            }

            var at = reader;
            if (!reader.TrySkip())
            {
                reader = before;
                break;
            }

            found.Add(JsonElement.ParseValue(ref at));
        }

        state = reader.CurrentState;
        return (int)reader.BytesConsumed;
    }

    private static byte[] Grow(byte[] buffer, int filled)
    {
        // A single token longer than the buffer (a very long string): make room for it.
        var larger = ArrayPool<byte>.Shared.Rent(buffer.Length * 2);
        buffer.AsSpan(0, filled).CopyTo(larger);
        ArrayPool<byte>.Shared.Return(buffer);
        return larger;
    }
}
