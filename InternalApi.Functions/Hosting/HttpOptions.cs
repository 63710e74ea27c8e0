namespace InternalApi.Functions.Hosting;

/// <summary>HTTP settings (section <c>Http</c>).</summary>
public sealed class HttpOptions
{
    /// <summary>Configuration section.</summary>
    public const string SectionName = "Http";

    /// <summary>Largest request body accepted (413 beyond). Gitaly's ref lists for big pushes fit easily.</summary>
    public long MaxRequestBodyBytes { get; set; } = 8 * 1024 * 1024;

    /// <summary>Optional relative URL root in front of <c>/api</c> (gitlab-shell may prepend one).</summary>
    public string? PathBase { get; set; }
}
