using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Protocols;
using Microsoft.IdentityModel.Protocols.OpenIdConnect;
using Microsoft.IdentityModel.Tokens;

namespace InternalApi.Core.CustomersDot;

/// <summary>What the check of a CustomersDot token found.</summary>
public enum CustomersDotTokenOutcome
{
    /// <summary>Signed by a key of the issuer, for our audience and subject, not expired.</summary>
    Valid,

    /// <summary>Anything else: refuse it.</summary>
    Invalid,

    /// <summary>The issuer's discovery document or keys could not be fetched: nothing can be said about the token yet.</summary>
    IssuerUnavailable,
}

/// <summary>
/// Verifies the <c>X-Customers-Dot-Internal-Token</c> JWT as GitLab's <c>GitlabSubscriptions::API::Internal::Auth</c>
/// does: signed with a key of the JWKS the subscription portal's discovery document names, by one of the algorithms
/// it lists, <c>iss</c> the document's issuer, <c>aud</c> <c>gitlab-subscriptions</c>, <c>sub</c>
/// <c>customers-dot-internal-api</c>, not expired (no leeway: ruby-jwt's default, which GitLab keeps).
/// GitLab fetches the document and keys on every request; here they are cached by a
/// <see cref="ConfigurationManager{T}"/> and fetched again on a key id not among them, so the portal can rotate
/// keys without a restart here.
/// </summary>
public sealed partial class CustomersDotTokenValidator : IDisposable
{
    /// <summary>The header CustomersDot sends its token in.</summary>
    public const string Header = "X-Customers-Dot-Internal-Token";

    /// <summary>The <c>sub</c> GitLab requires.</summary>
    public const string Subject = "customers-dot-internal-api";

    private readonly CustomersDotOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger<CustomersDotTokenValidator> _logger;
    private readonly HttpClient? _http;
    private readonly JsonWebTokenHandler _handler = new() { MapInboundClaims = false };
    private readonly SemaphoreSlim _refresh = new(1, 1);
    private ConfigurationManager<OpenIdConnectConfiguration>? _manager;
    private DateTimeOffset _lastForcedRefresh = DateTimeOffset.MinValue;

