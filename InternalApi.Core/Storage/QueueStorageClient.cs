using System.Globalization;
using System.Security;
using System.Text;
using System.Xml.Linq;
using Azure;
using Azure.Core;
using Azure.Core.Pipeline;

namespace InternalApi.Core.Storage;

/// <summary>
/// A small Queue service client over the REST API. Bodies are base64-encoded by default, the
/// convention of the Functions queue trigger.
/// </summary>
public class QueueStorageClient
{
    private readonly HttpPipeline _pipeline = null!;
    private readonly string _serviceVersion = "";
    private readonly QueueMessageEncoding _encoding;

    /// <summary>For mocking only.</summary>
    protected QueueStorageClient()
    {
        Endpoint = new Uri("http://127.0.0.1");
    }

    /// <summary>Creates a client from a storage connection string (SharedKey).</summary>
    public QueueStorageClient(string connectionString, QueueStorageClientOptions? options = null)
        : this(StorageConnectionString.Parse(connectionString), options)
    {
    }

    /// <summary>Creates a client for a service endpoint authenticated by a token credential.</summary>
    public QueueStorageClient(Uri endpoint, TokenCredential credential, QueueStorageClientOptions? options = null)
        : this(StorageAccount.FromIdentity(endpoint, endpoint, credential), options)
    {
    }

    /// <summary>Creates a client for an account (key or credential).</summary>
    public QueueStorageClient(StorageAccount account, QueueStorageClientOptions? options = null, TimeProvider? time = null)
    {
        ArgumentNullException.ThrowIfNull(account);
        options ??= new QueueStorageClientOptions();
        Endpoint = account.QueueEndpoint;
        _serviceVersion = options.ServiceVersion;
        _encoding = options.MessageEncoding;
        _pipeline = StoragePipeline.Build(options, account, time ?? TimeProvider.System, queue: true);
    }

    /// <summary>The queue service endpoint.</summary>
    public virtual Uri Endpoint { get; }

    /// <summary>The encoding applied to message bodies.</summary>
    public virtual QueueMessageEncoding MessageEncoding => _encoding;

    /// <summary>Creates a queue; returns false when it already existed.</summary>
    public virtual async Task<bool> CreateQueueIfNotExistsAsync(string queue, CancellationToken cancellationToken = default)
    {
        using var message = CreateMessage(RequestMethod.Put, QueuePath(queue));
        var response = await SendAsync(message, cancellationToken);
        return response.Status switch
        {
            201 => true,
            204 or 409 => false,
            _ => throw StorageResponses.Failure(response, "create queue"),
        };
    }

    /// <summary>Deletes a queue; false when it did not exist.</summary>
    public virtual async Task<bool> DeleteQueueAsync(string queue, CancellationToken cancellationToken = default)
    {
        using var message = CreateMessage(RequestMethod.Delete, QueuePath(queue));
        var response = await SendAsync(message, cancellationToken);
        return response.Status switch
        {
            204 => true,
            404 => false,
            _ => throw StorageResponses.Failure(response, "delete queue"),
        };
    }

    /// <summary>Sends a body, encoded with the configured <see cref="QueueMessageEncoding"/>.</summary>
    public virtual Task<QueueMessageReceipt> SendMessageAsync(string queue, BinaryData body, TimeSpan? visibilityTimeout = null, TimeSpan? timeToLive = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(body);
        var text = _encoding == QueueMessageEncoding.Base64 ? Convert.ToBase64String(body.ToMemory().Span) : body.ToString();
        return SendMessageTextAsync(queue, text, visibilityTimeout, timeToLive, cancellationToken);
    }

    /// <summary>Sends <c>MessageText</c> exactly as given (used to move messages to a poison queue unchanged).</summary>
    public virtual async Task<QueueMessageReceipt> SendMessageTextAsync(string queue, string messageText, TimeSpan? visibilityTimeout = null, TimeSpan? timeToLive = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(messageText);
        using var message = CreateMessage(RequestMethod.Post, QueuePath(queue) + "/messages");
        if (visibilityTimeout is { } v)
        {
            message.Request.Uri.AppendQuery("visibilitytimeout", Seconds(v));
        }

        if (timeToLive is { } ttl)
        {
            message.Request.Uri.AppendQuery("messagettl", ttl == Timeout.InfiniteTimeSpan ? "-1" : Seconds(ttl));
        }

        SetXml(message.Request, $"<QueueMessage><MessageText>{SecurityElement.Escape(messageText)}</MessageText></QueueMessage>");
        var response = await SendAsync(message, cancellationToken);
        if (response.Status != 201)
        {
            throw StorageResponses.Failure(response, "send message");
        }

        var m = ParseMessages(response).Single();
        return new QueueMessageReceipt(m.MessageId, m.PopReceipt ?? "", m.NextVisibleOn);
    }

