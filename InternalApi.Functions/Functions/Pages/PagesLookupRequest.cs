using System.Text.Json.Serialization;
using InternalApi.Functions.Hosting;

namespace InternalApi.Functions.Functions.Pages;

/// <summary><c>GET /internal/pages</c> parameters.</summary>
public sealed record PagesLookupRequest : IValidatedRequest
{
    /// <summary>The host a visitor asked the daemon for (any case; blank finds nothing).</summary>
    [JsonConverter(typeof(LenientStringConverter))]
    public string? Host { get; init; }

    /// <inheritdoc/>
    public void Validate(ParameterErrors errors)
    {
        ArgumentNullException.ThrowIfNull(errors);

        // Grape's `requires :host`: absent is 400; present but blank reaches GitLab's finder, which finds nothing (204).
        if (Host is null)
        {
            errors.Missing("host");
        }
    }
}
