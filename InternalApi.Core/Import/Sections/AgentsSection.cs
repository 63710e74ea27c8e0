using System.Text.RegularExpressions;
using InternalApi.Core.Kubernetes;
using InternalApi.Core.Model;

namespace InternalApi.Core.Import;

/// <summary>A cluster agent, its tokens and, for a receptive agent, its URL configuration, as the file gives them.</summary>
public sealed record AgentRecord(ClusterAgent Agent, IReadOnlyList<ImportItem<AgentToken>> Tokens, ReceptiveAgent? UrlConfiguration = null);

/// <summary>
/// <c>agents</c>: GitLab agents for Kubernetes — <c>id</c>, <c>name</c> (unique in its project), <c>project_id</c>
/// (its configuration project), <c>created_by_id</c>, <c>created_at</c>, and <c>tokens: [{ id, token, name,
/// description, status, created_by_id, created_at }]</c>. Token texts are given in clear and only their SHA-256
/// digests are stored; a token's last use is written by the app and kept on re-import. A receptive agent has
/// <c>url_configuration: { url, ca_cert, tls_host, private_key (base64), client_key, client_cert, status }</c>:
/// KAS connects to it, authenticating with a JWT (<c>private_key</c>) or a client certificate (both
/// <c>client_key</c> and <c>client_cert</c>) — exactly one of the two, as GitLab requires.
/// </summary>
public sealed partial class AgentsSection(AgentStore agents, ReceptiveAgentStore receptive) : ImportSection<AgentRecord>
{
    /// <summary>Token statuses.</summary>
    private static readonly IReadOnlyDictionary<string, AgentTokenStatus> Statuses = new Dictionary<string, AgentTokenStatus>(StringComparer.Ordinal)
    {
        ["active"] = AgentTokenStatus.Active,
        ["revoked"] = AgentTokenStatus.Revoked,
    };

    /// <inheritdoc/>
    public override string Name => "agents";

    /// <inheritdoc/>
    protected override AgentRecord Read(ImportReader record)
    {
        ArgumentNullException.ThrowIfNull(record);
        var name = record.Text("name", required: true) ?? "";
        if (name.Length > 0 && !AgentName().IsMatch(name))
        {
            // GitLab's rule: the name is a directory under .gitlab/agents/ and a Kubernetes label value.
            record.Error("name", "must be 1-63 lower-case letters, digits and '-', starting and ending with a letter or digit");
            name = "";
        }

        var agent = new ClusterAgent
        {
            Id = record.Id("id", required: true) ?? 0,
            Name = name,
            ProjectId = record.Id("project_id", required: true) ?? 0,
            CreatedById = record.Id("created_by_id"),
            CreatedAt = record.Time("created_at") ?? DateTimeOffset.UnixEpoch,
        };
        var tokens = record.Objects("tokens").Select(t =>
        {
            var text = t.Text("token", required: true);
            return new ImportItem<AgentToken>(t.Path, new AgentToken
            {
                Id = t.Id("id", required: true) ?? 0,
                AgentId = agent.Id,
                Digest = text is null ? "" : SecretDigest.Sha256Hex(text),
                Name = t.Text("name", required: true) ?? "",
                Description = t.Text("description"),
                Status = t.Choice("status", Statuses, AgentTokenStatus.Active),
                CreatedById = t.Id("created_by_id"),
                CreatedAt = t.Time("created_at") ?? DateTimeOffset.UnixEpoch,
            });
        }).ToList();
        return new AgentRecord(agent, tokens, record.Nested("url_configuration") is { } url ? ReadUrlConfiguration(url, agent.Id) : null);
    }

    private static readonly IReadOnlyDictionary<string, bool> UrlStatuses = new Dictionary<string, bool>(StringComparer.Ordinal)
    {
        ["active"] = true,
        ["inactive"] = false,
    };

    private static ReceptiveAgent ReadUrlConfiguration(ImportReader url, long agentId)
    {
        var address = url.Text("url", required: true) ?? "";
        if (address.Length > 0 && !(Uri.TryCreate(address, UriKind.Absolute, out var uri) && uri.Scheme is "grpc" or "grpcs"))
        {
            url.Error("url", "must be a grpc:// or grpcs:// URL");
        }

        byte[]? privateKey = null;
        if (url.Text("private_key") is { } key)
        {
            try
            {
                privateKey = Convert.FromBase64String(key);
            }
            catch (FormatException)
            {
                url.Error("private_key", "must be base64");
            }
        }

        var clientKey = url.Text("client_key");
        var clientCert = url.Text("client_cert");
        if ((privateKey is null) == (clientKey is null || clientCert is null))
        {
            url.Error("private_key", "give either private_key or both client_key and client_cert");
        }

        return new ReceptiveAgent(agentId, address, url.Text("ca_cert"), url.Text("tls_host"), privateKey, clientKey, clientCert, url.Choice("status", UrlStatuses, true));
    }

