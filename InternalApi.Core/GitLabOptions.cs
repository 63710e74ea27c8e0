namespace InternalApi.Core;

/// <summary>Instance-level settings of the GitLab instance this API serves (section <c>GitLab</c>).</summary>
public sealed class GitLabOptions
{
    /// <summary>Configuration section.</summary>
    public const string SectionName = "GitLab";

    /// <summary><c>gitlab_version</c> in <c>/internal/check</c>.</summary>
    public string Version { get; set; } = BuildInfo.Version;

    /// <summary><c>gitlab_rev</c> in <c>/internal/check</c>.</summary>
    public string Revision { get; set; } = BuildInfo.Revision;

    /// <summary>The instance's external URL: HTTP clone URLs, merge-request links, messages.</summary>
    public Uri ExternalUrl { get; set; } = new("http://127.0.0.1:7071");

    /// <summary>SSH clone prefix, e.g. <c>git@gitlab.example.com</c> (default: git@ + external host).</summary>
    public string? SshCloneHost { get; set; }

    /// <summary>Instance setting "receive max input size" in MB; 0 = unlimited (no git config option).</summary>
    public int ReceiveMaxInputSizeMb { get; set; }

    /// <summary>Instance setting "enabled Git access protocol": empty = all, <c>ssh</c> or <c>http</c>.</summary>
    public string? EnabledGitAccessProtocol { get; set; }

    /// <summary>gitlab.yml <c>gitlab_shell.upload_pack</c>: HTTP pulls allowed.</summary>
    public bool HttpUploadPack { get; set; } = true;

    /// <summary>gitlab.yml <c>gitlab_shell.receive_pack</c>: HTTP pushes allowed.</summary>
    public bool HttpReceivePack { get; set; } = true;

    /// <summary>LFS token lifetime in seconds (<c>expires_in</c>); current GitLab uses 7200.</summary>
    public int LfsTokenLifetimeSeconds { get; set; } = 7200;

    /// <summary>Maximum personal access token lifetime in days (GitLab default 365).</summary>
    public int PersonalAccessTokenMaxLifetimeDays { get; set; } = 365;

    /// <summary>Prefix of new personal access tokens.</summary>
    public string PersonalAccessTokenPrefix { get; set; } = "glpat-";

    /// <summary>Instance setting "error tracking enabled".</summary>
    public bool ErrorTrackingEnabled { get; set; } = true;

    /// <summary>Instance "error tracking access token" (<c>Gitlab-Error-Tracking-Token</c>); empty disables the endpoint.</summary>
    public string? ErrorTrackingAccessToken { get; set; }

    /// <summary>The SSH clone host actually used.</summary>
    public string SshHost => SshCloneHost ?? $"git@{ExternalUrl.Host}";
}

/// <summary>How to reach Gitaly for each storage (section <c>Gitaly</c>).</summary>
public sealed class GitalyOptions
{
    /// <summary>Configuration section.</summary>
    public const string SectionName = "Gitaly";

    /// <summary>Storages by name; <c>default</c> must exist for projects on the default storage.</summary>
    public Dictionary<string, GitalyStorage> Storages { get; init; } = new(StringComparer.Ordinal)
    {
        ["default"] = new GitalyStorage { Address = "unix:/home/git/gitlab/tmp/sockets/private/gitaly.socket" },
    };

    /// <summary>Gitaly feature flags sent with <c>/allowed</c> as <c>gitaly-feature-&lt;name&gt;</c>.</summary>
    public Dictionary<string, bool> Features { get; init; } = new(StringComparer.Ordinal);
}

/// <summary>One Gitaly storage.</summary>
public sealed class GitalyStorage
{
    /// <summary><c>unix:...</c>, <c>tcp://...</c> or <c>tls://...</c>.</summary>
    public string Address { get; set; } = "";

    /// <summary>Gitaly token, or null.</summary>
    public string? Token { get; set; }
}
