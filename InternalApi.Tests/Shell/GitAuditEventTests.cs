using System.Text.Json;
using Azure.Storage.Queues;
using InternalApi.Core.Audit;
using InternalApi.Core.Model;
using InternalApi.Functions.Hosting;
using InternalApi.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace InternalApi.Tests.Shell;

[Collection(ShellExtrasCollection.Name)]
public sealed class GitAuditEventTests(ShellExtrasFixture fixture)
{
    private const string Route = "/api/v4/internal/shellhorse/git_audit_event";

    private QueueClient Queue => fixture.App.Services.GetRequiredService<QueueServiceClient>().GetQueueClient(GitAuditEventService.QueueName);

    /// <summary>Takes every queued audit message (the dispatcher is off: the tests deliver them).</summary>
    private async Task<List<BinaryData>> TakeQueuedAsync()
    {
        var bodies = new List<BinaryData>();
        foreach (var message in (await Queue.ReceiveMessagesAsync(32)).Value)
        {
            bodies.Add(message.Body);
            await Queue.DeleteMessageAsync(message.MessageId, message.PopReceipt);
        }

        return bodies;
    }

    private async Task<(User User, SshKey Key, Project Project)> SeedAsync(AccessLevel level = AccessLevel.Developer)
    {
        var user = await fixture.UserAsync(twoFactor: false);
        return (user, await fixture.KeyAsync(user.Id), await fixture.ProjectAsync(user, level));
    }

