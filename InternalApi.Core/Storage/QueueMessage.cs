namespace InternalApi.Core.Storage;

/// <summary>A message received from (or peeked on) a queue.</summary>
public sealed record QueueMessage
{
    /// <summary>Service-assigned id.</summary>
    public required string MessageId { get; init; }

    /// <summary>Receipt needed to delete or update; null for peeked messages.</summary>
    public string? PopReceipt { get; init; }

    /// <summary>Times the message has been received, including this one.</summary>
    public required long DequeueCount { get; init; }

    /// <summary>The raw <c>MessageText</c> as stored.</summary>
    public required string MessageText { get; init; }

    /// <summary>The decoded body, or null when the text is not valid for the configured encoding.</summary>
    public BinaryData? Body { get; init; }

    /// <summary>When the message was enqueued.</summary>
    public DateTimeOffset? InsertedOn { get; init; }

    /// <summary>When the message expires.</summary>
    public DateTimeOffset? ExpiresOn { get; init; }

    /// <summary>When the message becomes visible again.</summary>
    public DateTimeOffset? NextVisibleOn { get; init; }
}

/// <summary>The receipt returned by a send or update.</summary>
public sealed record QueueMessageReceipt(string MessageId, string PopReceipt, DateTimeOffset? NextVisibleOn);
