using InternalApi.Core.Data;
using InternalApi.Core.Model;
using Microsoft.Extensions.Options;

namespace InternalApi.Core.Kubernetes;

/// <summary>
/// Which projects an agent may read through KAS (<c>project_info</c>, <c>verify_project_access</c>): those anonymous
/// users may download code from (public, repository visible to everyone) and the agent's own configuration project,
/// as GitLab's <c>agent_has_access_to_project?</c> decides. With <see cref="KubernetesOptions.AgentConfigGrantsProjectAccess"/>
/// also the projects the agent's posted configuration authorizes (<c>ci_access</c> / <c>user_access</c>, directly or
/// through an ancestor group) — which GitLab does not count (its <c>Clusters::Agent#has_access_to?</c> is the
/// configuration project only).
/// </summary>
public sealed class AgentProjectAccess(
    NamespaceStore namespaces,
    ProjectStore projects,
    AgentConfigStore configs,
    IOptions<KubernetesOptions> options)
{
    /// <summary>
    /// The project named by <paramref name="id"/> if the agent may read it, else null (the caller answers 404
    /// either way, so an invisible project is indistinguishable from a missing one).
    /// </summary>
    public async Task<Project?> FindReadableAsync(ClusterAgent agent, string? id, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(agent);
        var project = await FindAsync(id, cancellationToken);
        if (project is null)
        {
            return null;
        }

        // The cheap rules first: most KAS lookups are for the agent's own or a public project.
        if (project.Id == agent.ProjectId || AnonymousCanDownloadCode(project))
        {
            return project;
        }

        return options.Value.AgentConfigGrantsProjectAccess && await ConfigurationAuthorizesAsync(agent, project, cancellationToken) ? project : null;
    }

    /// <summary>
    /// True when the agent's configuration authorizes the project or one of its groups (either keyword): the
    /// namespace chain, then one query in the agent's partition.
    /// </summary>
    private async Task<bool> ConfigurationAuthorizesAsync(ClusterAgent agent, Project project, CancellationToken cancellationToken)
    {
        var chain = await namespaces.GetNamespaceChainAsync(project.NamespaceId, cancellationToken);
        var rows = chain.Where(ns => ns.Kind == NamespaceKind.Group).Select(ns => AgentConfigStore.TargetRow(true, ns.Id)).Prepend(AgentConfigStore.TargetRow(false, project.Id)).ToList();
        return (await configs.FindAuthorizationsAsync(agent.Id, rows, cancellationToken)).Any(a => a.Kinds != AgentAccessKinds.None);
    }

    /// <summary>GitLab's guest rule for <c>download_code</c>: a public project whose repository is enabled for everyone.</summary>
    public static bool AnonymousCanDownloadCode(Project project)
    {
        ArgumentNullException.ThrowIfNull(project);
        return project.Visibility == Visibility.Public && project.RepositoryAccess == FeatureAccess.Enabled;
    }

    /// <summary>
    /// GitLab's <c>find_project</c>: an integer (optionally negative) is an id; otherwise a full path, which must
    /// contain a slash and may be an old (redirected) path; anything else finds nothing.
    /// </summary>
    public async Task<Project?> FindAsync(string? id, CancellationToken cancellationToken = default)
    {
        if (string.IsNullOrEmpty(id))
        {
            return null;
        }

        var digits = id.StartsWith('-') ? id.AsSpan(1) : id.AsSpan();
        if (digits.Length > 0 && !digits.ContainsAnyExceptInRange('0', '9'))
        {
            // An id too large for a database id names nothing.
            return long.TryParse(id, System.Globalization.NumberStyles.AllowLeadingSign, System.Globalization.CultureInfo.InvariantCulture, out var number) && number > 0
                ? await projects.GetProjectAsync(number, cancellationToken)
                : null;
        }

        // Full paths never start or end with a slash; the store would trim them and find a project GitLab does not.
        if (!id.Contains('/', StringComparison.Ordinal) || id.StartsWith('/') || id.EndsWith('/'))
        {
            return null;
        }

        return (await projects.FindProjectByPathAsync(id, cancellationToken))?.Project;
    }
}
