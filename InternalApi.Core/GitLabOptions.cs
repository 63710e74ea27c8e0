using System.ComponentModel.DataAnnotations;
using InternalApi.Core.Configuration;
namespace InternalApi.Core;

/// <summary>Instance-level settings of the GitLab instance this API serves (section <c>GitLab</c>).</summary>
public sealed class GitLabOptions : IValidatableObject
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
    [Range(0, 1024 * 1024, ErrorMessage = SettingsValidation.Between)]
    public int ReceiveMaxInputSizeMb { get; set; }

    /// <summary>Instance setting "enabled Git access protocol": empty = all, <c>ssh</c> or <c>http</c>.</summary>
    [RegularExpression("^(|ssh|http)$", ErrorMessage = "must be empty (all), ssh or http")]
    public string? EnabledGitAccessProtocol { get; set; }

    /// <summary>gitlab.yml <c>gitlab_shell.upload_pack</c>: HTTP pulls allowed.</summary>
    public bool HttpUploadPack { get; set; } = true;

    /// <summary>gitlab.yml <c>gitlab_shell.receive_pack</c>: HTTP pushes allowed.</summary>
    public bool HttpReceivePack { get; set; } = true;

    /// <summary>LFS token lifetime in seconds (<c>expires_in</c>); current GitLab uses 7200.</summary>
    [Range(1, 7 * 24 * 3600, ErrorMessage = SettingsValidation.Between)]
    public int LfsTokenLifetimeSeconds { get; set; } = 7200;

    /// <summary>Maximum personal access token lifetime in days (GitLab default 365).</summary>
    [Range(1, 3650, ErrorMessage = SettingsValidation.Between)]
    public int PersonalAccessTokenMaxLifetimeDays { get; set; } = 365;

    /// <summary>Prefix of new personal access tokens.</summary>
    [RegularExpression("^[A-Za-z0-9_-]{0,20}$", ErrorMessage = "must be at most 20 letters, digits, '_' or '-'")]
    public string PersonalAccessTokenPrefix { get; set; } = "glpat-";

    /// <summary>Instance setting "error tracking enabled".</summary>
    public bool ErrorTrackingEnabled { get; set; } = true;

    /// <summary>Instance "error tracking access token" (<c>Gitlab-Error-Tracking-Token</c>); empty disables the endpoint.</summary>
    public string? ErrorTrackingAccessToken { get; set; }

    /// <summary>The SSH clone host actually used.</summary>
    public string SshHost => SshCloneHost ?? $"git@{ExternalUrl.Host}";

    /// <inheritdoc/>
    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (ExternalUrl is not { IsAbsoluteUri: true } || (ExternalUrl.Scheme != Uri.UriSchemeHttp && ExternalUrl.Scheme != Uri.UriSchemeHttps))
        {
            yield return new ValidationResult("must be an absolute http or https URL", [nameof(ExternalUrl)]);
        }
    }
}

/// <summary>How to reach Gitaly for each storage (section <c>Gitaly</c>).</summary>
public sealed class GitalyOptions : IValidatableObject
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

    /// <inheritdoc/>
    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        foreach (var (name, storage) in Storages)
        {
            if (!storage.Address.StartsWith("unix:", StringComparison.Ordinal) && !storage.Address.StartsWith("tcp://", StringComparison.Ordinal)
                && !storage.Address.StartsWith("tls://", StringComparison.Ordinal) && !storage.Address.StartsWith("dns:", StringComparison.Ordinal))
            {
                yield return new ValidationResult("must be a unix:, tcp://, tls:// or dns: address", [$"{nameof(Storages)}:{name}:{nameof(GitalyStorage.Address)}"]);
            }
        }
    }
}

/// <summary>One Gitaly storage.</summary>
public sealed class GitalyStorage
{
    /// <summary><c>unix:...</c>, <c>tcp://...</c> or <c>tls://...</c>.</summary>
    public string Address { get; set; } = "";

    /// <summary>Gitaly token, or null.</summary>
    public string? Token { get; set; }
}
