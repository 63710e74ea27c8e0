namespace InternalApi.Core.Shell;

/// <summary>Switches of the gitlab-shell endpoints beyond the internal API doc (section <c>Shell</c>).</summary>
public sealed class ShellFeatureOptions
{
    /// <summary>Configuration section (shared with the shell secret settings).</summary>
    public const string SectionName = "Shell";

    /// <summary>License feature <c>ssh_certificates</c>: without it <c>authorized_certs</c> answers 403 for every known CA.</summary>
    public bool SshCertificatesLicensed { get; set; } = true;

    /// <summary>
    /// GitLab's <c>log_git_streaming_audit_events</c>: <c>/allowed</c> answers <c>need_audit: true</c> for a human
    /// user's Git command on a project, and <c>shellhorse/git_audit_event</c> records the event. Off (GitLab CE's
    /// answer) keeps <c>need_audit: false</c>.
    /// </summary>
    public bool GitAuditEvents { get; set; }
}
