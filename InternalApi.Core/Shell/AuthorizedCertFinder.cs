using InternalApi.Core.Data;
using InternalApi.Core.Model;
using Microsoft.Extensions.Options;

namespace InternalApi.Core.Shell;

/// <summary>Why <c>authorized_certs</c> refused (the edge answers not found with 404, the missing licence with 403).</summary>
public enum AuthorizedCertRefusal
{
    /// <summary>No such CA, or no such user in its group.</summary>
    NotFound,

    /// <summary>The <c>ssh_certificates</c> licence feature is off.</summary>
    FeatureNotAvailable,
}

/// <summary>The <c>authorized_certs</c> outcome: the login, or a refusal with GitLab's message.</summary>
public sealed record AuthorizedCertResult(AuthorizedCertRefusal? Refusal, string? Message, string? Username, string? Namespace)
{
    /// <summary>A refusal.</summary>
    public static AuthorizedCertResult Error(AuthorizedCertRefusal refusal, string message) => new(refusal, message, null, null);
}

/// <summary>
/// <c>GET /internal/authorized_certs</c> (EE, gitlab-shell's SSH certificate login): maps a CA fingerprint and the
/// certificate's key id to a user of the group that trusts the CA, as <c>Groups::SshCertificates::FindService</c> does.
/// </summary>
public sealed class AuthorizedCertFinder(
    SshCertificateStore certificates,
    UserStore users,
    NamespaceStore namespaces,
    MembershipStore members,
    IOptions<ShellFeatureOptions> options)
{
    /// <summary>GitLab's message for an unknown CA.</summary>
    public const string CertificateNotFound = "Certificate Not Found";

    /// <summary>GitLab's message for an unknown user or one outside the group.</summary>
    public const string UserNotFound = "User Not Found";

    /// <summary>GitLab's message without the <c>ssh_certificates</c> license feature.</summary>
    public const string FeatureNotAvailable = "Feature is not available";

    /// <summary>
    /// One point read for the CA; then the group and the user (by username, case-insensitive) together; then the
    /// membership. GitLab's further "enterprise user of the group" rule is not modelled: membership is what counts.
    /// </summary>
    public async Task<AuthorizedCertResult> FindAsync(string fingerprint, string? userIdentifier, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(fingerprint);
        if (await certificates.FindByFingerprintAsync(fingerprint.Trim(), cancellationToken) is not { } certificate)
        {
            return AuthorizedCertResult.Error(AuthorizedCertRefusal.NotFound, CertificateNotFound);
        }

        if (!options.Value.SshCertificatesLicensed)
        {
            return AuthorizedCertResult.Error(AuthorizedCertRefusal.FeatureNotAvailable, FeatureNotAvailable);
        }

        var groupRead = namespaces.GetNamespaceAsync(certificate.GroupId, cancellationToken);
        var userRead = users.FindUserByUsernameAsync(userIdentifier?.Trim() ?? "", cancellationToken);
        await Task.WhenAll(groupRead, userRead);
        var (group, user) = (await groupRead, await userRead);
        if (group is null || user is null ||
            await members.GetMembershipAsync(MemberSource.Group, group.Id, user.Id, cancellationToken) is null)
        {
            // A CA whose group is gone has no users either (GitLab deletes the CA with the group).
            return AuthorizedCertResult.Error(AuthorizedCertRefusal.NotFound, UserNotFound);
        }

        return new AuthorizedCertResult(null, null, user.Username, group.FullPath);
    }
}
