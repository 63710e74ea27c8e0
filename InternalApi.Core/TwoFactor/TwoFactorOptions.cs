using System.ComponentModel.DataAnnotations;
using InternalApi.Core.Configuration;
namespace InternalApi.Core.TwoFactor;

/// <summary>Settings of the SSH two-factor commands and of the OTP secrets (section <c>TwoFactor</c>).</summary>
public sealed class TwoFactorOptions
{
    /// <summary>Configuration section.</summary>
    public const string SectionName = "TwoFactor";

    /// <summary>
    /// License feature <c>git_two_factor_enforcement</c>: without it both OTP checks answer
    /// <c>Feature is not available</c> and <c>/allowed</c> never asks for OTP verification.
    /// </summary>
    public bool GitTwoFactorEnforcementLicensed { get; set; } = true;

    /// <summary>
    /// GitLab's <c>two_factor_for_cli</c> feature flag (off by default there too): the OTP checks work, and
    /// <c>/allowed</c> refuses Git over SSH with a user key of a 2FA user until <c>2fa_verify</c> succeeded for that key.
    /// </summary>
    public bool OtpCheckForGitOverSsh { get; set; }

    /// <summary>How long a successful <c>2fa_verify</c> lets the key through (GitLab's OTP session: 15 minutes).</summary>
    [Range(typeof(TimeSpan), "00:00:01", "1.00:00:00", ErrorMessage = SettingsValidation.Between)]
    public TimeSpan OtpSessionLifetime { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>OTP secret encryption keys by id: base64 of exactly 32 bytes each (AES-256-GCM). Old keys stay to decrypt.</summary>
    public Dictionary<string, string> OtpEncryptionKeys { get; init; } = new(StringComparer.Ordinal);

    /// <summary>
    /// A file of further keys, one <c>id=base64</c> per line (<c>#</c> comments); relative to the content root.
    /// A missing file adds nothing. <c>./run.sh</c> creates one with a key <c>local1</c>.
    /// </summary>
    public string OtpEncryptionKeyFile { get; set; } = ".otp_encryption_keys";

    /// <summary>The id of the key new ciphertexts are written with (optional when exactly one key is configured).</summary>
    public string? OtpActiveEncryptionKey { get; set; }

    /// <summary>SSH port shown in the <c>2fa_verify</c> hint of the denial (GitLab: <c>gitlab_shell.ssh_port</c>).</summary>
    [Range(1, 65535, ErrorMessage = SettingsValidation.Between)]
    public int SshPort { get; set; } = 22;
}
