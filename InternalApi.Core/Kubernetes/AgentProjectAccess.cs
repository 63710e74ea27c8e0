using InternalApi.Core.Data;
using InternalApi.Core.Model;

namespace InternalApi.Core.Kubernetes;

/// <summary>
/// Which projects an agent may read through KAS (<c>project_info</c>, spec §4.3): those anonymous users may
/// download code from (public, repository visible to everyone) and the agent's own configuration project.
/// Authorizations granted to the agent in other projects' configuration (<c>ci_access</c>/<c>user_access</c>)
/// are not modelled, so they do not count (spec appendix B, point 12).
/// </summary>
public sealed class AgentProjectAccess(GitLabStore store)
{
    /// <summary>
    /// The project named by <paramref name="id"/> if the agent may read it, else null (the caller answers 404
    /// either way, so an invisible project is indistinguishable from a missing one).
    /// </summary>
    public async Task<Project?> FindReadableAsync(ClusterAgent agent, string? id, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(agent);
        var project = await FindAsync(id, cancellationToken);
        return project is not null && (project.Id == agent.ProjectId || AnonymousCanDownloadCode(project)) ? project : null;
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
    private async Task<Project?> FindAsync(string? id, CancellationToken cancellationToken)
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
                ? await store.GetProjectAsync(number, cancellationToken)
                : null;
        }

        // Full paths never start or end with a slash; the store would trim them and find a project GitLab does not.
        if (!id.Contains('/', StringComparison.Ordinal) || id.StartsWith('/') || id.EndsWith('/'))
        {
            return null;
        }

        return (await store.FindProjectByPathAsync(id, cancellationToken))?.Project;
    }
}
