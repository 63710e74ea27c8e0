using Microsoft.Extensions.Options;

namespace InternalApi.Core.Pages;

/// <summary>Settings of GitLab Pages (section <c>Pages</c>): the daemon's JWT, the Pages domain and the deployments' blobs.</summary>
public sealed class PagesOptions
{
    /// <summary>Configuration section.</summary>
    public const string SectionName = "Pages";

    /// <summary>Path of the Pages secret file (base64 of 32 bytes, GitLab's <c>.gitlab_pages_secret</c>), relative to the content root unless absolute.</summary>
    public string SecretFile { get; set; } = ".gitlab_pages_secret";

    /// <summary>The base64 secret itself (e.g. a Key Vault reference resolved into an app setting); wins over the file.</summary>
    public string? Secret { get; set; }

    /// <summary>During a rotation, the base64 secret being replaced (or <see cref="PreviousSecretFile"/>), accepted until <see cref="PreviousSecretValidUntil"/>.</summary>
    public string? PreviousSecret { get; set; }

    /// <summary>File holding the previous Pages secret; <see cref="PreviousSecret"/> wins.</summary>
    public string? PreviousSecretFile { get; set; }

    /// <summary>End of the rotation window; after it the previous secret is refused.</summary>
    public DateTimeOffset? PreviousSecretValidUntil { get; set; }

    /// <summary>Clock leeway for exp/nbf/iat.</summary>
    public TimeSpan Leeway { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>GitLab's <c>pages.host</c>: sites live at <c>&lt;top-level namespace&gt;.&lt;Host&gt;</c> and <c>&lt;unique domain&gt;.&lt;Host&gt;</c>.</summary>
    public string Host { get; set; } = "pages.localhost";

    /// <summary>GitLab's <c>pages.access_control</c>: whether private Pages exist at all (off: every site is public).</summary>
    public bool AccessControl { get; set; }

    /// <summary>The blob container of the deployments' zips.</summary>
    public string Container { get; set; } = "pages-deployments";

    /// <summary>
    /// How long a <c>source.path</c> SAS URL stays valid. It must outlive the daemon's cache of a lookup (10 minutes by
    /// default, refreshed in the background) by a margin; GitLab signs for a day.
    /// </summary>
    public TimeSpan SasLifetime { get; set; } = TimeSpan.FromHours(1);
}

/// <summary>Refuses to start with settings that could only fail later, naming the setting.</summary>
public sealed class PagesOptionsValidator : IValidateOptions<PagesOptions>
{
    /// <inheritdoc/>
    public ValidateOptionsResult Validate(string? name, PagesOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var failures = new List<string>();
        if (string.IsNullOrWhiteSpace(options.Host) || options.Host.Contains('/', StringComparison.Ordinal) || options.Host.StartsWith('.'))
        {
            failures.Add("Pages:Host must be a host name such as pages.example.com.");
        }

        // Blob container names: 3-63 lower-case letters, digits and single hyphens.
        if (options.Container is not { Length: >= 3 and <= 63 } container || !container.All(c => c is (>= 'a' and <= 'z') or (>= '0' and <= '9') or '-')
            || container.StartsWith('-') || container.EndsWith('-') || container.Contains("--", StringComparison.Ordinal))
        {
            failures.Add("Pages:Container must be a blob container name (3-63 lower-case letters, digits and single hyphens).");
        }

        // A user delegation key lives at most 7 days, and a SAS of under a minute could expire before the daemon reads.
        if (options.SasLifetime < TimeSpan.FromMinutes(1) || options.SasLifetime > TimeSpan.FromDays(6))
        {
            failures.Add("Pages:SasLifetime must be between 00:01:00 and 6.00:00:00.");
        }

        if (options.Leeway < TimeSpan.Zero || options.Leeway > TimeSpan.FromMinutes(10))
        {
            failures.Add("Pages:Leeway must be between 00:00:00 and 00:10:00.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
