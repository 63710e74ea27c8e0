using System.ComponentModel.DataAnnotations;

namespace InternalApi.Core.Auth;

/// <summary>Workhorse JWT settings (<c>Gitlab-Workhorse-Api-Request</c>), for the endpoints Workhorse may call.</summary>
public sealed class WorkhorseAuthOptions
{
    /// <summary>Configuration section.</summary>
    public const string SectionName = "Workhorse";

    /// <summary>Path of the Workhorse secret file (base64 of 32 bytes), relative to the content root unless absolute.</summary>
    public string SecretFile { get; set; } = ".gitlab_workhorse_secret";

    /// <summary>The base64 secret itself; wins over the file.</summary>
    public string? Secret { get; set; }

    /// <summary>During a rotation, the base64 secret being replaced (or <see cref="PreviousSecretFile"/>), accepted until <see cref="PreviousSecretValidUntil"/>.</summary>
    public string? PreviousSecret { get; set; }

    /// <summary>File holding the previous Workhorse secret; <see cref="PreviousSecret"/> wins.</summary>
    public string? PreviousSecretFile { get; set; }

    /// <summary>End of the Workhorse rotation window; after it the previous secret is refused.</summary>
    public DateTimeOffset? PreviousSecretValidUntil { get; set; }

    /// <summary>Clock leeway for exp/nbf and for an <c>iat</c> ahead of our clock.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:10:00", ErrorMessage = "Workhorse:Leeway must be between 00:00:00 and 00:10:00.")]
    public TimeSpan Leeway { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>
    /// How old a token's <c>iat</c> may be: Workhorse signs every request afresh, and GitLab refuses a token issued
    /// more than 90 seconds ago (<c>API_REQUEST_JWT_VALIDITY</c>), which bounds the use of a captured one.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:01", "01:00:00", ErrorMessage = "Workhorse:ApiRequestJwtValidity must be between 00:00:01 and 01:00:00.")]
    public TimeSpan ApiRequestJwtValidity { get; set; } = TimeSpan.FromSeconds(90);
}
