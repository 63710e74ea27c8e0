using Azure;
using InternalApi.Core.Storage;
using InternalApi.Tests.Infrastructure;

namespace InternalApi.Tests.Storage;

[Collection(StorageCollection.Name)]
public sealed class QueueStorageClientTests(StorageFixture fixture)
{
    private readonly QueueStorageClient _queues = fixture.Queues;

    private static string NewQueue() => "q-" + Guid.NewGuid().ToString("N")[..20];

    [Fact]
    public async Task Send_Encodes_Base64_And_Receive_Decodes_It()
    {
        var queue = NewQueue();
        Assert.True(await _queues.CreateQueueIfNotExistsAsync(queue));
        Assert.False(await _queues.CreateQueueIfNotExistsAsync(queue));
        var body = """{"text":"<xml> & ünïcode"}""";
        await _queues.SendMessageAsync(queue, BinaryData.FromString(body));

        var peeked = Assert.Single(await _queues.PeekMessagesAsync(queue, 5));
        Assert.Equal(Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes(body)), peeked.MessageText);
        Assert.Equal(0, peeked.DequeueCount);

        var received = Assert.Single(await _queues.ReceiveMessagesAsync(queue, 5, TimeSpan.FromMinutes(1)));
        Assert.Equal(body, received.Body!.ToString());
        Assert.Equal(1, received.DequeueCount);
        Assert.NotNull(received.PopReceipt);
        Assert.Empty(await _queues.ReceiveMessagesAsync(queue, 5, TimeSpan.FromMinutes(1)));
    }

    [Fact]
    public async Task Update_Visibility_Releases_The_Message_And_Dequeue_Count_Grows()
    {
        var queue = NewQueue();
        await _queues.CreateQueueIfNotExistsAsync(queue);
        await _queues.SendMessageAsync(queue, BinaryData.FromString("{}"));
        var first = Assert.Single(await _queues.ReceiveMessagesAsync(queue, 1, TimeSpan.FromMinutes(5)));
        var receipt = await _queues.UpdateMessageAsync(queue, first.MessageId, first.PopReceipt!, TimeSpan.Zero);
        Assert.NotEqual(first.PopReceipt, receipt.PopReceipt);

        var again = Assert.Single(await _queues.ReceiveMessagesAsync(queue, 1, TimeSpan.FromMinutes(5)));
        Assert.Equal(first.MessageId, again.MessageId);
        Assert.Equal(2, again.DequeueCount);

        var stale = await Assert.ThrowsAsync<RequestFailedException>(() => _queues.DeleteMessageAsync(queue, first.MessageId, first.PopReceipt!));
        Assert.Equal(400, stale.Status);
        Assert.Equal(StorageErrorCodes.PopReceiptMismatch, stale.ErrorCode);
        Assert.True(await _queues.DeleteMessageAsync(queue, again.MessageId, again.PopReceipt!));
        Assert.Equal(0, await _queues.GetApproximateMessageCountAsync(queue));
    }

    [Fact]
    public async Task Update_Can_Replace_The_Text()
    {
        var queue = NewQueue();
        await _queues.CreateQueueIfNotExistsAsync(queue);
        await _queues.SendMessageTextAsync(queue, "old");
        var m = Assert.Single(await _queues.ReceiveMessagesAsync(queue, 1, TimeSpan.FromMinutes(5)));
        await _queues.UpdateMessageAsync(queue, m.MessageId, m.PopReceipt!, TimeSpan.Zero, "new & <improved>");
        Assert.Equal("new & <improved>", Assert.Single(await _queues.PeekMessagesAsync(queue)).MessageText);
    }

    [Fact]
    public async Task Non_Base64_Text_Is_Received_With_No_Body()
    {
        var queue = NewQueue();
        await _queues.CreateQueueIfNotExistsAsync(queue);
        await _queues.SendMessageTextAsync(queue, "not base64 {!}");
        var m = Assert.Single(await _queues.ReceiveMessagesAsync(queue, 1, TimeSpan.FromMinutes(1)));
        Assert.Equal("not base64 {!}", m.MessageText);
        Assert.Null(m.Body);
    }

    [Fact]
    public async Task Oversized_Message_Is_413()
    {
        var queue = NewQueue();
        await _queues.CreateQueueIfNotExistsAsync(queue);
        var ex = await Assert.ThrowsAsync<RequestFailedException>(() => _queues.SendMessageTextAsync(queue, new string('a', 65_537)));
        Assert.Equal(413, ex.Status);
    }

    [Fact]
    public async Task Missing_Queue_Answers_404_On_Receive_And_Zero_Count()
    {
        var queue = NewQueue();
        var ex = await Assert.ThrowsAsync<RequestFailedException>(() => _queues.ReceiveMessagesAsync(queue));
        Assert.Equal(404, ex.Status);
        Assert.Equal(StorageErrorCodes.QueueNotFound, ex.ErrorCode);
        Assert.Equal(0, await _queues.GetApproximateMessageCountAsync(queue));
        Assert.Empty(await _queues.PeekMessagesAsync(queue));
    }

    [Fact]
    public async Task Clear_And_Delete_Queue()
    {
        var queue = NewQueue();
        await _queues.CreateQueueIfNotExistsAsync(queue);
        await _queues.SendMessageAsync(queue, BinaryData.FromString("1"));
        await _queues.SendMessageAsync(queue, BinaryData.FromString("2"));
        Assert.Equal(2, await _queues.GetApproximateMessageCountAsync(queue));
        await _queues.ClearMessagesAsync(queue);
        Assert.Empty(await _queues.PeekMessagesAsync(queue, 32));
        Assert.True(await _queues.DeleteQueueAsync(queue));
        Assert.False(await _queues.DeleteQueueAsync(queue));
    }

    [Theory]
    [InlineData("ab", false)]
    [InlineData("a--b", false)]
    [InlineData("-ab", false)]
    [InlineData("abc-", false)]
    [InlineData("ABC", false)]
    [InlineData("post-receive", true)]
    [InlineData("usage-metrics-poison", true)]
    public void Queue_Names_Follow_The_Service_Rules(string name, bool valid) => Assert.Equal(valid, QueueNames.IsValid(name));

    [Fact]
    public void Poison_Queue_Name_Matches_The_Host()
    {
        Assert.Equal("post-receive-poison", QueueNames.PoisonQueueFor("post-receive"));
        Assert.Null(QueueNames.PoisonQueueFor("post-receive-poison"));
        Assert.Null(QueueNames.PoisonQueueFor(new string('a', 60)));
    }
}
