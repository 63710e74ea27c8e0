using InternalApi.Core.Identity;
using InternalApi.Core.Model;

namespace InternalApi.Core.Access;

/// <summary>
/// The <c>ssh_certificates</c> licence switch as the <c>/allowed</c> decision reads it: the same
/// <c>Shell:SshCertificatesLicensed</c> setting <c>authorized_certs</c> reads (bound here as well, so that this
/// area need not depend on the shell area).
/// </summary>
public sealed class SshCertificateLicenseOptions
{
    /// <summary>Configuration section (the shell's).</summary>
    public const string SectionName = "Shell";

    /// <summary>Licence feature <c>ssh_certificates</c>; off, any <c>namespace_path</c> is refused and nothing is enforced.</summary>
    public bool SshCertificatesLicensed { get; set; } = true;
}

/// <summary>
/// The two limits GitLab EE puts on Git access from a project's top-level group, as pure rules over what the
/// decision has already read (the root namespace's row carries both settings).
/// </summary>
public static class GroupLimits
{
    /// <summary>
    /// EE's namespace rule (<c>EE::Gitlab::GitAccessProject#allowed_access_namespace?</c>), judged only on the
    /// first check of a command (<c>changes</c> exactly <c>_any</c>: gitlab-shell, never Gitaly's push check):
    /// <list type="bullet">
    /// <item>without the licence, or when the project's namespace does not exist, only a request without
    /// <paramref name="namespacePath"/> passes;</item>
    /// <item>without <paramref name="namespacePath"/> (a plain key, or a user named by id), the top-level group
    /// must not enforce SSH certificates for this actor (<see cref="EnforcesCertificatesFor"/>);</item>
    /// <item>with it, <paramref name="namespacePath"/> must name the project's top-level namespace. GitLab looks the
    /// path up (case-insensitively, no redirects) and compares ids; paths are unique, so comparing the root's full
    /// path case-insensitively is the same test without a read.</item>
    /// </list>
    /// </summary>
    /// <param name="licensed">The <c>ssh_certificates</c> licence.</param>
    /// <param name="namespacePath">What gitlab-sshd sent as <c>namespace_path</c>.</param>
    /// <param name="root">The top-level namespace of the project (or of the namespace a push would create it in); null when that namespace does not exist.</param>
    /// <param name="actor">The resolved actor.</param>
    /// <param name="changes">The <c>changes</c> parameter as sent.</param>
    public static bool NamespaceAllowed(bool licensed, string? namespacePath, GitLabNamespace? root, Actor actor, string? changes)
    {
        ArgumentNullException.ThrowIfNull(actor);
        if (changes != Git.RefChange.Any)
        {
            return true;
        }

        var given = !string.IsNullOrWhiteSpace(namespacePath);
        if (!licensed || root is null)
        {
            return !given;
        }

        return given
            ? string.Equals(root.FullPath, namespacePath, StringComparison.OrdinalIgnoreCase)
            : !EnforcesCertificatesFor(root, actor);
    }

    /// <summary>
    /// Whether <paramref name="root"/> refuses <paramref name="actor"/> without a certificate: the group enforces
    /// SSH certificates and the actor is a user (by key or by id/username) who is a human. Deploy keys and
    /// anonymous requests are not concerned.
    /// </summary>
    public static bool EnforcesCertificatesFor(GitLabNamespace root, Actor actor)
    {
        ArgumentNullException.ThrowIfNull(root);
        ArgumentNullException.ThrowIfNull(actor);
        return root.EnforceSshCertificates && actor.Kind == ActorKind.User && actor.User is { Type: UserType.Human };
    }

    /// <summary>
    /// EE's group IP allow-list (<c>Gitlab::IpRestriction::Enforcer</c>): true unless the project's top-level
    /// namespace is a group with an allow-list, a <paramref name="checkIp"/> was sent, the actor is not an instance
    /// administrator (GitLab's project policy exempts them; deploy keys are checked whoever created them), and the
    /// address is in none of the ranges. A value that is not an address is in none of them (GitLab fails the
    /// request with a 500 there). Without <c>check_ip</c> GitLab has no address to check and allows.
    /// </summary>
    /// <param name="root">The project's top-level namespace; null when unknown.</param>
    /// <param name="checkIp">The <c>check_ip</c> parameter, null when not sent.</param>
    /// <param name="actor">The resolved actor.</param>
    public static bool IpAllowed(GitLabNamespace? root, string? checkIp, Actor actor)
    {
        ArgumentNullException.ThrowIfNull(actor);
        if (checkIp is null || root is not { Kind: NamespaceKind.Group, IpRestrictions.Count: > 0 })
        {
            return true;
        }

        if (actor is { Kind: ActorKind.User, User.Admin: true })
        {
            return true;
        }

        if (!IpRange.TryParseAddress(checkIp, out var address))
        {
            return false;
        }

        foreach (var text in root.IpRestrictions)
        {
            // A stored range that does not parse allows nothing, as GitLab's IpRestriction#allows_address? answers.
            if (IpRange.TryParse(text, out var range) && range.Contains(address))
            {
                return true;
            }
        }

        return false;
    }
}