    /// <summary>Receives up to <paramref name="maxMessages"/> (1–32) messages, hiding them for <paramref name="visibilityTimeout"/>.</summary>
    public virtual async Task<IReadOnlyList<QueueMessage>> ReceiveMessagesAsync(string queue, int maxMessages = 1, TimeSpan? visibilityTimeout = null, CancellationToken cancellationToken = default)
    {
        using var message = CreateMessage(RequestMethod.Get, QueuePath(queue) + "/messages");
        message.Request.Uri.AppendQuery("numofmessages", Math.Clamp(maxMessages, 1, 32).ToString(CultureInfo.InvariantCulture));
        if (visibilityTimeout is { } v)
        {
            message.Request.Uri.AppendQuery("visibilitytimeout", Seconds(v));
        }

        var response = await SendAsync(message, cancellationToken);
        if (response.Status != 200)
        {
            throw StorageResponses.Failure(response, "receive messages");
        }

        return ParseMessages(response);
    }

    /// <summary>Peeks at visible messages without changing them.</summary>
    public virtual async Task<IReadOnlyList<QueueMessage>> PeekMessagesAsync(string queue, int maxMessages = 1, CancellationToken cancellationToken = default)
    {
        using var message = CreateMessage(RequestMethod.Get, QueuePath(queue) + "/messages");
        message.Request.Uri.AppendQuery("peekonly", "true");
        message.Request.Uri.AppendQuery("numofmessages", Math.Clamp(maxMessages, 1, 32).ToString(CultureInfo.InvariantCulture));
        var response = await SendAsync(message, cancellationToken);
        if (response.Status == 404)
        {
            return [];
        }

        if (response.Status != 200)
        {
            throw StorageResponses.Failure(response, "peek messages");
        }

        return ParseMessages(response);
    }

    /// <summary>Deletes a received message. False when it is already gone.</summary>
    public virtual async Task<bool> DeleteMessageAsync(string queue, string messageId, string popReceipt, CancellationToken cancellationToken = default)
    {
        using var message = CreateMessage(RequestMethod.Delete, QueuePath(queue) + "/messages/" + Uri.EscapeDataString(messageId));
        message.Request.Uri.AppendQuery("popreceipt", popReceipt, escapeValue: true);
        var response = await SendAsync(message, cancellationToken);
        return response.Status switch
        {
            204 => true,
            404 => false,
            _ => throw StorageResponses.Failure(response, "delete message"),
        };
    }

    /// <summary>
    /// Changes a message's visibility (and optionally its text). The old pop receipt is dead afterwards;
    /// use the returned one.
    /// </summary>
    public virtual async Task<QueueMessageReceipt> UpdateMessageAsync(string queue, string messageId, string popReceipt, TimeSpan visibilityTimeout, string? newMessageText = null, CancellationToken cancellationToken = default)
    {
        using var message = CreateMessage(RequestMethod.Put, QueuePath(queue) + "/messages/" + Uri.EscapeDataString(messageId));
        message.Request.Uri.AppendQuery("popreceipt", popReceipt, escapeValue: true);
        message.Request.Uri.AppendQuery("visibilitytimeout", Seconds(visibilityTimeout));
        if (newMessageText is not null)
        {
            SetXml(message.Request, $"<QueueMessage><MessageText>{SecurityElement.Escape(newMessageText)}</MessageText></QueueMessage>");
        }

        var response = await SendAsync(message, cancellationToken);
        if (response.Status != 204)
        {
            throw StorageResponses.Failure(response, "update message");
        }

        response.Headers.TryGetValue("x-ms-popreceipt", out var newReceipt);
        response.Headers.TryGetValue("x-ms-time-next-visible", out var next);
        return new QueueMessageReceipt(messageId, newReceipt ?? "", ParseDate(next));
    }

    /// <summary>Approximate number of messages (visible and invisible); 0 for a missing queue.</summary>
    public virtual async Task<int> GetApproximateMessageCountAsync(string queue, CancellationToken cancellationToken = default)
    {
        using var message = CreateMessage(RequestMethod.Get, QueuePath(queue));
        message.Request.Uri.AppendQuery("comp", "metadata");
        var response = await SendAsync(message, cancellationToken);
        if (response.Status == 404)
        {
            return 0;
        }

        if (response.Status != 200)
        {
            throw StorageResponses.Failure(response, "get queue metadata");
        }

        return response.Headers.TryGetValue("x-ms-approximate-messages-count", out var c) ? int.Parse(c, CultureInfo.InvariantCulture) : 0;
    }

