using Azure.Data.Tables;
using InternalApi.Core.Data;
using InternalApi.Core.Model;
using Microsoft.Extensions.Options;

namespace InternalApi.Core.Import;

/// <summary>A project, the full path of its namespace, and old paths that must keep resolving to it.</summary>
public sealed record ProjectRecord(Project Project, string NamespacePath, IReadOnlyList<string> Redirects);

/// <summary>
/// <c>projects</c>: <c>namespace</c> (a group's full path or a username) + <c>path</c>; <c>redirects</c> are
/// old full paths that resolve to the project as GitLab's redirect routes do. Changing a stored project's
/// namespace or path is allowed: its previous path becomes a redirect too.
/// </summary>
public sealed class ProjectsSection(IOptions<GitalyOptions> gitaly) : ImportSection<ProjectRecord>
{
    /// <summary>The sequence new project ids come from (create-on-push); raised above imported ids.</summary>
    public const string ProjectSequence = "projects";

    /// <inheritdoc/>
    public override string Name => "projects";

    /// <inheritdoc/>
    protected override ProjectRecord Read(ImportReader record)
    {
        ArgumentNullException.ThrowIfNull(record);
        var ns = (record.Text("namespace", required: true) ?? "").Trim('/');
        if (ns.Length > 0 && !ImportValues.IsFullPath(ns))
        {
            record.Error("namespace", "each segment " + ImportValues.PathRule);
            ns = "";
        }

        var path = record.Text("path", required: true) ?? "";
        if (path.Length > 0 && !ImportValues.IsPathSegment(path))
        {
            record.Error("path", ImportValues.PathRule);
            path = "";
        }

        var redirects = new List<string>();
        foreach (var (redirect, i) in (record.Strings("redirects") ?? []).Select((r, i) => (r.Trim('/'), i)))
        {
            if (!redirect.Contains('/', StringComparison.Ordinal) || !ImportValues.IsFullPath(redirect))
            {
                record.Error($"redirects[{i}]", "must be a full project path (namespace/path) whose segments " + ImportValues.PathRule);
            }
            else
            {
                redirects.Add(redirect);
            }
        }

        var project = new Project
        {
            Id = record.Id("id", required: true) ?? 0,
            Name = record.Text("name") ?? path,
            NamespaceId = 0,
            FullPath = ns.Length > 0 && path.Length > 0 ? ns + "/" + path : "",
            Visibility = record.Choice("visibility", ImportValues.Visibilities, Visibility.Private),
            RepositoryAccess = record.Choice("repository_access", ImportValues.FeatureAccessLevels, FeatureAccess.Enabled),
            WikiAccess = record.Choice("wiki_access", ImportValues.FeatureAccessLevels, FeatureAccess.Enabled),
            Archived = record.Bool("archived", false),
            DefaultBranch = record.Text("default_branch"),
            LfsEnabled = record.Bool("lfs_enabled", true),
            MergeRequestsEnabled = record.Bool("merge_requests_enabled", true),
            PrintMergeRequestLink = record.Bool("print_merge_request_link", true),
            ErrorTrackingEnabled = record.Bool("error_tracking_enabled", false),
            StorageName = record.Text("storage_name") ?? "default",
            RepositoryExists = record.Bool("repository_exists", true),
            RepositoryReadOnly = record.Bool("read_only", false),
            CreatorId = record.Id("creator_id"),
            CreatedAt = record.Time("created_at") ?? DateTimeOffset.UnixEpoch,
        };
        return new ProjectRecord(project, ns, redirects);
    }

    /// <inheritdoc/>
    protected override void CheckFile(IEnumerable<ImportItem<ProjectRecord>> items, ImportContext context)
    {
        ArgumentNullException.ThrowIfNull(items);
        ArgumentNullException.ThrowIfNull(context);
        context.Duplicates(items, p => ImportContext.Key(p.Project.Id), "id", StringComparer.Ordinal);

        // Current paths and redirects form one set of routes: each resolves to exactly one project.
        var routes = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        var namespaces = context.Items<GitLabNamespace>().Select(g => (g.Value.FullPath, g.Path))
            .Concat(context.Items<UserRecord>().Select(u => (FullPath: u.Value.User.Username, u.Path)))
            .Where(n => n.FullPath.Length > 0)
            .DistinctBy(n => n.FullPath, StringComparer.OrdinalIgnoreCase)
            .ToDictionary(n => n.FullPath, n => n.Path, StringComparer.OrdinalIgnoreCase);
        foreach (var item in items)
        {
            var project = item.Value.Project;
            var own = project.FullPath.Length > 0 ? new[] { ("path", project.FullPath) } : [];
            foreach (var (field, route) in own.Concat(item.Value.Redirects.Select((r, i) => ($"redirects[{i}]", r))))
            {
                if (!routes.TryAdd(route, item.Path))
                {
                    context.Error(item.Path, field, $"'{route}' is also a path or redirect of {routes[route]}");
                }

                if (namespaces.TryGetValue(route, out var nsPath))
                {
                    context.Error(item.Path, field, $"'{route}' is the path of the namespace at {nsPath}");
                }
            }
        }
    }

