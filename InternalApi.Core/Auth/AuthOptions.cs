using System.ComponentModel.DataAnnotations;
using InternalApi.Core.Configuration;

namespace InternalApi.Core.Auth;

/// <summary>Shell JWT settings (<c>Gitlab-Shell-Api-Request</c>).</summary>
public sealed class ShellAuthOptions
{
    /// <summary>Configuration section.</summary>
    public const string SectionName = "Shell";

    /// <summary>Path of the shell secret file, relative to the content root unless absolute.</summary>
    public string SecretFile { get; set; } = ".gitlab_shell_secret";

    /// <summary>The secret itself (e.g. a Key Vault reference resolved into an app setting); wins over the file.</summary>
    public string? Secret { get; set; }

    /// <summary>
    /// During a rotation, the secret being replaced (or <see cref="PreviousSecretFile"/>): JWTs signed with it
    /// are still accepted until <see cref="PreviousSecretValidUntil"/>, which must then be set.
    /// </summary>
    public string? PreviousSecret { get; set; }

    /// <summary>File holding the previous secret; <see cref="PreviousSecret"/> wins.</summary>
    public string? PreviousSecretFile { get; set; }

    /// <summary>End of the rotation window (an absolute time, e.g. <c>2026-12-02T12:00:00Z</c>); after it the previous secret is refused.</summary>
    public DateTimeOffset? PreviousSecretValidUntil { get; set; }

    /// <summary>
    /// Accept the older docs' <c>Gitlab-Shared-Secret</c> header / <c>secret_token</c> parameter when no JWT is
    /// sent. Off by default: current GitLab refuses a plain secret.
    /// </summary>
    public bool AllowLegacySharedSecret { get; set; }

    /// <summary>Clock leeway for exp/nbf/iat; GitLab uses 60 seconds.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:10:00", ErrorMessage = SettingsValidation.Between)]
    public TimeSpan Leeway { get; set; } = TimeSpan.FromSeconds(60);
}

/// <summary>KAS JWT settings (<c>Gitlab-Kas-Api-Request</c>).</summary>
public sealed class KasAuthOptions
{
    /// <summary>Configuration section.</summary>
    public const string SectionName = "Kas";

    /// <summary>Path of the KAS secret file (base64 of 32 bytes), relative to the content root unless absolute.</summary>
    public string SecretFile { get; set; } = ".gitlab_kas_secret";

    /// <summary>The base64 secret itself; wins over the file.</summary>
    public string? Secret { get; set; }

    /// <summary>During a rotation, the base64 secret being replaced (or <see cref="PreviousSecretFile"/>), accepted until <see cref="PreviousSecretValidUntil"/>.</summary>
    public string? PreviousSecret { get; set; }

    /// <summary>File holding the previous KAS secret; <see cref="PreviousSecret"/> wins.</summary>
    public string? PreviousSecretFile { get; set; }

    /// <summary>End of the KAS rotation window; after it the previous secret is refused.</summary>
    public DateTimeOffset? PreviousSecretValidUntil { get; set; }

    /// <summary>Clock leeway for exp/nbf/iat.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:10:00", ErrorMessage = SettingsValidation.Between)]
    public TimeSpan Leeway { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>
    /// How stale an agent token's <c>last_used_at</c> may get before a request writes it again: KAS calls
    /// several endpoints per agent per second, and a write on every call would turn each read into a write.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00", "1.00:00:00", ErrorMessage = SettingsValidation.Between)]
    public TimeSpan AgentTokenUsageInterval { get; set; } = TimeSpan.FromMinutes(1);
}
