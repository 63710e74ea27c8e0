using System.Text.Json;
using System.Text.Json.Serialization;
using InternalApi.Functions.Hosting;

namespace InternalApi.Functions.Functions.Kubernetes;

/// <summary>
/// A Grape <c>String</c> parameter: any scalar is its text (a number is its digits), an object or an array is a
/// type error (<c>&lt;name&gt; is invalid</c>).
/// </summary>
public sealed class StrictStringConverter : JsonConverter<string>
{
    /// <inheritdoc/>
    public override string? Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        if (reader.TokenType is JsonTokenType.StartObject or JsonTokenType.StartArray)
        {
            throw new JsonException("Expected a scalar.");
        }

        return LenientStringConverter.ReadScalar(ref reader);
    }

    /// <inheritdoc/>
    public override void Write(Utf8JsonWriter writer, string value, JsonSerializerOptions options)
    {
        ArgumentNullException.ThrowIfNull(writer);
        writer.WriteStringValue(value);
    }
}

/// <summary><c>agent_configuration</c>: <c>agent_id</c> (Integer) and <c>agent_config</c> (JSON), both required.</summary>
public sealed record AgentConfigurationRequest : IValidatedRequest
{
    /// <summary>The configured agent.</summary>
    public long? AgentId { get; init; }

    /// <summary>The agent's configuration file as JSON (an object, or a string holding one).</summary>
    public JsonElement? AgentConfig { get; init; }

    /// <inheritdoc/>
    public void Validate(ParameterErrors errors)
    {
        ArgumentNullException.ThrowIfNull(errors);
        if (AgentId is null)
        {
            errors.Missing("agent_id");
        }

        if (AgentConfig is not { ValueKind: not JsonValueKind.Null })
        {
            errors.Missing("agent_config");
        }
    }
}

/// <summary><c>verify_project_access</c>, <c>project_info</c> and <c>autoflow/repository_info</c>: the project id or full path.</summary>
public sealed record KasProjectRequest
{
    /// <summary>Numeric id or URL-encoded full path.</summary>
    [JsonConverter(typeof(LenientStringConverter))]
    public string? Id { get; init; }
}

/// <summary><c>autoflow/repository_info</c>: <c>id</c> is a required String.</summary>
public sealed record RepositoryInfoRequest : IValidatedRequest
{
    /// <summary>Numeric id or full path.</summary>
    [JsonConverter(typeof(StrictStringConverter))]
    public string? Id { get; init; }

    /// <inheritdoc/>
    public void Validate(ParameterErrors errors)
    {
        ArgumentNullException.ThrowIfNull(errors);
        if (Id is null)
        {
            errors.Missing("id");
        }
    }
}

/// <summary><c>authorize_proxy_user</c>, validated as GitLab declares it, in declaration order.</summary>
public sealed record AuthorizeProxyUserRequest : IValidatedRequest
{
    /// <summary><c>session_cookie</c>.</summary>
    public const string SessionCookie = "session_cookie";

    /// <summary><c>personal_access_token</c>.</summary>
    public const string PersonalAccessToken = "personal_access_token";

    /// <summary>The agent accessed.</summary>
    public long? AgentId { get; init; }

    /// <summary><c>session_cookie</c> or <c>personal_access_token</c>.</summary>
    [JsonConverter(typeof(StrictStringConverter))]
    public string? AccessType { get; init; }

    /// <summary>The secret of that kind (never logged).</summary>
    [JsonConverter(typeof(StrictStringConverter))]
    public string? AccessKey { get; init; }

    /// <summary>Required, not blank, for <c>session_cookie</c>.</summary>
    [JsonConverter(typeof(StrictStringConverter))]
    public string? CsrfToken { get; init; }

    /// <inheritdoc/>
    public void Validate(ParameterErrors errors)
    {
        ArgumentNullException.ThrowIfNull(errors);
        if (AgentId is null)
        {
            errors.Missing("agent_id");
        }

        if (AccessType is null)
        {
            errors.Missing("access_type");
        }
        else if (AccessType is not (SessionCookie or PersonalAccessToken))
        {
            errors.Add("access_type does not have a valid value");
        }

        if (AccessKey is null)
        {
            errors.Missing("access_key");
        }

        if (AccessType == SessionCookie)
        {
            if (CsrfToken is null)
            {
                errors.Missing("csrf_token");
            }
            else if (string.IsNullOrWhiteSpace(CsrfToken))
            {
                errors.Add("csrf_token is empty");
            }
        }
    }
}

/// <summary>A user event of <c>agent_events</c>.</summary>
public sealed record AgentUserEventParameters
{
    /// <summary>The user.</summary>
    public long? UserId { get; init; }

    /// <summary>The project.</summary>
    public long? ProjectId { get; init; }
}

/// <summary>Extra telemetry of a registration.</summary>
public sealed record AgentTelemetryParameters
{
    /// <summary>How the agent was installed (<c>helm-chart</c>, ...).</summary>
    [JsonConverter(typeof(StrictStringConverter))]
    public string? InstallationMethod { get; init; }

    /// <summary>The Helm chart's version.</summary>
    [JsonConverter(typeof(StrictStringConverter))]
    public string? HelmChartVersion { get; init; }
}

/// <summary>A <c>register_agent_at_kas</c> event.</summary>
public sealed record AgentRegistrationParameters
{
    /// <summary>The agent's configuration project.</summary>
    public long? ProjectId { get; init; }

    /// <summary>agentk's version.</summary>
    [JsonConverter(typeof(StrictStringConverter))]
    public string? AgentVersion { get; init; }

    /// <summary>CPU architecture.</summary>
    [JsonConverter(typeof(StrictStringConverter))]
    public string? Architecture { get; init; }

    /// <summary>The agent (older agents do not send it).</summary>
    public long? AgentId { get; init; }

    /// <summary>The cluster's Kubernetes version.</summary>
    [JsonConverter(typeof(StrictStringConverter))]
    public string? KubernetesVersion { get; init; }

    /// <summary>Installation details.</summary>
    public AgentTelemetryParameters? ExtraTelemetryData { get; init; }
}

/// <summary>The <c>events</c> object of <c>agent_events</c>.</summary>
public sealed record AgentEventsParameters
{
    /// <summary>Users of the CI tunnel through <c>ci_access</c>.</summary>
    [JsonPropertyName("k8s_api_proxy_requests_unique_users_via_ci_access")]
    public IReadOnlyList<AgentUserEventParameters?>? ViaCiAccess { get; init; }

    /// <summary>Users through <c>user_access</c>.</summary>
    [JsonPropertyName("k8s_api_proxy_requests_unique_users_via_user_access")]
    public IReadOnlyList<AgentUserEventParameters?>? ViaUserAccess { get; init; }

    /// <summary>Users with a personal access token.</summary>
    [JsonPropertyName("k8s_api_proxy_requests_unique_users_via_pat_access")]
    public IReadOnlyList<AgentUserEventParameters?>? ViaPatAccess { get; init; }

    /// <summary>Agents that registered with KAS.</summary>
    [JsonPropertyName("register_agent_at_kas")]
    public IReadOnlyList<AgentRegistrationParameters?>? RegisterAgentAtKas { get; init; }
}

/// <summary><c>agent_events</c>: every part optional.</summary>
public sealed record AgentEventsRequest
{
    /// <summary>The events by name.</summary>
    public AgentEventsParameters? Events { get; init; }
}
