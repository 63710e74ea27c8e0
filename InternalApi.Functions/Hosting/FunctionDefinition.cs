namespace InternalApi.Functions.Hosting;

/// <summary>How a function's caller authenticates (spec §1.7).</summary>
public enum FunctionAuth
{
    /// <summary>No authentication (liveness probe).</summary>
    Anonymous,

    /// <summary>Shell JWT in <c>Gitlab-Shell-Api-Request</c> (gitlab-shell, Gitaly).</summary>
    ShellJwt,

    /// <summary>KAS JWT in <c>Gitlab-Kas-Api-Request</c>.</summary>
    KasJwt,

    /// <summary>The function checks its own credential (error tracking token, admin PAT, SCIM token).</summary>
    Custom,
}

/// <summary>A function the app exposes: its name is the function.json folder name.</summary>
public abstract record FunctionDefinition(string Name);

/// <summary>
/// An HTTP-triggered function. <paramref name="Route"/> is relative to the host's route prefix
/// (<c>api</c>), written as in function.json (<c>v4/internal/check</c>, <c>scim/v2/groups/{group_path}/Users</c>).
/// </summary>
public sealed record HttpFunction(string Name, string[] Methods, string Route, FunctionAuth Auth, Delegate Handler)
    : FunctionDefinition(Name);

/// <summary>The trigger value and metadata handed to a queue function, from either the host or the standalone dispatcher.</summary>
public sealed record QueueTrigger
{
    /// <summary>The function being invoked.</summary>
    public required string FunctionName { get; init; }

    /// <summary>The queue the message came from.</summary>
    public required string QueueName { get; init; }

    /// <summary>Decoded message body.</summary>
    public required BinaryData Body { get; init; }

    /// <summary>Storage message id (stable across redeliveries: use it to deduplicate).</summary>
    public required string MessageId { get; init; }

    /// <summary>Delivery attempt, 1 on first delivery.</summary>
    public required long DequeueCount { get; init; }

    /// <summary>When the message was enqueued, when known.</summary>
    public DateTimeOffset? InsertedOn { get; init; }

    /// <summary>
    /// The body as JSON of the expected type. A body that is not (invalid JSON, wrong shape, missing required
    /// members, <c>null</c>) can never succeed: it throws <see cref="InvalidDataException"/> so the message is
    /// retried and then moved to the poison queue, with the reason in the log.
    /// </summary>
    public T ReadJson<T>(System.Text.Json.Serialization.Metadata.JsonTypeInfo<T> typeInfo)
    {
        try
        {
            return System.Text.Json.JsonSerializer.Deserialize(Body.ToMemory().Span, typeInfo)
                ?? throw new InvalidDataException($"The {QueueName} message is empty.");
        }
        catch (System.Text.Json.JsonException ex)
        {
            throw new InvalidDataException($"The {QueueName} message is not a valid {typeof(T).Name}.", ex);
        }
    }
}

/// <summary>A queue-triggered function; <paramref name="Connection"/> names the storage connection setting.</summary>
public sealed record QueueFunction(string Name, string QueueName, string Connection, Func<QueueTrigger, IServiceProvider, CancellationToken, Task> Handler)
    : FunctionDefinition(Name)
{
    /// <summary>The name of the trigger binding in function.json and in the host's <c>Data</c> payload.</summary>
    public const string TriggerBindingName = "message";
}