    /// <inheritdoc/>
    protected override async Task CheckAsync(ImportItem<ProjectRecord> item, ImportContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(item);
        ArgumentNullException.ThrowIfNull(context);
        var (project, nsPath, redirects) = item.Value;
        if (nsPath.Length > 0 && await context.FindNamespaceAsync(nsPath, cancellationToken) is null)
        {
            context.Error(item.Path, "namespace", $"unknown namespace '{nsPath}'");
        }

        if (!gitaly.Value.Storages.ContainsKey(project.StorageName))
        {
            context.Error(item.Path, "storage_name", $"unknown Gitaly storage '{project.StorageName}' (configured: {string.Join(", ", gitaly.Value.Storages.Keys)})");
        }

        if (project.CreatorId is { } creator && !await context.UserExistsAsync(creator, cancellationToken))
        {
            context.Error(item.Path, "creator_id", $"unknown user {creator}");
        }

        if (project.Id > 0 && await context.Stored.ProjectExistsAsync(project.Id, cancellationToken))
        {
            context.MarkStored(this, project.Id);
        }

        var own = project.FullPath.Length > 0 ? new[] { ("path", project.FullPath) } : [];
        foreach (var (field, route) in own.Concat(redirects.Select((r, i) => ($"redirects[{i}]", r))))
        {
            if (await context.Stored.ProjectIdByPathAsync(route, cancellationToken) is { } taken && taken != project.Id)
            {
                context.Error(item.Path, field, $"'{route}' already resolves to project {taken} in the store");
            }
            else if (await context.Stored.NamespaceByPathAsync(route, cancellationToken) is { } ns)
            {
                context.Error(item.Path, field, $"'{route}' is the path of namespace {ns.Id} in the store");
            }
        }
    }

    /// <inheritdoc/>
    protected override async Task WriteAllAsync(IEnumerable<ImportItem<ProjectRecord>> items, ImportContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(items);
        ArgumentNullException.ThrowIfNull(context);
        // Create-on-push allocates project ids from this sequence: keep it above the ids imported here.
        await context.Stores.Sequences.ReserveIdsAsync(ProjectSequence, Stream(context).Select(p => p.Value.Project.Id).DefaultIfEmpty(0).Max(), cancellationToken);

        // A project new to the store is rows (itself, its route, its redirects) through the batch writer; a stored
        // one goes through the store's upsert, which keeps what pushes wrote and turns a changed path into a redirect.
        var tables = context.Tables;
        await using var writer = new ImportWriter(cancellationToken);
        var stored = new List<ProjectRecord>();
        foreach (var item in items)
        {
            var value = item.Value;
            if (context.IsStored(this, value.Project.Id))
            {
                stored.Add(value);
                if (stored.Count == ImportWriter.PlanGroup)
                {
                    await writer.AddStoredAsync(stored, (v, ct) => PlanStoredAsync(v, context, ct), (v, ct) => WriteAsync(v, context, ct));
                    stored.Clear();
                }
            }
            else
            {
                var ns = await context.NamespaceAsync(value.NamespacePath, cancellationToken);
                var project = value.Project with { NamespaceId = ns.Id, FullPath = ns.FullPath + "/" + value.Project.Path };
                context.RememberProjectRoot(project.Id, NamespaceTree.RootOf(ns));
                await writer.AddAsync(ImportRows.OfProject(tables, project, NamespaceTree.RootOf(ns), value.Redirects));
            }

            context.Progress.Add(1);
        }

        await writer.AddStoredAsync(stored, (v, ct) => PlanStoredAsync(v, context, ct), (v, ct) => WriteAsync(v, context, ct));
        await writer.FlushAsync();
    }

    /// <summary>
    /// The rows of a stored project when the store's upsert would only rewrite them (same namespace, same path: no
    /// tree row to move, no redirect to add), keeping what pushes wrote; null otherwise.
    /// </summary>
    private static async Task<IEnumerable<(TableClient Table, TableEntity Row)>?> PlanStoredAsync(ProjectRecord value, ImportContext context, CancellationToken cancellationToken)
    {
        var ns = await context.NamespaceAsync(value.NamespacePath, cancellationToken);
        context.RememberProjectRoot(value.Project.Id, NamespaceTree.RootOf(ns));
        var existing = await context.Stores.Projects.GetProjectAsync(value.Project.Id, cancellationToken);
        var fullPath = ns.FullPath + "/" + value.Project.Path;
        if (existing is null || existing.NamespaceId != ns.Id || !string.Equals(existing.FullPath, fullPath, StringComparison.OrdinalIgnoreCase))
        {
            return null;
        }

        var project = value.Project with
        {
            NamespaceId = ns.Id,
            FullPath = fullPath,
            LastActivityAt = existing.LastActivityAt,
            LastRepositoryUpdatedAt = existing.LastRepositoryUpdatedAt,
            DefaultBranch = value.Project.DefaultBranch ?? existing.DefaultBranch,
        };
        return ImportRows.OfProject(context.Tables, project, NamespaceTree.RootOf(ns), value.Redirects);
    }

    /// <inheritdoc/>
    protected override async Task WriteAsync(ProjectRecord value, ImportContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(value);
        ArgumentNullException.ThrowIfNull(context);
        var stores = context.Stores;
        var ns = await context.NamespaceAsync(value.NamespacePath, cancellationToken);
        context.RememberProjectRoot(value.Project.Id, NamespaceTree.RootOf(ns));
        var existing = await stores.Projects.GetProjectAsync(value.Project.Id, cancellationToken);
        await stores.Projects.UpsertProjectAsync(value.Project with
        {
            NamespaceId = ns.Id,
            FullPath = ns.FullPath + "/" + value.Project.Path,
            // Written by pushes, not carried by the file: keep them. A first push also sets the default branch.
            LastActivityAt = existing?.LastActivityAt,
            LastRepositoryUpdatedAt = existing?.LastRepositoryUpdatedAt,
            DefaultBranch = value.Project.DefaultBranch ?? existing?.DefaultBranch,
        }, cancellationToken);
        foreach (var old in value.Redirects)
        {
            await stores.Projects.AddProjectRedirectAsync(old, value.Project.Id, cancellationToken);
        }
    }
}
