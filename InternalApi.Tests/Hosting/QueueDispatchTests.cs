using System.Net;
using System.Text;
using System.Text.Json;
using InternalApi.Core.Storage;
using InternalApi.Functions.Functions;
using InternalApi.Functions.Hosting;
using InternalApi.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace InternalApi.Tests.Hosting;

[Collection(AppCollection.Name)]
public sealed class QueueDispatchTests(AppFixture fixture)
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(60);

    private QueueStorageClient Queues => fixture.App.Services.GetRequiredService<QueueStorageClient>();

    private QueueDispatchMonitor Monitor => fixture.App.Services.GetRequiredService<QueueDispatchMonitor>();

    [Fact]
    public async Task Standalone_Dispatcher_Runs_A_Queued_Message_And_Deletes_It()
    {
        await Queues.CreateQueueIfNotExistsAsync(Ping.QueueName);
        var id = Guid.NewGuid().ToString("N");
        var sent = await Queues.SendMessageAsync(Ping.QueueName, BinaryData.FromString($$"""{"id":"{{id}}"}"""));

        var outcome = await Monitor.WaitForAsync(o => o.MessageId == sent.MessageId, Wait);
        Assert.Equal(QueueDispatchStatus.Succeeded, outcome.Status);
        Assert.Equal(1, outcome.DequeueCount);
        Assert.DoesNotContain(await Queues.PeekMessagesAsync(Ping.QueueName, 32), m => m.MessageId == sent.MessageId);
        Assert.Empty(fixture.App.Logs.Problems(sent.MessageId));
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task A_Message_That_Always_Fails_Ends_In_The_Poison_Queue_After_MaxDequeueCount(bool validBase64)
    {
        await Queues.CreateQueueIfNotExistsAsync(Ping.QueueName);
        var marker = Guid.NewGuid().ToString("N");
        // Valid base64 of a non-ping body fails in the function; non-base64 text fails before it, as in the host.
        var text = validBase64 ? Convert.ToBase64String(Encoding.UTF8.GetBytes("not a ping " + marker)) : "not base64 " + marker;
        var sent = await Queues.SendMessageTextAsync(Ping.QueueName, text);

        var outcome = await Monitor.WaitForAsync(o => o.MessageId == sent.MessageId && o.Status == QueueDispatchStatus.Poisoned, Wait);
        Assert.Equal(5, outcome.DequeueCount);
        for (var attempt = 1; attempt < 5; attempt++)
        {
            var released = await Monitor.WaitForAsync(o => o.MessageId == sent.MessageId && o.DequeueCount == attempt, Wait);
            Assert.Equal(QueueDispatchStatus.Released, released.Status);
        }

        var poisoned = await Queues.PeekMessagesAsync("ping-poison", 32);
        Assert.Contains(poisoned, m => m.MessageText == text);
        Assert.DoesNotContain(await Queues.PeekMessagesAsync(Ping.QueueName, 32), m => m.MessageId == sent.MessageId);
    }

    [Fact]
    public async Task Host_Invocation_Runs_The_Function_And_Answers_The_Output_Envelope()
    {
        var payload = $$"""
        {
          "Data": { "message": "{\"id\":\"{{Guid.NewGuid():N}}\"}" },
          "Metadata": {
            "DequeueCount": 1,
            "ExpirationTime": "2026-11-29T08:34:54+00:00",
            "Id": "3a6cbf3c-1111-2222-3333-444455556666",
            "InsertionTime": "2026-11-22T08:34:54+00:00",
            "NextVisibleTime": "2026-11-22T08:44:55+00:00",
            "PopReceipt": "AgAAAAMAAAAAAAAA",
            "sys": { "MethodName": "Ping", "UtcNow": "2026-11-22T08:34:55Z", "RandGuid": "0f0e0d0c-0000-0000-0000-000000000000" }
          }
        }
        """;
        using var request = new HttpRequestMessage(HttpMethod.Post, "/Ping") { Content = new StringContent(payload, Encoding.UTF8, "application/json") };
        request.Headers.Add("X-Azure-Functions-InvocationId", Guid.NewGuid().ToString());
        using var response = await fixture.HostedApp.Client.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal(JsonValueKind.Object, json.RootElement.GetProperty("Outputs").ValueKind);
        Assert.Equal(0, json.RootElement.GetProperty("Logs").GetArrayLength());
        Assert.Equal(JsonValueKind.Null, json.RootElement.GetProperty("ReturnValue").ValueKind);
    }

    [Fact]
    public async Task Host_Invocation_Accepts_The_Trigger_Value_As_An_Object()
    {
        var payload = """{"Data":{"message":{"id":"as-object"}},"Metadata":{"DequeueCount":"2","Id":"x"}}""";
        using var response = await fixture.HostedApp.Client.PostAsync("/Ping", new StringContent(payload, Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task Host_Invocation_Failure_Is_Non_2xx_So_The_Host_Retries()
    {
        var payload = """{"Data":{"message":"not a ping"},"Metadata":{"DequeueCount":3,"Id":"failing-message"}}""";
        using var response = await fixture.HostedApp.Client.PostAsync("/Ping", new StringContent(payload, Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.InternalServerError, response.StatusCode);
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Contains("Ping failed", json.RootElement.GetProperty("Logs")[0].GetString(), StringComparison.Ordinal);
        Assert.Contains(fixture.HostedApp.Logs.Entries, e => e.EventId.Id == 2000 && e.Exception is not null);
    }

    [Theory]
    [InlineData("""{"Metadata":{}}""")]
    [InlineData("""{"Data":{"other":"x"}}""")]
    [InlineData("not json")]
    public async Task Host_Invocation_Without_The_Trigger_Value_Is_400(string payload)
    {
        using var response = await fixture.HostedApp.Client.PostAsync("/Ping", new StringContent(payload, Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }

    [Fact]
    public async Task Host_Mode_Answers_The_Readiness_Probe_And_Serves_Proxied_Http()
    {
        using var ready = await fixture.HostedApp.Client.GetAsync("/");
        Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
        using var request = fixture.HostedApp.ShellRequest(HttpMethod.Get, "/api/v4/internal/check");
        using var check = await fixture.HostedApp.Client.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, check.StatusCode);
    }
}
