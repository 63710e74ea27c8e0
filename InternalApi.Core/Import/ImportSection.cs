namespace InternalApi.Core.Import;

/// <summary>
/// One top-level section of an import file (<c>users</c>, <c>projects</c>, ...). The importer reads every
/// section, then checks every section, and only when nothing is wrong writes them, in registration order.
/// A new kind of data is one new section class plus its line in <see cref="ImportServices"/>.
/// </summary>
public interface IImportSection
{
    /// <summary>The top-level JSON key, snake_case.</summary>
    string Name { get; }

    /// <summary>Reads the section's records once, reporting malformed fields; returns how many records it has.</summary>
    int Read(ImportContext context);

    /// <summary>Checks duplicates inside the file and references to the file and the store.</summary>
    Task CheckAsync(ImportContext context, CancellationToken cancellationToken);

    /// <summary>Upserts the section's records; returns how many.</summary>
    Task<int> WriteAsync(ImportContext context, CancellationToken cancellationToken);
}

/// <summary>A record read from the file, with its JSON path for error messages.</summary>
public sealed record ImportItem<T>(string Path, T Value);

/// <summary>
/// Base of a section whose records read as <typeparamref name="T"/>. Records are never all in memory: each
/// phase streams the section from the file again (<see cref="Stream"/>), and what a check needs across records
/// (ids and paths seen) is all that is kept. A field that could not be read is left at 0 / empty after its error
/// was reported, and reference checks skip such values, so each mistake is reported once.
/// </summary>
public abstract class ImportSection<T> : IImportSection
{
    /// <summary>How many records are checked at once (the per-record checks are mostly store reads).</summary>
    private const int CheckParallelism = 32;

    /// <inheritdoc/>
    public abstract string Name { get; }

    /// <summary>Reads one record (report problems through <paramref name="record"/>).</summary>
    protected abstract T Read(ImportReader record);

    /// <summary>Checks that need all of this section's records, e.g. duplicates (<paramref name="items"/> streams the file: enumerate it once).</summary>
    protected virtual void CheckFile(IEnumerable<ImportItem<T>> items, ImportContext context)
    {
    }

    /// <summary>
    /// Checks one record's references against the file and the store. Records are checked concurrently, each
    /// with a context of its own for its errors, which are reported in file order.
    /// </summary>
    protected virtual Task CheckAsync(ImportItem<T> item, ImportContext context, CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>Writes one record.</summary>
    protected abstract Task WriteAsync(T value, ImportContext context, CancellationToken cancellationToken);

    /// <summary>Writes all records, one at a time (override to prepare, to order or to batch the writes).</summary>
    protected virtual async Task WriteAllAsync(IEnumerable<ImportItem<T>> items, ImportContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(items);
        ArgumentNullException.ThrowIfNull(context);
        foreach (var item in items)
        {
            await WriteAsync(item.Value, context, cancellationToken);
            context.Progress.Add(1);
        }
    }

    /// <summary>
    /// The section's records, read from the file again (their problems were reported by <see cref="Read(ImportContext)"/>,
    /// and are not reported twice); elements that are not objects are left out.
    /// </summary>
    public IEnumerable<ImportItem<T>> Stream(ImportContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (context.File.Section(Name) is not { Kind: System.Text.Json.JsonTokenType.StartArray } range)
        {
            yield break;
        }

        var ignored = new List<string>();
        foreach (var (index, element) in context.File.Elements(range))
        {
            if (element.ValueKind == System.Text.Json.JsonValueKind.Object)
            {
                var record = new ImportReader(element, ItemPath(index), ignored);
                yield return new ImportItem<T>(record.Path, Read(record));
                ignored.Clear();
            }
        }
    }

    /// <inheritdoc/>
    public int Read(ImportContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (context.File.Section(Name) is not { } range)
        {
            return 0;
        }

        if (range.Kind != System.Text.Json.JsonTokenType.StartArray)
        {
            context.Error("$." + Name, "must be an array");
            return 0;
        }

        var count = 0;
        foreach (var (index, element) in context.File.Elements(range))
        {
            if (element.ValueKind != System.Text.Json.JsonValueKind.Object)
            {
                context.Error(ItemPath(index), "must be an object");
                continue;
            }

            var record = new ImportReader(element, ItemPath(index), context.ErrorList);
            Read(record);
            record.ReportUnknownFields();
            count++;
        }

        context.SetCount(this, count);
        return count;
    }

    /// <inheritdoc/>
    public async Task CheckAsync(ImportContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        CheckFile(Stream(context), context);

        // A window of records in flight; the oldest is awaited first, so errors come out in file order.
        var window = new Queue<(Task Check, ImportContext Own)>();
        foreach (var item in Stream(context))
        {
            if (window.Count == CheckParallelism)
            {
                await Drain(window.Dequeue(), context);
            }

            var own = context.ForRecord();
            window.Enqueue((CheckAsync(item, own, cancellationToken), own));
        }

        while (window.Count > 0)
        {
            await Drain(window.Dequeue(), context);
        }

        static async Task Drain((Task Check, ImportContext Own) entry, ImportContext context)
        {
            await entry.Check;
            context.ErrorList.AddRange(entry.Own.Errors);
        }
    }

    /// <inheritdoc/>
    public async Task<int> WriteAsync(ImportContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        await WriteAllAsync(Stream(context), context, cancellationToken);
        return context.CountOf(this);
    }

    private string ItemPath(int index) => string.Create(System.Globalization.CultureInfo.InvariantCulture, $"$.{Name}[{index}]");
}
