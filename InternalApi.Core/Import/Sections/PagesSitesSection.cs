using System.Text.RegularExpressions;
using InternalApi.Core.Pages;

namespace InternalApi.Core.Import;

/// <summary>A Pages site as the file gives it: settings and, optionally, a deployment of inline files.</summary>
public sealed record PagesSiteRecord(
    long ProjectId,
    PagesAccessLevel AccessLevel,
    bool HttpsOnly,
    string? UniqueDomain,
    bool UniqueDomainEnabled,
    string? PrimaryDomain,
    string RootDirectory,
    IReadOnlyList<PagesFile>? Files);

/// <summary>
/// <c>pages_sites</c>: a project's Pages settings (<c>project_id</c>, <c>access_level</c>, <c>https_only</c>,
/// <c>unique_domain</c>, <c>unique_domain_enabled</c>, <c>primary_domain</c>) and its deployment (<c>deployment</c>:
/// <c>root_directory</c>, <c>files</c> of <c>path</c> and <c>content</c>), which the import zips and publishes to blob
/// storage. Publishing the same files again keeps the deployment there is.
/// </summary>
public sealed partial class PagesSitesSection(PagesStore pages, PagesPublisher publisher) : ImportSection<PagesSiteRecord>
{
    private static readonly Dictionary<string, PagesAccessLevel> AccessLevels = new(StringComparer.Ordinal)
    {
        ["disabled"] = PagesAccessLevel.Disabled,
        ["private"] = PagesAccessLevel.Private,
        ["enabled"] = PagesAccessLevel.Enabled,
        ["public"] = PagesAccessLevel.Public,
    };

    /// <inheritdoc/>
    public override string Name => "pages_sites";

    /// <inheritdoc/>
    protected override PagesSiteRecord Read(ImportReader record)
    {
        ArgumentNullException.ThrowIfNull(record);
        var projectId = record.Id("project_id", required: true) ?? 0;
        var access = record.Choice("access_level", AccessLevels, PagesAccessLevel.Enabled);
        var httpsOnly = record.Bool("https_only", true);
        var unique = record.Text("unique_domain");
        if (unique is not null && !Label().IsMatch(unique))
        {
            record.Error("unique_domain", "must be a DNS label (lower-case letters, digits and hyphens)");
            unique = null;
        }

        var uniqueEnabled = record.Bool("unique_domain_enabled", unique is not null);
        var primary = record.Text("primary_domain");
        var root = "public";
        List<PagesFile>? files = null;
        if (record.Nested("deployment") is { } deployment)
        {
            try
            {
                root = PagesPublisher.NormalizeRoot(deployment.Text("root_directory") ?? "public");
            }
            catch (PagesPublishException ex)
            {
                deployment.Error("root_directory", ex.Message);
            }

            if (deployment.Text("path_prefix") is { Length: > 0 })
            {
                // GitLab Premium's parallel deployments; the lookup serves only the deployment without a prefix.
                deployment.Error("path_prefix", "is not supported (only the deployment without a path prefix is served)");
            }

            files = [];
            foreach (var file in deployment.Objects("files"))
            {
                var path = file.Text("path", required: true);
                var content = file.Text("content") ?? "";
                if (path is not null && (path.StartsWith('/') || path.Split('/').Any(p => p is "" or "." or "..")))
                {
                    file.Error("path", "must be a relative file path");
                }
                else if (path is not null)
                {
                    files.Add(new PagesFile(path, content));
                }
            }

            if (files.Count == 0)
            {
                deployment.Error("files", "is missing (a deployment needs at least one file)");
            }
            else if (!files.Any(f => f.Path.StartsWith(root + "/", StringComparison.Ordinal)))
            {
                deployment.Error("files", $"has nothing under '{root}/', the root directory");
            }
        }

        return new PagesSiteRecord(projectId, access, httpsOnly, unique, uniqueEnabled, primary, root, files);
    }

    /// <inheritdoc/>
    protected override void CheckFile(IEnumerable<ImportItem<PagesSiteRecord>> items, ImportContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        context.Duplicates(items, s => ImportContext.Key(s.ProjectId), "project_id", StringComparer.Ordinal);
        context.Duplicates(items, s => s.UniqueDomain, "unique_domain", StringComparer.OrdinalIgnoreCase);
    }

    /// <inheritdoc/>
    protected override async Task CheckAsync(ImportItem<PagesSiteRecord> item, ImportContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(item);
        ArgumentNullException.ThrowIfNull(context);
        if (!await context.ProjectExistsAsync(item.Value.ProjectId, cancellationToken))
        {
            context.Error(item.Path, "project_id", $"unknown project {item.Value.ProjectId}");
        }

        if (item.Value.UniqueDomain is { } unique
            && (await pages.FindNameAsync(unique, cancellationToken)).UniqueProjectId is { } owner && owner != item.Value.ProjectId)
        {
            context.Error(item.Path, "unique_domain", $"is already project {owner}'s");
        }
    }

    /// <inheritdoc/>
    protected override async Task WriteAsync(PagesSiteRecord value, ImportContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(value);
        ArgumentNullException.ThrowIfNull(context);
        var project = await context.Stores.Projects.GetProjectAsync(value.ProjectId, cancellationToken)
            ?? throw new InvalidOperationException($"project {value.ProjectId} vanished during the import");
        var site = await publisher.DescribeAsync(project, cancellationToken) with
        {
            AccessLevel = value.AccessLevel,
            HttpsOnly = value.HttpsOnly,
            UniqueDomain = value.UniqueDomain?.ToLowerInvariant(),
            UniqueDomainEnabled = value.UniqueDomainEnabled,
            PrimaryDomain = value.PrimaryDomain,
        };
        await pages.UpsertSiteSettingsAsync(site, cancellationToken);
        if (value.Files is { Count: > 0 } files)
        {
            await publisher.PublishFilesAsync(project, files, value.RootDirectory, cancellationToken);
        }
    }

    [GeneratedRegex("^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$", RegexOptions.CultureInvariant)]
    private static partial Regex Label();
}
