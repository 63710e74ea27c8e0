using InternalApi.Core.Data;
using InternalApi.Core.Model;
using Microsoft.Extensions.Options;

namespace InternalApi.Core.Scim;

/// <summary>Why a SCIM caller was refused, in GitLab's order of checks (spec §6.2, §6.8).</summary>
public enum ScimAuthFailure
{
    /// <summary>Accepted.</summary>
    None,

    /// <summary>403 <c>403 Forbidden - Group SAML not enabled.</c></summary>
    GroupSamlDisabled,

    /// <summary>404 SCIM error <c>Group &lt;path&gt; not found</c>.</summary>
    GroupNotFound,

    /// <summary>404 SCIM error <c>Group &lt;path&gt; does not have SAML SSO configured</c>.</summary>
    NoSamlProvider,

    /// <summary>404 <c>404 Not Found</c>: instance SAML/SCIM is not available.</summary>
    InstanceDisabled,

    /// <summary>401 <c>401 Unauthorized</c>: no token, an unknown one, or one of another scope.</summary>
    Unauthorized,
}

/// <summary>The outcome: the scope the token opens, or why not (with the SCIM detail where there is one).</summary>
public sealed record ScimAuthResult(ScimScope? Scope, ScimAuthFailure Failure, string? Detail = null);

/// <summary>
/// Checks SCIM bearer tokens. Tokens are stored only as SHA-256 digests keyed by digest (one point read);
/// a group token opens only its own group, the instance token only the instance. The group and its SAML
/// provider are checked before the token, as GitLab does (so a missing group is 404, not 401).
/// </summary>
public sealed class ScimTokenAuthenticator(ScimStore scim, NamespaceStore namespaces, IOptions<ScimOptions> options)
{
    /// <summary>Group SCIM: instance switch, group, SAML provider, then the token.</summary>
    public async Task<ScimAuthResult> AuthenticateGroupAsync(string? groupPath, string? token, CancellationToken cancellationToken = default)
    {
        if (!options.Value.GroupSamlEnabled)
        {
            return new(null, ScimAuthFailure.GroupSamlDisabled);
        }

        // The token's row is read while the group and its provider are: the checks keep GitLab's order (a missing
        // group is 404 whatever the token), the request saves a round trip.
        var opens = TokenScopeAsync(token, cancellationToken);
        var path = groupPath ?? "";
        if (await namespaces.FindNamespaceByPathAsync(path, cancellationToken) is not { Kind: NamespaceKind.Group } group)
        {
            return Refused(opens, new(null, ScimAuthFailure.GroupNotFound, $"Group {path} not found"));
        }

        if (await scim.GetSamlProviderAsync(group.Id, cancellationToken) is not { } provider)
        {
            return Refused(opens, new(null, ScimAuthFailure.NoSamlProvider, $"Group {path} does not have SAML SSO configured"));
        }

        var scope = ScimScope.ForGroup(group, provider);
        return Opens(await opens, scope.Key) ? new(scope, ScimAuthFailure.None) : new(null, ScimAuthFailure.Unauthorized);
    }

    /// <summary>A refusal before the token mattered: its read is not awaited, so its failure (if any) is observed here.</summary>
    private static ScimAuthResult Refused(Task<string?> tokenRead, ScimAuthResult result)
    {
        _ = tokenRead.ContinueWith(static t => t.Exception, CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted, TaskScheduler.Default);
        return result;
    }

    /// <summary>Instance SCIM: the instance switch, then the token.</summary>
    public async Task<ScimAuthResult> AuthenticateInstanceAsync(string? token, CancellationToken cancellationToken = default)
    {
        if (!options.Value.InstanceSamlEnabled)
        {
            return new(null, ScimAuthFailure.InstanceDisabled);
        }

        return Opens(await TokenScopeAsync(token, cancellationToken), ScimTables.InstanceScope)
            ? new(ScimScope.Instance, ScimAuthFailure.None)
            : new(null, ScimAuthFailure.Unauthorized);
    }

    /// <summary>The scope the token opens (by its digest), or null for none or an unknown token.</summary>
    private Task<string?> TokenScopeAsync(string? token, CancellationToken cancellationToken) =>
        string.IsNullOrEmpty(token) ? Task.FromResult<string?>(null) : scim.FindTokenScopeAsync(SecretDigest.Sha256Hex(token), cancellationToken);

    private static bool Opens(string? opens, string scopeKey) => opens is not null && SecretDigest.FixedTimeEquals(opens, scopeKey);
}
