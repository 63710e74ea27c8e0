using InternalApi.Core.Access;
using InternalApi.Core.Identity;

namespace InternalApi.Core.Lfs;

/// <summary>What <c>GET /internal/lfs</c> finds: the content, or nothing (every refusal is the same 404 in GitLab).</summary>
public sealed record LfsLookup(LfsContent? Content);

/// <summary>
/// Gitaly's <c>gitaly-lfs-smudge</c> asks for an LFS object's bytes (to put real files into archives), as GitLab's
/// <c>API::Internal::Lfs</c> answers: the object must exist, <c>gl_repository</c> must name an existing project (not a
/// wiki or snippet), the object must be linked to that project, and its bytes must be in storage.
/// </summary>
public sealed class LfsObjectService(LfsObjectStore objects, RepositoryResolver repositories)
{
    /// <summary>Looks the object up; the project and the link are read at once.</summary>
    public async Task<LfsLookup> FindAsync(string oid, string glRepository, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(oid);
        ArgumentNullException.ThrowIfNull(glRepository);

        // GitLab finds objects by exact oid; anything else cannot name one, so it is not looked up.
        if (!LfsObjectStore.IsOid(oid) || !glRepository.StartsWith("project-", StringComparison.Ordinal)
            || ActorResolver.ParseId(glRepository["project-".Length..]) is not { } projectId)
        {
            return new LfsLookup(null);
        }

        var target = repositories.ResolveAsync(null, glRepository, cancellationToken);
        var linked = objects.IsLinkedAsync(oid, projectId, cancellationToken);
        await Task.WhenAll(target, linked);
        if ((await target) is not { Type: RepositoryType.Project, Project: not null } || !await linked)
        {
            return new LfsLookup(null);
        }

        return new LfsLookup(await objects.OpenAsync(oid, cancellationToken));
    }
}
