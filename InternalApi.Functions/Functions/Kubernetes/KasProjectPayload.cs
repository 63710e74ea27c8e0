using InternalApi.Core;
using InternalApi.Core.Model;
using InternalApi.Functions.Functions.Git;

namespace InternalApi.Functions.Functions.Kubernetes;

/// <summary>The Gitaly part KAS needs to read a project's repository, shared by <c>agent_info</c> and <c>project_info</c>.</summary>
public static class KasProjectPayload
{
    /// <summary>Address and token of the project's storage, and the Gitaly feature flags as <c>gitaly-feature-&lt;name&gt;</c> strings.</summary>
    public static GitalyInfo GitalyInfo(Project project, GitalyOptions gitaly)
    {
        ArgumentNullException.ThrowIfNull(project);
        ArgumentNullException.ThrowIfNull(gitaly);
        gitaly.Storages.TryGetValue(project.StorageName, out var storage);
        return new GitalyInfo(
            storage?.Address ?? "",
            string.IsNullOrEmpty(storage?.Token) ? null : storage.Token,
            gitaly.Features.ToDictionary(f => "gitaly-feature-" + f.Key, f => f.Value ? "true" : "false", StringComparer.Ordinal));
    }

    /// <summary>All six fields of Gitaly's repository message for the project's main repository.</summary>
    public static GitalyRepositoryMessage Repository(Project project)
    {
        ArgumentNullException.ThrowIfNull(project);
        return new GitalyRepositoryMessage(project.StorageName, project.DiskPath, "", [], project.GlRepository, project.FullPath);
    }

    /// <summary>The default branch, or <c>main</c> while the repository has none (GitLab's <c>default_branch_or_main</c>).</summary>
    public static string DefaultBranch(Project project)
    {
        ArgumentNullException.ThrowIfNull(project);
        return project.DefaultBranch ?? "main";
    }
}
