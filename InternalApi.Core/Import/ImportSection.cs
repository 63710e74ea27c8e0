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

    /// <summary>Reads the section's records into <paramref name="context"/>, reporting malformed fields.</summary>
    void Read(ImportReader file, ImportContext context);

    /// <summary>Checks duplicates inside the file and references to the file and the store.</summary>
    Task CheckAsync(ImportContext context, CancellationToken cancellationToken);

    /// <summary>Upserts the section's records; returns how many.</summary>
    Task<int> WriteAsync(ImportContext context, CancellationToken cancellationToken);
}

/// <summary>A record read from the file, with its JSON path for error messages.</summary>
public sealed record ImportItem<T>(string Path, T Value);

/// <summary>
/// Base of a section whose records read as <typeparamref name="T"/>. A field that could not be read is
/// left at 0 / empty after its error was reported, and reference checks skip such values, so each
/// mistake is reported once.
/// </summary>
public abstract class ImportSection<T> : IImportSection
{
    /// <inheritdoc/>
    public abstract string Name { get; }

    /// <summary>Reads one record (report problems through <paramref name="record"/>).</summary>
    protected abstract T Read(ImportReader record);

    /// <summary>Checks that need all of this section's records, e.g. duplicates.</summary>
    protected virtual void CheckFile(IReadOnlyList<ImportItem<T>> items, ImportContext context)
    {
    }

    /// <summary>Checks one record's references against the file and the store.</summary>
    protected virtual Task CheckAsync(ImportItem<T> item, ImportContext context, CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>Writes one record.</summary>
    protected abstract Task WriteAsync(T value, ImportContext context, CancellationToken cancellationToken);

    /// <summary>Writes all records (override to prepare or to order the writes).</summary>
    protected virtual async Task WriteAllAsync(IReadOnlyList<ImportItem<T>> items, ImportContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(items);
        foreach (var item in items)
        {
            await WriteAsync(item.Value, context, cancellationToken);
        }
    }

    /// <inheritdoc/>
    public void Read(ImportReader file, ImportContext context)
    {
        ArgumentNullException.ThrowIfNull(file);
        ArgumentNullException.ThrowIfNull(context);
        var items = new List<ImportItem<T>>();
        foreach (var record in file.Objects(Name))
        {
            items.Add(new ImportItem<T>(record.Path, Read(record)));
            record.ReportUnknownFields();
        }

        context.SetItems(this, items);
    }

    /// <inheritdoc/>
    public async Task CheckAsync(ImportContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        var items = context.ItemsOf<T>(this);
        CheckFile(items, context);
        foreach (var item in items)
        {
            await CheckAsync(item, context, cancellationToken);
        }
    }

    /// <inheritdoc/>
    public async Task<int> WriteAsync(ImportContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        var items = context.ItemsOf<T>(this);
        await WriteAllAsync(items, context, cancellationToken);
        return items.Count;
    }
}
