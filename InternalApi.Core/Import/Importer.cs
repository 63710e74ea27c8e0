using System.Text.Json;
using InternalApi.Core.Data;
using Azure.Data.Tables;

namespace InternalApi.Core.Import;

/// <summary>
/// Imports a data file in two phases. First every section reads its records and checks them against the
/// file and the store, collecting every problem; if there is any, nothing is written. Then every section
/// upserts its records in registration order. Records carry their ids and writes are upserts that keep
/// what the app wrote since (activity, last use), so importing the same file again changes nothing.
/// Import adds and updates; it never deletes.
/// </summary>
public sealed class Importer(ImportStores stores, GitLabTables tables, IEnumerable<IImportSection> sections)
{
    private readonly IReadOnlyList<IImportSection> _sections = [.. sections];

    /// <summary>The sections, in the order they are read, checked and written.</summary>
    public IReadOnlyList<string> SectionNames => [.. _sections.Select(s => s.Name)];

    /// <summary>Whether the store holds no user yet (for <c>--if-empty</c>).</summary>
    public async Task<bool> StoreIsEmptyAsync(CancellationToken cancellationToken = default)
    {
        await foreach (var page in tables.Users.QueryAsync<TableEntity>(select: ["PartitionKey"], maxPerPage: 1, cancellationToken: cancellationToken).AsPages())
        {
            if (page.Values.Count > 0)
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>Validates the whole file, then writes it if and only if it is valid; content files are named relative to the current folder.</summary>
    public Task<ImportResult> ImportAsync(string json, CancellationToken cancellationToken = default) => ImportAsync(json, null, cancellationToken);

    /// <summary>
    /// Validates the whole file, then writes it if and only if it is valid. <paramref name="baseDirectory"/> is the
    /// import file's folder, against which content files are named (the current folder when null).
    /// </summary>
    public async Task<ImportResult> ImportAsync(string json, string? baseDirectory, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(json);
        var context = new ImportContext(stores, baseDirectory);
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(json, new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip });
        }
        catch (JsonException ex)
        {
            return new ImportResult([$"$: not valid JSON ({ex.Message})"], []);
        }

        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                return new ImportResult(["$: must be an object with one array per section"], []);
            }

            var known = SectionNames;
            foreach (var property in root.EnumerateObject().Where(p => !known.Contains(p.Name, StringComparer.Ordinal) && p.Name != "$schema"))
            {
                context.Error("$." + property.Name, $"unknown section '{property.Name}' (known: {string.Join(", ", known)})");
            }

            var file = new ImportReader(root, "$", context.ErrorList);
            foreach (var section in _sections)
            {
                section.Read(file, context);
            }
        }

        foreach (var section in _sections)
        {
            await section.CheckAsync(context, cancellationToken);
        }

        if (context.Errors.Count > 0)
        {
            return new ImportResult(context.Errors, []);
        }

        var counts = new List<ImportCount>();
        foreach (var section in _sections)
        {
            counts.Add(new ImportCount(section.Name, await section.WriteAsync(context, cancellationToken)));
        }

        return new ImportResult([], counts);
    }
}