    [Fact]
    public async Task An_Event_Is_Queued_And_Recorded_Once_However_Often_It_Is_Delivered()
    {
        var (user, key, project) = await SeedAsync();
        await TakeQueuedAsync();

        // As gitlab-shell sends it after a clone over SSH.
        var clone = $$"""{"action":"git-upload-pack","protocol":"ssh","gl_repository":"project-{{project.Id}}","username":"{{user.Username}}","key_id":{{key.Id}},"packfile_stats":{"wants":2},"check_ip":"150.168.0.1","changes":"_any"}""";
        Assert.Equal((200, """{"status":true,"message":{"protocol":"ssh","action":"git-upload-pack","verb":"clone"}}"""), await fixture.PostJsonAsync(Route, clone));
        fixture.Clock.Advance(TimeSpan.FromSeconds(1));
        var push = new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["action"] = "git-receive-pack", ["protocol"] = "ssh", ["gl_repository"] = $"project-{project.Id}", ["username"] = user.Username,
        });
        Assert.Equal((200, """{"status":true,"message":{"protocol":"ssh","action":"git-receive-pack","verb":"push"}}"""), await fixture.SendAsync(HttpMethod.Post, Route, push));

        var queued = await TakeQueuedAsync();
        Assert.Equal(2, queued.Count);
        foreach (var body in queued)
        {
            // Redelivery: the same message twice, and once more under another message id (a replayed poison message).
            await fixture.App.InvokeQueueFunctionAsync("GitAuditEvents", body, messageId: "m1", dequeueCount: 1);
            await fixture.App.InvokeQueueFunctionAsync("GitAuditEvents", body, messageId: "m1", dequeueCount: 2);
            await fixture.App.InvokeQueueFunctionAsync("GitAuditEvents", body, messageId: "m2");
        }

        var events = await fixture.App.Services.GetRequiredService<AuditEventStore>().ListAsync(project.Id, 10);
        Assert.Equal(["push", "clone"], events.Select(e => e.Verb));
        Assert.All(events, e => Assert.Equal((AuditEventStore.GitOperationEvent, user.Id, project.FullPath), (e.Name, e.UserId, e.ProjectPath)));
        Assert.Equal(("150.168.0.1", key.Id, "key"), (events[1].IpAddress, events[1].KeyId, events[1].KeyType));
        Assert.Null(events[0].KeyId);

        using var output = new StringWriter();
        Assert.Equal(0, await AuditEventsCommand.RunAsync(["--project", project.FullPath, "--limit", "1", "--AzureWebJobsStorage=" + fixture.Azurite.ConnectionString], output, TextWriter.Null));
        var lines = output.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(2, lines.Length);
        Assert.Contains($"push  git-receive-pack over ssh  by {user.Username} (user {user.Id})", lines[1], StringComparison.Ordinal);
        Assert.Equal(1, await AuditEventsCommand.RunAsync(["--project", "no/such-project", "--AzureWebJobsStorage=" + fixture.Azurite.ConnectionString], TextWriter.Null, TextWriter.Null));
        Assert.Equal(2, await AuditEventsCommand.RunAsync(["--limit", "0"], TextWriter.Null, TextWriter.Null));
    }

    [Theory]
    [InlineData(null, null, "pull")]
    [InlineData(2L, 2L, "pull")]
    [InlineData(null, 2L, "pull")]
    [InlineData(5L, null, "clone")]
    public void Upload_Pack_Is_A_Clone_Only_When_The_Client_Wanted_Objects_And_Had_None(long? wants, long? haves, string verb) =>
        Assert.Equal(verb, GitAuditEventService.Verb("git-upload-pack", wants, haves));

    [Fact]
    public async Task Refusals_Have_GitLabs_Status_And_Body()
    {
        var (user, _, project) = await SeedAsync();
        var (guest, _, guestProject) = await SeedAsync(AccessLevel.Guest);
        await TakeQueuedAsync();
        string Body(string action, string repository, string username) =>
            $$"""{"action":"{{action}}","protocol":"ssh","gl_repository":"{{repository}}","username":"{{username}}","changes":"_any"}""";

        Assert.Equal((400, """{"status":false,"message":"No valid action specified"}"""), await fixture.PostJsonAsync(Route, Body("git-upload-archive", $"project-{project.Id}", user.Username)));
        Assert.Equal((400, """{"error":"action is missing, protocol is missing, gl_repository is missing"}"""), await fixture.PostJsonAsync(Route, "{}"));
        Assert.Equal((400, """{"error":"packfile_stats[wants] is invalid"}"""), await fixture.PostJsonAsync(Route, """{"action":"git-upload-pack","protocol":"ssh","gl_repository":"project-1","packfile_stats":{"wants":"many"}}"""));
        Assert.Equal((404, """{"status":false,"message":"The project you were looking for could not be found or you don't have permission to view it."}"""), await fixture.PostJsonAsync(Route, Body("git-upload-pack", $"project-{TestIds.Next()}", user.Username)));
        Assert.Equal((401, """{"status":false,"message":"You are not allowed to download code from this project."}"""), await fixture.PostJsonAsync(Route, Body("git-upload-pack", $"project-{guestProject.Id}", guest.Username)));

        // An unknown user on a public project passes the access check as anonymous: nothing to record.
        var (owner, _, _) = await SeedAsync();
        var open = await fixture.ProjectAsync(owner, visibility: Visibility.Public);
        Assert.Equal((200, """{"status":false,"message":"No git audit event needed"}"""), await fixture.PostJsonAsync(Route, Body("git-upload-pack", $"project-{open.Id}", "nobody-" + TestIds.Next())));

        // With audit events off (GitLab CE, and this app's default) nothing is recorded either.
        Assert.Equal((200, """{"status":false,"message":"No git audit event needed"}"""), await fixture.PostJsonAsync(Route, Body("git-upload-pack", $"project-{project.Id}", user.Username), fixture.OffApp));
        Assert.Empty(await TakeQueuedAsync());
    }

    [Fact]
    public async Task Allowed_Asks_For_An_Audit_Only_For_Human_Users_When_Enabled()
    {
        var (user, key, project) = await SeedAsync();
        var deployKey = await fixture.KeyAsync(null, SshKeyKind.Deploy);
        await fixture.Stores.Keys.UpsertDeployKeyProjectAsync(new DeployKeyProject(deployKey.Id, project.Id, false));
        async Task<bool> NeedAuditAsync(SshKey actor, TestApp? app = null)
        {
            var (status, body) = await fixture.PostJsonAsync("/api/v4/internal/allowed", $$"""{"action":"git-upload-pack","protocol":"ssh","key_id":"{{actor.Id}}","project":"{{project.FullPath}}","changes":"_any"}""", app);
            Assert.Equal(200, status);
            return JsonDocument.Parse(body).RootElement.GetProperty("need_audit").GetBoolean();
        }

        Assert.True(await NeedAuditAsync(key));
        Assert.False(await NeedAuditAsync(deployKey));
        Assert.False(await NeedAuditAsync(key, fixture.OffApp));
    }
}
