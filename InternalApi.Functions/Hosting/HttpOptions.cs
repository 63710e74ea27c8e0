using System.ComponentModel.DataAnnotations;
using InternalApi.Core.Configuration;

namespace InternalApi.Functions.Hosting;

/// <summary>HTTP settings (section <c>Http</c>).</summary>
public sealed class HttpOptions
{
    /// <summary>Configuration section.</summary>
    public const string SectionName = "Http";

    /// <summary>
    /// Largest request body the worker's Kestrel accepts (413 beyond, as JSON); the host forwards bodies whole, so this is
    /// the app's own limit wherever it runs. Gitaly's ref lists for big pushes fit easily.
    /// </summary>
    [Range(1024L, 1024L * 1024 * 1024, ErrorMessage = SettingsValidation.Between)]
    public long MaxRequestBodyBytes { get; set; } = 8 * 1024 * 1024;

    /// <summary>
    /// When true, every answer carries <c>X-Storage-Calls</c>: the storage requests its invocation sent (retries
    /// included). For benchmarks and operators checking a request's cost; off by default (it tells callers how the
    /// app stores things).
    /// </summary>
    public bool StorageCallsHeader { get; set; }
}
