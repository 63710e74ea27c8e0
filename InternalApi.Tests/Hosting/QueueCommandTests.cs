using InternalApi.Core.Storage;
using InternalApi.Functions.Hosting;
using InternalApi.Tests.Infrastructure;

namespace InternalApi.Tests.Hosting;

[Collection(AppCollection.Name)]
public sealed class QueueCommandTests(AppFixture fixture)
{
    private string StorageArg => "--Storage:ConnectionString=" + fixture.Azurite.ConnectionString;

    [Fact]
    public async Task Replay_Moves_Poison_Messages_Back_Unchanged()
    {
        var queues = new QueueStorageClient(fixture.Azurite.ConnectionString);
        var name = "replay" + Guid.NewGuid().ToString("N")[..12];
        await queues.CreateQueueIfNotExistsAsync(name + "-poison");
        await queues.SendMessageTextAsync(name + "-poison", "first & <one>");
        await queues.SendMessageTextAsync(name + "-poison", "c2Vjb25k");

        using var output = new StringWriter();
        using var error = new StringWriter();
        Assert.Equal(0, await QueueCommand.RunAsync(["replay", name + "-poison", StorageArg], output, error));
        Assert.Contains("replayed 2 message(s)", output.ToString(), StringComparison.Ordinal);

        Assert.Empty(await queues.PeekMessagesAsync(name + "-poison", 32));
        var back = await queues.PeekMessagesAsync(name, 32);
        Assert.Equal(["c2Vjb25k", "first & <one>"], back.Select(m => m.MessageText).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task Replay_Respects_Max()
    {
        var queues = new QueueStorageClient(fixture.Azurite.ConnectionString);
        var name = "replay" + Guid.NewGuid().ToString("N")[..12];
        await queues.CreateQueueIfNotExistsAsync(name + "-poison");
        for (var i = 0; i < 3; i++)
        {
            await queues.SendMessageTextAsync(name + "-poison", "m" + i);
        }

        using var output = new StringWriter();
        Assert.Equal(0, await QueueCommand.RunAsync(["replay", name + "-poison", "--max", "2", StorageArg], output, TextWriter.Null));
        Assert.Equal(2, (await queues.PeekMessagesAsync(name, 32)).Count);
        Assert.Single(await queues.PeekMessagesAsync(name + "-poison", 32));
    }

    [Fact]
    public async Task List_And_Peek_Show_The_Queues()
    {
        var queues = new QueueStorageClient(fixture.Azurite.ConnectionString);
        var name = "peek" + Guid.NewGuid().ToString("N")[..12];
        await queues.CreateQueueIfNotExistsAsync(name);
        await queues.SendMessageAsync(name, BinaryData.FromString("""{"id":"visible"}"""));

        using var peek = new StringWriter();
        Assert.Equal(0, await QueueCommand.RunAsync(["peek", name, StorageArg], peek, TextWriter.Null));
        Assert.Contains("""{"id":"visible"}""", peek.ToString(), StringComparison.Ordinal);

        using var list = new StringWriter();
        Assert.Equal(0, await QueueCommand.RunAsync(["list", StorageArg], list, TextWriter.Null));
        Assert.Contains("ping-poison", list.ToString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("replay", "ping")]
    [InlineData("peek", "Bad_Name")]
    [InlineData("nonsense", "x")]
    public async Task Bad_Usage_Is_Exit_Code_2(string verb, string queue)
    {
        using var error = new StringWriter();
        Assert.Equal(2, await QueueCommand.RunAsync([verb, queue, StorageArg], TextWriter.Null, error));
        Assert.Contains("usage:", error.ToString(), StringComparison.Ordinal);
    }
}
