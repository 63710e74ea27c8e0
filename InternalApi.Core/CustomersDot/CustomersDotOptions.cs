using System.Net;
using Microsoft.Extensions.Options;

namespace InternalApi.Core.CustomersDot;

/// <summary>
/// Settings of the CustomersDot JWT (section <c>CustomersDot</c>): where the subscription portal publishes its OpenID
/// Connect discovery document, and the audience its tokens name. Without <see cref="MetadataAddress"/> no JWT is
/// accepted (the <c>/internal/gitlab_subscriptions</c> routes then answer 401 to one).
/// </summary>
public sealed class CustomersDotOptions
{
    /// <summary>Configuration section.</summary>
    public const string SectionName = "CustomersDot";

    /// <summary>GitLab's audience of CustomersDot tokens.</summary>
    public const string DefaultAudience = "gitlab-subscriptions";

    /// <summary>
    /// The discovery document's URL, e.g. <c>https://customers.example.com/.well-known/openid-configuration</c>; the
    /// issuer a token must name and the JWKS come from it. <c>http:</c> only for a loopback host.
    /// </summary>
    public string? MetadataAddress { get; set; }

    /// <summary>The <c>aud</c> a token must carry.</summary>
    public string Audience { get; set; } = DefaultAudience;

    /// <summary>
    /// The least time between two fetches forced by a token whose <c>kid</c> is not among the cached keys. It keeps a
    /// stream of tokens with made-up key ids from turning into a stream of requests to the issuer.
    /// </summary>
    public TimeSpan KeyRefreshMinimumInterval { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How often the keys are fetched again without being asked (ConfigurationManager's automatic refresh; at least 5 minutes).</summary>
    public TimeSpan AutomaticRefreshInterval { get; set; } = TimeSpan.FromHours(12);

    /// <summary>True when a discovery URL is set.</summary>
    public bool Enabled => !string.IsNullOrWhiteSpace(MetadataAddress);

    /// <summary>True for <c>localhost</c> and loopback addresses.</summary>
    public static bool IsLoopback(Uri uri)
    {
        ArgumentNullException.ThrowIfNull(uri);
        return uri.IsLoopback || (IPAddress.TryParse(uri.Host.Trim('[', ']'), out var address) && IPAddress.IsLoopback(address));
    }
}

/// <summary>Checks <see cref="CustomersDotOptions"/> at start, naming the setting at fault.</summary>
public sealed class CustomersDotOptionsValidator : IValidateOptions<CustomersDotOptions>
{
    /// <inheritdoc/>
    public ValidateOptionsResult Validate(string? name, CustomersDotOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var failures = new List<string>();
        if (options.Enabled)
        {
            if (!Uri.TryCreate(options.MetadataAddress, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttps && uri.Scheme != Uri.UriSchemeHttp))
            {
                failures.Add("CustomersDot:MetadataAddress must be an absolute https: URL of the issuer's discovery document.");
            }
            else if (uri.Scheme == Uri.UriSchemeHttp && !CustomersDotOptions.IsLoopback(uri))
            {
                failures.Add("CustomersDot:MetadataAddress may use http: only for a loopback address; use https:.");
            }
        }

        if (string.IsNullOrWhiteSpace(options.Audience))
        {
            failures.Add("CustomersDot:Audience must not be empty.");
        }

        if (options.KeyRefreshMinimumInterval < TimeSpan.Zero)
        {
            failures.Add("CustomersDot:KeyRefreshMinimumInterval must not be negative.");
        }

        if (options.AutomaticRefreshInterval < TimeSpan.FromMinutes(5))
        {
            failures.Add("CustomersDot:AutomaticRefreshInterval must be at least 00:05:00.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
