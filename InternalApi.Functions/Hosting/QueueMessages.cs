using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Azure.Storage.Queues.Models;

namespace InternalApi.Functions.Hosting;

/// <summary>Reading queue trigger messages.</summary>
public static class QueueMessages
{
    /// <summary>
    /// The body as JSON of the expected type. A body that is not (invalid JSON, wrong shape, missing required
    /// members, <c>null</c>) can never succeed: it throws <see cref="InvalidDataException"/> so the message is
    /// retried and then moved to the poison queue, with the reason in the log.
    /// </summary>
    public static T ReadJson<T>(QueueMessage message, string queueName, JsonTypeInfo<T> typeInfo)
    {
        ArgumentNullException.ThrowIfNull(message);
        var body = message.Body ?? throw new InvalidDataException($"The {queueName} message has no body.");
        try
        {
            return JsonSerializer.Deserialize(body.ToMemory().Span, typeInfo)
                ?? throw new InvalidDataException($"The {queueName} message is empty.");
        }
        catch (JsonException ex)
        {
            throw new InvalidDataException($"The {queueName} message is not a valid {typeof(T).Name}.", ex);
        }
    }
}