    /// <summary>Removes every message from a queue.</summary>
    public virtual async Task ClearMessagesAsync(string queue, CancellationToken cancellationToken = default)
    {
        using var message = CreateMessage(RequestMethod.Delete, QueuePath(queue) + "/messages");
        var response = await SendAsync(message, cancellationToken);
        if (response.Status is not (204 or 404))
        {
            throw StorageResponses.Failure(response, "clear messages");
        }
    }

    /// <summary>Decodes <c>MessageText</c> with the configured encoding; null when it is not valid base64.</summary>
    public BinaryData? Decode(string messageText)
    {
        ArgumentNullException.ThrowIfNull(messageText);
        if (_encoding == QueueMessageEncoding.None)
        {
            return BinaryData.FromString(messageText);
        }

        var buffer = new byte[messageText.Length];
        return Convert.TryFromBase64String(messageText, buffer, out var written) ? BinaryData.FromBytes(buffer.AsMemory(0, written)) : null;
    }

    private List<QueueMessage> ParseMessages(Response response)
    {
        var xml = XDocument.Parse(response.Content.ToString());
        var list = new List<QueueMessage>();
        foreach (var m in xml.Root?.Elements("QueueMessage") ?? [])
        {
            var text = m.Element("MessageText")?.Value ?? "";
            list.Add(new QueueMessage
            {
                MessageId = m.Element("MessageId")?.Value ?? "",
                PopReceipt = m.Element("PopReceipt")?.Value,
                DequeueCount = long.TryParse(m.Element("DequeueCount")?.Value, CultureInfo.InvariantCulture, out var dc) ? dc : 0,
                MessageText = text,
                Body = m.Element("MessageText") is null ? null : Decode(text),
                InsertedOn = ParseDate(m.Element("InsertionTime")?.Value),
                ExpiresOn = ParseDate(m.Element("ExpirationTime")?.Value),
                NextVisibleOn = ParseDate(m.Element("TimeNextVisible")?.Value),
            });
        }

        return list;
    }

    private static DateTimeOffset? ParseDate(string? value) =>
        DateTimeOffset.TryParse(value, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var d) ? d : null;

    private static string Seconds(TimeSpan t) => ((long)Math.Max(0, Math.Ceiling(t.TotalSeconds))).ToString(CultureInfo.InvariantCulture);

    private static string QueuePath(string queue)
    {
        if (!QueueNames.IsValid(queue))
        {
            throw new ArgumentException($"'{queue}' is not a valid queue name.", nameof(queue));
        }

        return "/" + queue;
    }

    private HttpMessage CreateMessage(RequestMethod method, string path)
    {
        var message = _pipeline.CreateMessage();
        var request = message.Request;
        request.Method = method;
        request.Uri.Reset(Endpoint);
        request.Uri.AppendPath(path, escape: false);
        request.Headers.SetValue("x-ms-version", _serviceVersion);
        return message;
    }

    private static void SetXml(Request request, string xml)
    {
        request.Headers.SetValue("Content-Type", "application/xml");
        request.Content = RequestContent.Create(Encoding.UTF8.GetBytes(xml));
    }

    private async Task<Response> SendAsync(HttpMessage message, CancellationToken cancellationToken)
    {
        await _pipeline.SendAsync(message, cancellationToken);
        return message.Response;
    }
}

/// <summary>Queue naming rules.</summary>
public static class QueueNames
{
    /// <summary>3–63 chars, lowercase letters, digits and single dashes, no leading/trailing dash.</summary>
    public static bool IsValid(string? name) =>
        name is { Length: >= 3 and <= 63 } &&
        char.IsAsciiLetterLower(name[0]) | char.IsAsciiDigit(name[0]) &&
        char.IsAsciiLetterLower(name[^1]) | char.IsAsciiDigit(name[^1]) &&
        !name.Contains("--", StringComparison.Ordinal) &&
        name.All(c => char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c == '-');

    /// <summary>The poison queue the Functions host uses; null when none can exist (name too long or already poison).</summary>
    public static string? PoisonQueueFor(string queue)
    {
        ArgumentNullException.ThrowIfNull(queue);
        if (queue.EndsWith("-poison", StringComparison.Ordinal))
        {
            return null;
        }

        var poison = queue + "-poison";
        return poison.Length <= 63 ? poison : null;
    }
}
