using InternalApi.Core.Data;
using InternalApi.Core.Model;

namespace InternalApi.Core.Kubernetes;

/// <summary>
/// What GitLab asks before a security module acts for an agent: the agent acts with the permissions of the user
/// who registered it, and managing vulnerabilities (<c>admin_vulnerability</c>) takes an active user who is at
/// least Maintainer of the agent's project (or an administrator), on a project licensed for the security dashboard.
/// </summary>
public sealed class SecurityPermissions(UserStore users, EffectiveAccess effectiveAccess)
{
    /// <summary>Whether the agent's creator may create and resolve vulnerabilities in the project.</summary>
    public async Task<bool> CanAdminVulnerabilitiesAsync(ClusterAgent agent, Project project, bool licensed, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(agent);
        ArgumentNullException.ThrowIfNull(project);
        if (!licensed || agent.CreatedById is not { } userId || await users.GetUserAsync(userId, cancellationToken) is not { State: UserState.Active } user)
        {
            return false;
        }

        return user.Admin || await effectiveAccess.GetProjectAccessLevelAsync(user.Id, project, cancellationToken) >= AccessLevel.Maintainer;
    }
}
