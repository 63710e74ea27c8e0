using Azure;
using InternalApi.Core.Auth;
using InternalApi.Core.Model;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using InternalApi.Core.Diagnostics;

namespace InternalApi.Core.Kubernetes;

/// <summary>The agent a KAS request acts for: the agent owning the presented token, and that token.</summary>
public sealed record AuthenticatedAgent(ClusterAgent Agent, AgentToken Token);

/// <summary>The outcome of checking an agent token; <see cref="Reason"/> is safe to log (never the token).</summary>
public readonly record struct AgentAuthentication(AuthenticatedAgent? Agent, string Reason)
{
    /// <summary>True when the token authenticated an agent.</summary>
    public bool IsValid => Agent is not null;
}

/// <summary>
/// The second factor of the KAS endpoints (spec §4.1): the presented agent token must be the digest of an
/// <em>active</em> token whose agent exists. Use is recorded on the token, at most once per
/// <see cref="KasAuthOptions.AgentTokenUsageInterval"/>, so authentication stays a read.
/// </summary>
public sealed partial class AgentTokenAuthenticator(AgentStore store, IOptions<KasAuthOptions> options, TimeProvider time, ILogger<AgentTokenAuthenticator> logger)
{
    /// <summary>Finds the agent for a token (null or blank: none presented).</summary>
    public async Task<AgentAuthentication> AuthenticateAsync(string? token, CancellationToken cancellationToken = default)
    {
        if (string.IsNullOrEmpty(token))
        {
            return new(null, "missing agent token");
        }

        var digest = SecretDigest.Sha256Hex(token);
        var stored = await store.FindTokenAsync(digest, cancellationToken);

        // The row is found by its digest; comparing again in constant time keeps the check independent of how
        // the store matched the key.
        if (stored is null || !SecretDigest.FixedTimeEquals(stored.Token.Digest, digest))
        {
            return new(null, "unknown agent token");
        }

        if (stored.Token.Status != AgentTokenStatus.Active)
        {
            return new(null, "revoked agent token");
        }

        if (await store.GetAgentAsync(stored.Token.AgentId, cancellationToken) is not { } agent)
        {
            return new(null, "agent token of a missing agent");
        }

        InvocationLog.Set("agent_id", agent.Id);
        InvocationLog.Set("project_id", agent.ProjectId);
        await TrackUsageAsync(stored, cancellationToken);
        return new(new AuthenticatedAgent(agent, stored.Token), "valid");
    }

    /// <summary>
    /// Records the use unless it was recorded recently. As in GitLab, a failure to record never fails the
    /// request: the token was valid, only the bookkeeping is lost.
    /// </summary>
    private async Task TrackUsageAsync(StoredAgentToken stored, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        if (stored.Token.LastUsedAt is { } last && now - last < options.Value.AgentTokenUsageInterval)
        {
            return;
        }

        try
        {
            // A lost race (412) means a concurrent request recorded it: one write is enough.
            await store.TryTouchTokenAsync(stored, now, cancellationToken);
        }
        catch (RequestFailedException ex)
        {
            Log.UsageNotRecorded(logger, ex, stored.Token.Id, stored.Token.AgentId);
        }
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 5000, Level = LogLevel.Warning, Message = "Could not record the use of agent token {TokenId} of agent {AgentId}")]
        public static partial void UsageNotRecorded(ILogger logger, Exception exception, long tokenId, long agentId);
    }
}
