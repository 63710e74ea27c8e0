using System.Text;
using System.Text.Json;
using Azure.Data.Tables;
using InternalApi.Core.Data;

namespace InternalApi.Core.Import;

/// <summary>
/// Imports a data file in two phases. First every section reads its records and checks them against the
/// file and the store, collecting every problem; if there is any, nothing is written. Then every section
/// upserts its records in registration order. Records carry their ids and writes are upserts that keep
/// what the app wrote since (activity, last use), so importing the same file again, or again after an
/// interrupted run, ends in the same state. Import adds and updates; it never deletes.
/// The file is streamed, never held: one pass checks its syntax and finds the sections, and each phase
/// reads the sections it needs again (<see cref="ImportFile"/>), so memory does not grow with the file.
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

    /// <summary>Validates the whole text, then writes it if and only if it is valid; content files are named relative to the current folder.</summary>
    public Task<ImportResult> ImportAsync(string json, CancellationToken cancellationToken = default) => ImportAsync(json, null, cancellationToken);

    /// <summary>
    /// Validates the whole text, then writes it if and only if it is valid. <paramref name="baseDirectory"/> is the
    /// import file's folder, against which content files are named (the current folder when null).
    /// </summary>
    public Task<ImportResult> ImportAsync(string json, string? baseDirectory, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(json);
        var bytes = Encoding.UTF8.GetBytes(json);
        return ImportAsync(() => new MemoryStream(bytes, writable: false), baseDirectory, null, cancellationToken);
    }

    /// <summary>
    /// Validates the file that <paramref name="open"/> opens (a new seekable stream on each call), then writes it
    /// if and only if it is valid. <paramref name="progress"/>, when given, follows the writes.
    /// </summary>
    public async Task<ImportResult> ImportAsync(Func<Stream> open, string? baseDirectory, ImportProgress? progress, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(open);
        ImportFile file;
        try
        {
            file = await ImportFile.ScanAsync(open, cancellationToken);
        }
        catch (JsonException ex)
        {
            return new ImportResult([$"$: not valid JSON ({ex.Message})"], []);
        }

        if (file.Root != JsonTokenType.StartObject)
        {
            return new ImportResult(["$: must be an object with one array per section"], []);
        }

        var context = new ImportContext(stores, tables, file, _sections, baseDirectory);
        if (progress is not null)
        {
            context.SetProgress(progress);
        }

        var known = SectionNames;
        foreach (var name in file.Names.Where(n => !known.Contains(n, StringComparer.Ordinal) && n != "$schema"))
        {
            context.Error("$." + name, $"unknown section '{name}' (known: {string.Join(", ", known)})");
        }

        context.SetStored(await ImportStoreView.LoadAsync(stores, tables, cancellationToken));
        long total = 0;
        foreach (var section in _sections)
        {
            total += section.Read(context);
        }

        foreach (var section in _sections)
        {
            await section.CheckAsync(context, cancellationToken);
        }

        if (context.Errors.Count > 0)
        {
            return new ImportResult(context.Errors, []);
        }

        context.Progress.Start(total);
        var counts = new List<ImportCount>();
        foreach (var section in _sections)
        {
            context.Progress.Section = section.Name;
            counts.Add(new ImportCount(section.Name, await section.WriteAsync(context, cancellationToken)));
        }

        return new ImportResult([], counts);
    }
}
