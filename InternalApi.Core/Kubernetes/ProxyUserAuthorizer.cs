using System.Text.Json;
using InternalApi.Core.Auth;
using InternalApi.Core.Data;
using InternalApi.Core.Model;

namespace InternalApi.Core.Kubernetes;

/// <summary>
/// <c>authorize_proxy_user</c> for personal access tokens, as GitLab's endpoint and its
/// <c>Clusters::Agents::AuthorizeProxyUserService</c> decide: the token first (unknown, expired, revoked, scope),
/// then the agent, then the agent's <c>user_access</c> authorizations (from the last posted configuration): they
/// must exist, carry exactly one <c>access_as</c>, which must be <c>agent</c>, and the user must be a Developer
/// (or more) of one of the authorized projects or groups.
/// </summary>
public sealed class ProxyUserAuthorizer(
    PersonalAccessTokenAuthenticator tokens,
    ProjectStore projects,
    EffectiveAccess effectiveAccess,
    AgentStore agents,
    AgentConfigStore configs,
    TimeProvider time)
{
    /// <summary>How many membership checks run at once.</summary>
    private const int Parallelism = 8;

    /// <summary>Authorizes the request.</summary>
    public async Task<ProxyUserOutcome> AuthorizeAsync(ProxyUserRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (request.AccessType == ProxyAccessType.SessionCookie)
        {
            return new(ProxyUserFailure.SessionCookieUnsupported);
        }

        var identity = await tokens.AuthenticateAsync(request.AccessKey, cancellationToken);
        if (identity.Token is not { } token)
        {
            return new(ProxyUserFailure.UnknownToken);
        }

        // GitLab's AccessTokenValidationService order: expiry, revocation, then scopes.
        if (token.ExpiresAt is { } expires && expires < DateOnly.FromDateTime(time.GetUtcNow().UtcDateTime))
        {
            return new(ProxyUserFailure.TokenExpired);
        }

        if (token.Revoked)
        {
            return new(ProxyUserFailure.TokenRevoked);
        }

        if (!token.Scopes.Contains(ProxyUserOutcome.Scope, StringComparer.Ordinal))
        {
            return new(ProxyUserFailure.InsufficientScope);
        }

        if (identity.User is not { } user)
        {
            return new(ProxyUserFailure.UserNotUsable);
        }

        if (await agents.GetAgentAsync(request.AgentId, cancellationToken) is not { } agent)
        {
            return new(ProxyUserFailure.AgentNotFound);
        }

        var authorizations = await configs.GetUserAccessAuthorizationsAsync(agent.Id, cancellationToken);

        // Every user_access row carries the same access_as slice (GitLab reads any one of them).
        if (authorizations.Count == 0 || AccessAs(authorizations[0].UserAccessAsJson) is not { } accessAs)
        {
            return new(ProxyUserFailure.NoUserAccess);
        }

        var failure = accessAs switch
        {
            [] => ProxyUserFailure.NoAccessAs,
            [_, _, ..] => ProxyUserFailure.AccessAsNotOnce,
            ["agent"] => ProxyUserFailure.None,
            _ => ProxyUserFailure.AccessAsUnsupported,
        };
        if (failure != ProxyUserFailure.None)
        {
            return new(failure);
        }

        return await IsDeveloperOfAnyAsync(user, authorizations, cancellationToken)
            ? new(ProxyUserFailure.None, agent, user)
            : new(ProxyUserFailure.NotMember);
    }

    /// <summary>
    /// The keys of <c>access_as</c>: null when the slice is empty (<c>{}</c>: GitLab's "not present"), empty when
    /// <c>access_as</c> is there but empty or not an object.
    /// </summary>
    private static IReadOnlyList<string>? AccessAs(string? sliceJson)
    {
        if (string.IsNullOrEmpty(sliceJson))
        {
            return null;
        }

        using var document = JsonDocument.Parse(sliceJson);
        if (document.RootElement.ValueKind != JsonValueKind.Object || !document.RootElement.TryGetProperty("access_as", out var accessAs))
        {
            return null;
        }

        return accessAs.ValueKind == JsonValueKind.Object ? [.. accessAs.EnumerateObject().Select(p => p.Name)] : [];
    }

    /// <summary>Stops at the first project or group where the user is at least a Developer (inherited memberships count).</summary>
    private async Task<bool> IsDeveloperOfAnyAsync(User user, IReadOnlyList<AgentAuthorization> authorizations, CancellationToken cancellationToken)
    {
        using var found = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var any = false;
        try
        {
            await Parallel.ForEachAsync(authorizations, new ParallelOptions { MaxDegreeOfParallelism = Parallelism, CancellationToken = found.Token }, async (a, token) =>
            {
                var level = a.IsGroup
                    ? await effectiveAccess.GetNamespaceAccessLevelAsync(user.Id, a.TargetId, token)
                    : await projects.GetProjectAsync(a.TargetId, token) is { } project ? await effectiveAccess.GetProjectAccessLevelAsync(user.Id, project, token) : AccessLevel.NoAccess;
                if (level >= AccessLevel.Developer)
                {
                    any = true;
                    await found.CancelAsync();
                }
            });
        }
        catch (OperationCanceledException) when (any && !cancellationToken.IsCancellationRequested)
        {
            // Cancelled because one was found.
        }

        return any;
    }
}