    /// <inheritdoc/>
    protected override void CheckFile(IEnumerable<ImportItem<AgentRecord>> items, ImportContext context)
    {
        ArgumentNullException.ThrowIfNull(items);
        ArgumentNullException.ThrowIfNull(context);
        context.Duplicates(items, a => ImportContext.Key(a.Agent.Id), "id", StringComparer.Ordinal);
        context.Duplicates(items, a => a.Agent.ProjectId > 0 && a.Agent.Name.Length > 0 ? $"{a.Agent.ProjectId} {a.Agent.Name}" : null, "name", StringComparer.Ordinal);
        var tokens = items.SelectMany(a => a.Value.Tokens).ToList();
        context.Duplicates(tokens, t => ImportContext.Key(t.Id), "id", StringComparer.Ordinal);
        context.Duplicates(tokens, t => t.Digest, "token", StringComparer.Ordinal);
    }

    /// <inheritdoc/>
    protected override async Task CheckAsync(ImportItem<AgentRecord> item, ImportContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(item);
        ArgumentNullException.ThrowIfNull(context);
        var agent = item.Value.Agent;
        if (!await context.ProjectExistsAsync(agent.ProjectId, cancellationToken))
        {
            context.Error(item.Path, "project_id", $"unknown project {agent.ProjectId}");
        }

        if (agent.CreatedById is { } creator && !await context.UserExistsAsync(creator, cancellationToken))
        {
            context.Error(item.Path, "created_by_id", $"unknown user {creator}");
        }

        if (agent.ProjectId > 0 && agent.Name.Length > 0 &&
            await agents.FindAgentIdByNameAsync(agent.ProjectId, agent.Name, cancellationToken) is { } taken && taken != agent.Id)
        {
            context.Error(item.Path, "name", $"project {agent.ProjectId} already has agent {taken} named '{agent.Name}' in the store");
        }

        foreach (var (path, token) in item.Value.Tokens)
        {
            if (token.CreatedById is { } tokenCreator && !await context.UserExistsAsync(tokenCreator, cancellationToken))
            {
                context.Error(path, "created_by_id", $"unknown user {tokenCreator}");
            }

            if (token.Digest.Length > 0 && await agents.FindTokenAsync(token.Digest, cancellationToken) is { } stored &&
                (stored.Token.Id != token.Id || stored.Token.AgentId != agent.Id))
            {
                context.Error(path, "token", $"this token is already token {stored.Token.Id} of agent {stored.Token.AgentId} in the store");
            }

            // Changing a token's text would leave the old text valid (it is stored under its own digest): refuse it.
            if (token.Id > 0 && agent.Id > 0 && token.Digest.Length > 0 &&
                await agents.GetTokenDigestAsync(agent.Id, token.Id, cancellationToken) is { } digest && digest != token.Digest)
            {
                context.Error(path, "token", $"token {token.Id} of agent {agent.Id} has another text in the store; add a new token and revoke this one");
            }
        }
    }

    /// <inheritdoc/>
    protected override async Task WriteAsync(AgentRecord value, ImportContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(value);
        var existing = await agents.GetAgentAsync(value.Agent.Id, cancellationToken);
        await agents.UpsertAgentAsync(value.Agent with { HasVulnerabilities = existing?.HasVulnerabilities ?? false }, cancellationToken);
        foreach (var (_, token) in value.Tokens)
        {
            var stored = await agents.FindTokenAsync(token.Digest, cancellationToken);
            await agents.UpsertTokenAsync(token with { LastUsedAt = stored?.Token.LastUsedAt }, cancellationToken);
        }

        if (value.UrlConfiguration is { } url)
        {
            await receptive.UpsertAsync(url, cancellationToken);
        }
    }

    [GeneratedRegex(@"^[a-z0-9](?:[-a-z0-9]{0,61}[a-z0-9])?\z", RegexOptions.CultureInvariant)]
    private static partial Regex AgentName();
}
