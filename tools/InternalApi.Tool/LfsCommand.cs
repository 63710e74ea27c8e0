using System.CommandLine;
using System.Globalization;
using InternalApi.Core.Data;
using InternalApi.Core.Lfs;
using InternalApi.Core.Storage;

namespace InternalApi.Tool;

/// <summary>
/// <c>lfs upload --project &lt;id|full path&gt; [--oid OID] FILE</c>: stores one LFS object (the file's bytes, in Blob
/// Storage) and links it to the project, so that <c>GET /internal/lfs</c> serves it. The oid is the SHA-256 of the
/// file; when given it must match.
/// </summary>
internal static class LfsCommand
{
    /// <summary>What a usage error prints.</summary>
    public const string Usage = "usage: lfs upload --project <id|full/path> [--oid <sha256>] FILE";

    /// <summary>Runs the verb on the arguments that follow <c>lfs</c> on the command line.</summary>
    public static Task<int> RunAsync(string[] args, TextWriter output, TextWriter error) => ToolCommands.RunAsync(["lfs", .. args], output, error);

    /// <summary>The verb; <paramref name="configuration"/> is filled with the configuration tokens before it runs.</summary>
    public static Command Create(IReadOnlyList<string> configuration, TextWriter output, TextWriter error)
    {
        var project = new Option<string?>("--project") { Description = "the project's id or full path" };
        var oid = new Option<string?>("--oid") { Description = "the expected oid (SHA-256 of the file, lower-case hex)" };
        var file = new Argument<string>("file") { Description = "the object's content" };
        var upload = new Command("upload", "Store an LFS object and link it to a project.") { project, oid, file };
        upload.SetAction((result, cancellationToken) => UploadAsync(result.GetValue(project), result.GetValue(oid), result.GetValue(file)!, configuration, output, error, cancellationToken));
        return new Command("lfs", "LFS objects in Blob Storage.") { upload };
    }

    /// <summary>Uploads and links; 2 on usage errors and storage failures, 1 for an unknown project, a missing file or a wrong oid.</summary>
    public static async Task<int> UploadAsync(string? project, string? expectedOid, string file, IReadOnlyList<string> configuration, TextWriter output, TextWriter error, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(error);
        if (string.IsNullOrWhiteSpace(project) || string.IsNullOrWhiteSpace(file) || file.StartsWith('-') || (expectedOid is not null && !LfsObjectStore.IsOid(expectedOid)))
        {
            error.WriteLine(Usage);
            return 2;
        }

        if (!File.Exists(file))
        {
            error.WriteLine($"lfs: no such file '{file}'");
            return 1;
        }

        string oid;
        long size;
        await using (var content = File.OpenRead(file))
        {
            (oid, size) = await LfsObjectStore.HashAsync(content, cancellationToken);
        }

        if (expectedOid is not null && expectedOid != oid)
        {
            error.WriteLine($"lfs: {file} has oid {oid}, not {expectedOid}; nothing stored");
            return 1;
        }

        await using var services = CommandServices.Create(configuration);
        try
        {
            await services.GetRequiredService<StorageInitializer>().CreateAsync(cancellationToken);
            var projects = services.GetRequiredService<ProjectStore>();
            var found = long.TryParse(project, NumberStyles.None, CultureInfo.InvariantCulture, out var id)
                ? await projects.GetProjectAsync(id, cancellationToken)
                : (await projects.FindProjectByPathAsync(project, cancellationToken))?.Project;
            if (found is null)
            {
                error.WriteLine($"lfs: unknown project '{project}'");
                return 1;
            }

            var objects = services.GetRequiredService<LfsObjectStore>();
            var uploaded = await objects.UploadAsync(oid, size, () => File.OpenRead(file), cancellationToken);
            await objects.LinkAsync(oid, size, found.Id, cancellationToken);
            output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"lfs: {oid} ({size} bytes) {(uploaded ? "stored" : "already stored")}, linked to {found.FullPath} (project-{found.Id})"));
            return 0;
        }
        catch (Exception ex) when (ex is Azure.RequestFailedException or HttpRequestException or AggregateException)
        {
            // Both writes are idempotent (same blob name for the same bytes, an upserted link): running it again is safe.
            error.WriteLine($"lfs: storage failed ({ex.Message}); running the command again is safe");
            return 2;
        }
    }
}
