using Azure.Storage.Queues;
using InternalApi.Core.Storage;
using InternalApi.Tool;
using InternalApi.Tests.Infrastructure;

namespace InternalApi.Tests.Tool;

[Collection(AppCollection.Name)]
public sealed class QueueCommandTests(AppFixture fixture)
{
    private string StorageArg => "--AzureWebJobsStorage=" + fixture.Azurite.ConnectionString;

    [Fact]
    public async Task Replay_Moves_Poison_Messages_Back_Unchanged()
    {
        var queues = new QueueServiceClient(fixture.Azurite.ConnectionString, new QueueClientOptions { MessageEncoding = QueueMessageEncoding.None });
        var name = "replay" + Guid.NewGuid().ToString("N")[..12];
        // Raw message text: one that is base64 (as the app sends) and one that is not (as a foreign producer might).
        await queues.SendMessageAsync(name + "-poison", BinaryData.FromString("first & <one>"));
        await queues.SendMessageAsync(name + "-poison", BinaryData.FromString("c2Vjb25k"));

        using var output = new StringWriter();
        using var error = new StringWriter();
        Assert.Equal(0, await QueueCommand.RunAsync(["replay", name + "-poison", StorageArg], output, error));
        Assert.Contains("replayed 2 message(s)", output.ToString(), StringComparison.Ordinal);

        Assert.Empty(await queues.PeekMessagesAsync(name + "-poison", 32));
        var back = await queues.PeekMessagesAsync(name, 32);
        Assert.Equal(["c2Vjb25k", "first & <one>"], back.Select(m => m.Body.ToString()).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task Replay_Respects_Max()
    {
        var queues = new QueueServiceClient(fixture.Azurite.ConnectionString, new QueueClientOptions { MessageEncoding = QueueMessageEncoding.None });
        var name = "replay" + Guid.NewGuid().ToString("N")[..12];
        for (var i = 0; i < 3; i++)
        {
            await queues.SendMessageAsync(name + "-poison", BinaryData.FromString("m" + i));
        }

        using var output = new StringWriter();
        Assert.Equal(0, await QueueCommand.RunAsync(["replay", name + "-poison", "--max", "2", StorageArg], output, TextWriter.Null));
        Assert.Equal(2, (await queues.PeekMessagesAsync(name, 32)).Length);
        Assert.Single(await queues.PeekMessagesAsync(name + "-poison", 32));
    }

    [Fact]
    public async Task List_And_Peek_Show_The_Queues()
    {
        var queues = new QueueServiceClient(fixture.Azurite.ConnectionString, new QueueClientOptions { MessageEncoding = QueueMessageEncoding.None });
        var name = "peek" + Guid.NewGuid().ToString("N")[..12];
        await queues.SendMessageAsync(name, BinaryData.FromString(Convert.ToBase64String("""{"id":"visible"}"""u8)));

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
