using System.Reflection;

namespace InternalApi.Functions.Hosting;

/// <summary>Version and git revision stamped into the assembly at build time.</summary>
public static class BuildInfo
{
    private static readonly string Informational =
        typeof(BuildInfo).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "0.0.0";

    /// <summary>Product version (before the <c>+</c>).</summary>
    public static string Version => Informational.Split('+')[0];

    /// <summary>Short git revision (after the <c>+</c>), or <c>unknown</c> when built outside git.</summary>
    public static string Revision => Informational.Split('+') is [_, var rev, ..] && rev.Length > 0 ? rev[..Math.Min(11, rev.Length)] : "unknown";
}

/// <summary>Instance-level facts reported to the callers.</summary>
public sealed class GitLabOptions
{
    /// <summary>Configuration section.</summary>
    public const string SectionName = "GitLab";

    /// <summary><c>gitlab_version</c> in <c>/internal/check</c>.</summary>
    public string Version { get; set; } = BuildInfo.Version;

    /// <summary><c>gitlab_rev</c> in <c>/internal/check</c>.</summary>
    public string Revision { get; set; } = BuildInfo.Revision;

    /// <summary>The instance's external URL (used in links and messages).</summary>
    public Uri ExternalUrl { get; set; } = new("http://127.0.0.1:7071");
}

/// <summary>HTTP settings.</summary>
public sealed class HttpOptions
{
    /// <summary>Configuration section.</summary>
    public const string SectionName = "Http";

    /// <summary>Largest request body accepted (413 beyond). Gitaly's ref lists for big pushes fit easily.</summary>
    public long MaxRequestBodyBytes { get; set; } = 8 * 1024 * 1024;

    /// <summary>Optional relative URL root in front of <c>/api</c> (gitlab-shell may prepend one).</summary>
    public string? PathBase { get; set; }
}