    /// <summary>Prepares the (lazy) configuration manager when a discovery URL is set.</summary>
    public CustomersDotTokenValidator(IOptions<CustomersDotOptions> options, TimeProvider time, ILogger<CustomersDotTokenValidator> logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        _options = options.Value;
        _time = time;
        _logger = logger;
        if (_options.Enabled)
        {
            _http = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };
            _manager = NewManager();
        }
    }

    /// <summary>True when a discovery URL is configured.</summary>
    public bool Enabled => _manager is not null;

    /// <summary>Checks a token (null or empty: <see cref="CustomersDotTokenOutcome.Invalid"/>). Never logs the token.</summary>
    public async Task<CustomersDotTokenOutcome> ValidateAsync(string? token, CancellationToken cancellationToken = default)
    {
        if (_manager is not { } manager || string.IsNullOrEmpty(token))
        {
            return CustomersDotTokenOutcome.Invalid;
        }

        OpenIdConnectConfiguration configuration;
        try
        {
            configuration = await manager.GetConfigurationAsync(cancellationToken);
        }
        catch (Exception ex) when (ex is InvalidOperationException or HttpRequestException or IOException or TaskCanceledException && !cancellationToken.IsCancellationRequested)
        {
            Log.IssuerUnavailable(_logger, ex.GetType().Name);
            return CustomersDotTokenOutcome.IssuerUnavailable;
        }

        var result = await CheckAsync(token, configuration);
        if (result is not SecurityTokenSignatureKeyNotFoundException)
        {
            return Outcome(result);
        }

        // A key id we do not know: the portal may have rotated its keys. Fetch them again (not more often than the
        // setting allows) and check once more; a key that was removed stays unknown and the token is refused.
        switch (await RefreshAsync(cancellationToken))
        {
            case null:
                return CustomersDotTokenOutcome.IssuerUnavailable;
            case { } fresh:
                return Outcome(await CheckAsync(token, fresh));
        }
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        _http?.Dispose();
        _refresh.Dispose();
    }

    private CustomersDotTokenOutcome Outcome(Exception? failure)
    {
        if (failure is null)
        {
            return CustomersDotTokenOutcome.Valid;
        }

        // The exception type says why (expired, audience, signature...) without any of the token's content.
        Log.Refused(_logger, failure);
        return CustomersDotTokenOutcome.Invalid;
    }

    /// <summary>Null when the token passes; otherwise why not.</summary>
    private async Task<Exception?> CheckAsync(string token, OpenIdConnectConfiguration configuration)
    {
        var algorithms = configuration.IdTokenSigningAlgValuesSupported.Count > 0
            ? configuration.IdTokenSigningAlgValuesSupported.Where(a => !a.StartsWith("HS", StringComparison.OrdinalIgnoreCase) && !string.Equals(a, "none", StringComparison.OrdinalIgnoreCase)).ToList()
            : [SecurityAlgorithms.RsaSha256];
        var parameters = new TokenValidationParameters
        {
            ValidIssuer = configuration.Issuer,
            ValidateIssuer = true,
            ValidAudience = _options.Audience,
            ValidateAudience = true,
            IssuerSigningKeys = configuration.SigningKeys,
            ValidateIssuerSigningKey = false,
            RequireSignedTokens = true,
            RequireExpirationTime = true,
            ValidateLifetime = true,
            ClockSkew = TimeSpan.Zero,
            ValidAlgorithms = algorithms,

            // Only the key whose kid the token names: a token without kid, or with an unknown one, is not tried
            // against every key (that is what lets a rotated key be found by refreshing).
            TryAllIssuerSigningKeys = false,
        };
        var result = await _handler.ValidateTokenAsync(token, parameters);
        if (!result.IsValid)
        {
            return result.Exception ?? new SecurityTokenValidationException();
        }

        return result.SecurityToken is JsonWebToken jwt && string.Equals(jwt.Subject, Subject, StringComparison.Ordinal)
            ? null
            : new SecurityTokenValidationException("The subject is not CustomersDot's.");
    }

    /// <summary>
    /// A fresh configuration, or the current one when a forced fetch happened too recently; null when the issuer
    /// cannot be reached. A new <see cref="ConfigurationManager{T}"/> is built for it: the existing one's
    /// <c>RequestRefresh</c> fetches in the background and ignores requests within a second of each other, so the
    /// request that brought the new key id would still be checked against the old keys.
    /// </summary>
    private async Task<OpenIdConnectConfiguration?> RefreshAsync(CancellationToken cancellationToken)
    {
        await _refresh.WaitAsync(cancellationToken);
        try
        {
            var now = _time.GetUtcNow();
            if (now - _lastForcedRefresh < _options.KeyRefreshMinimumInterval)
            {
                return await _manager!.GetConfigurationAsync(cancellationToken);
            }

            _lastForcedRefresh = now;
            var manager = NewManager();
            try
            {
                var configuration = await manager.GetConfigurationAsync(cancellationToken);
                _manager = manager;
                return configuration;
            }
            catch (Exception ex) when (ex is InvalidOperationException or HttpRequestException or IOException or TaskCanceledException && !cancellationToken.IsCancellationRequested)
            {
                Log.IssuerUnavailable(_logger, ex.GetType().Name);
                return null;
            }
        }
        finally
        {
            _refresh.Release();
        }
    }

    private ConfigurationManager<OpenIdConnectConfiguration> NewManager()
    {
        var address = new Uri(_options.MetadataAddress!, UriKind.Absolute);
        var retriever = new HttpDocumentRetriever(_http!) { RequireHttps = !(address.Scheme == Uri.UriSchemeHttp && CustomersDotOptions.IsLoopback(address)) };
        return new ConfigurationManager<OpenIdConnectConfiguration>(address.AbsoluteUri, new OpenIdConnectConfigurationRetriever(), retriever)
        {
            AutomaticRefreshInterval = _options.AutomaticRefreshInterval,
        };
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 1120, Level = LogLevel.Warning, Message = "CustomersDot's discovery document or keys could not be fetched ({Error})")]
        public static partial void IssuerUnavailable(ILogger logger, string error);

        [LoggerMessage(EventId = 1121, Level = LogLevel.Information, Message = "Refused a CustomersDot token: {Reason}")]
        public static partial void Refused(ILogger logger, string reason);

        // GetType().Name is a field read, not worth a guard.
#pragma warning disable CA1873
        public static void Refused(ILogger logger, Exception failure) => Refused(logger, failure.GetType().Name);
#pragma warning restore CA1873
    }
}
