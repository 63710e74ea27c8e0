using System.CommandLine;
using System.Globalization;
using InternalApi.Core.Data;
using InternalApi.Core.Pages;
using InternalApi.Core.Storage;

namespace InternalApi.Tool;

/// <summary>
/// <c>pages publish --project &lt;id|full path&gt; (--folder DIR | --zip FILE) [--root-directory public]</c>: publishes
/// a folder (zipped here) or a zip as the project's Pages deployment: the zip goes to blob storage, the site serves it.
/// </summary>
internal static class PagesCommand
{
    /// <summary>What a usage error prints.</summary>
    public const string Usage = "usage: pages publish --project <id|full/path> (--folder DIR | --zip FILE) [--root-directory public]";

    /// <summary>Runs the verb on the arguments that follow <c>pages</c> on the command line (parsed as the tool parses them).</summary>
    public static Task<int> RunAsync(string[] args, TextWriter output, TextWriter error) => ToolCommands.RunAsync(["pages", .. args], output, error);

    /// <summary>The verb; <paramref name="configuration"/> is filled with the configuration tokens before it runs.</summary>
    public static Command Create(IReadOnlyList<string> configuration, TextWriter output, TextWriter error)
    {
        var project = new Option<string?>("--project") { Description = "the project's id or full path" };
        var folder = new Option<string?>("--folder") { Description = "a folder holding the site's root directory (e.g. public/)" };
        var zip = new Option<string?>("--zip") { Description = "a zip holding the site's root directory" };
        var root = new Option<string?>("--root-directory") { Description = "the folder of the zip the site is served from (default public)" };
        var publish = new Command("publish", "Publish a folder or zip as a project's Pages deployment.") { project, folder, zip, root };
        publish.SetAction((result, _) => PublishAsync(result.GetValue(project), result.GetValue(folder), result.GetValue(zip), result.GetValue(root), configuration, output, error));
        return new Command("pages", "GitLab Pages deployments.") { publish };
    }

    /// <summary>Publishes; 0 on success, 1 when the project or the content is wrong, 2 on usage or storage errors.</summary>
    public static async Task<int> PublishAsync(string? project, string? folder, string? zip, string? rootDirectory, IReadOnlyList<string> configuration, TextWriter output, TextWriter error)
    {
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(error);
        if (string.IsNullOrWhiteSpace(project) || (folder is null) == (zip is null))
        {
            error.WriteLine(Usage);
            return 2;
        }

        await using var services = CommandServices.Create(configuration);
        try
        {
            await services.GetRequiredService<StorageInitializer>().CreateAsync();
            var projects = services.GetRequiredService<ProjectStore>();
            var found = long.TryParse(project, NumberStyles.None, CultureInfo.InvariantCulture, out var id)
                ? await projects.GetProjectAsync(id)
                : (await projects.FindProjectByPathAsync(project))?.Project;
            if (found is null)
            {
                error.WriteLine($"pages: unknown project '{project}'");
                return 1;
            }

            var publisher = services.GetRequiredService<PagesPublisher>();
            var result = folder is not null
                ? await publisher.PublishFolderAsync(found, folder, rootDirectory ?? "public", CancellationToken.None)
                : await publisher.PublishZipAsync(found, zip!, rootDirectory ?? "public", CancellationToken.None);
            var d = result.Deployment;
            output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"published deployment {d.Id} of {found.FullPath} (project {found.Id}): {d.FileCount} entries, {d.FileSize} bytes, sha256 {d.Sha256}, root {d.RootDirectory}/"));
            if (result.Previous is { } previous)
            {
                // Its blob stays: a daemon that cached the lookup may still read it until its URL expires.
                output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"replaced deployment {previous.Id} (blob {previous.BlobName} kept)"));
            }

            return 0;
        }
        catch (PagesPublishException ex)
        {
            error.WriteLine("pages: " + ex.Message);
            return 1;
        }
        catch (Exception ex) when (ex is FileNotFoundException or DirectoryNotFoundException or UnauthorizedAccessException)
        {
            error.WriteLine("pages: " + ex.Message);
            return 1;
        }
        catch (Exception ex) when (ImportCommand.IsStorageFailure(ex))
        {
            var cause = ex is AggregateException many ? many.InnerExceptions[^1] : ex;
            error.WriteLine($"pages: storage failed ({cause.Message}); publishing again is safe");
            return 2;
        }
    }
}
