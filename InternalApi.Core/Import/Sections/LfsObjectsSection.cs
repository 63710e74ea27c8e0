using InternalApi.Core.Lfs;

namespace InternalApi.Core.Import;

/// <summary>An LFS object of an import file: its oid, size, content file and the projects it is linked to.</summary>
public sealed record LfsObjectRecord(string Oid, long Size, string ContentFile, IReadOnlyList<long> ProjectIds);

/// <summary>
/// <c>lfs_objects</c>: <c>oid</c> (SHA-256 of the content, lower-case hex), <c>size</c>, <c>content_file</c> (a file
/// beside the import file, or below its folder) and <c>project_ids</c> (the projects it is linked to). The content is
/// checked against the oid and the size before anything is written; the bytes go to Blob Storage, once.
/// </summary>
public sealed class LfsObjectsSection(LfsObjectStore store) : ImportSection<LfsObjectRecord>
{
    /// <inheritdoc/>
    public override string Name => "lfs_objects";

    /// <inheritdoc/>
    protected override LfsObjectRecord Read(ImportReader record)
    {
        ArgumentNullException.ThrowIfNull(record);
        var oid = record.Text("oid", required: true) ?? "";
        if (oid.Length > 0 && !LfsObjectStore.IsOid(oid))
        {
            record.Error("oid", "must be a SHA-256 in lower-case hex (64 digits)");
            oid = "";
        }

        var projects = record.Ids("project_ids");
        return new LfsObjectRecord(oid, record.Id("size", required: true) ?? 0, record.Text("content_file", required: true) ?? "", projects);
    }

    /// <inheritdoc/>
    protected override void CheckFile(IEnumerable<ImportItem<LfsObjectRecord>> items, ImportContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        context.Duplicates(items, o => o.Oid.Length > 0 ? o.Oid : null, "oid", StringComparer.Ordinal);
    }

    /// <inheritdoc/>
    protected override async Task CheckAsync(ImportItem<LfsObjectRecord> item, ImportContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(item);
        ArgumentNullException.ThrowIfNull(context);
        var value = item.Value;
        foreach (var id in value.ProjectIds.Where(id => id > 0))
        {
            if (!await context.ProjectExistsAsync(id, cancellationToken))
            {
                context.Error(item.Path, "project_ids", $"unknown project {id}");
            }
        }

        if (value.ContentFile.Length == 0)
        {
            return;
        }

        var path = context.ContentPath(value.ContentFile);
        if (!File.Exists(path))
        {
            context.Error(item.Path, "content_file", $"no such file '{path}'");
            return;
        }

        // The whole content is read here, so that a wrong oid or size is an error of the file, before anything is written.
        await using var content = File.OpenRead(path);
        var (oid, size) = await LfsObjectStore.HashAsync(content, cancellationToken);
        if (value.Size > 0 && size != value.Size)
        {
            context.Error(item.Path, "size", $"is {value.Size} but the content has {size} bytes");
        }

        if (value.Oid.Length > 0 && oid != value.Oid)
        {
            context.Error(item.Path, "oid", $"is not the SHA-256 of the content ({oid})");
        }
    }

    /// <inheritdoc/>
    protected override async Task WriteAsync(LfsObjectRecord value, ImportContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(value);
        ArgumentNullException.ThrowIfNull(context);
        var path = context.ContentPath(value.ContentFile);
        await store.UploadAsync(value.Oid, value.Size, () => File.OpenRead(path), cancellationToken);
        foreach (var projectId in value.ProjectIds)
        {
            await store.LinkAsync(value.Oid, value.Size, projectId, cancellationToken);
        }
    }
}
