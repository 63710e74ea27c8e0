using System.Text.Json.Serialization;

namespace InternalApi.Core.Receive;

/// <summary>
/// The message on queue <c>post-receive</c>: everything GitLab's PostReceive worker receives, plus our
/// job id (the idempotency key of everything the worker writes) and the time the push was received.
/// </summary>
public sealed record PostReceiveJob
{
    /// <summary>Unique id of this push's job.</summary>
    public required string JobId { get; init; }

    /// <summary>Repository pushed to.</summary>
    public required string GlRepository { get; init; }

    /// <summary><c>user-N</c> or <c>key-N</c>.</summary>
    public string? Identifier { get; init; }

    /// <summary>Raw change lines as Gitaly sent them.</summary>
    public string Changes { get; init; } = "";

    /// <summary><c>git push -o</c> values.</summary>
    public IReadOnlyList<string> PushOptions { get; init; } = [];

    /// <summary>When <c>/post_receive</c> was called.</summary>
    public DateTimeOffset ReceivedAt { get; init; }
}

/// <summary>Source-generated JSON for queue messages of this area.</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower)]
[JsonSerializable(typeof(PostReceiveJob))]
[JsonSerializable(typeof(PostReceiveOutcome))]
public sealed partial class ReceiveJsonContext : JsonSerializerContext;
