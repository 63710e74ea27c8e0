using Azure.Storage.Queues;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using InternalApi.Core.Model;
using InternalApi.Core.Receive;
using InternalApi.Core.Storage;
using InternalApi.Functions.Hosting;
using InternalApi.Functions.OpenApi;
using InternalApi.LocalHost.Queues;
using InternalApi.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace InternalApi.Tests.Receive;

/// <summary>The local host with its queue listener, on an Azurite of its own.</summary>
public sealed class ReceiveWorkerFixture : IsolatedAppFixture
{
}

[CollectionDefinition("receive-worker")]
public sealed class ReceiveWorkerCollection : ICollectionFixture<ReceiveWorkerFixture>;

[Collection("receive-worker")]
public sealed class PostReceiveWorkerTests(ReceiveWorkerFixture fixture)
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(60);
    private static readonly string Zero = new('0', 40);
    private static readonly string A = new('a', 40);
    private static readonly string B = new('b', 40);
    private static readonly string C = new('c', 40);

    private StoreSet Stores => StoreSet.Of(fixture.App.Services);

    private PostReceiveProcessor Processor => fixture.App.Services.GetRequiredService<PostReceiveProcessor>();

    private PushHistory History => fixture.App.Services.GetRequiredService<PushHistory>();

    private async Task<(Project Project, User User)> SeedAsync(string? defaultBranch = "main")
    {
        var id = TestIds.Next();
        await Stores.Namespaces.UpsertNamespaceAsync(new GitLabNamespace { Id = id, Name = "w", FullPath = "w" + id, RootId = id });
        var project = new Project { Id = id, Name = "p", NamespaceId = id, FullPath = $"w{id}/p", DefaultBranch = defaultBranch };
        await Stores.Projects.UpsertProjectAsync(project);
        var user = new User { Id = id, Username = "pusher" + id, Name = "Pusher" };
        await Stores.Users.UpsertUserAsync(user);
        return (project, user);
    }

    private static PostReceiveJob Job(Project project, User user, string changes, DateTimeOffset? at = null, params string[] options) => new()
    {
        JobId = Guid.NewGuid().ToString("N"),
        GlRepository = project.GlRepository,
        Identifier = "user-" + user.Id,
        Changes = changes,
        PushOptions = options,
        ReceivedAt = at ?? DateTimeOffset.UtcNow,
    };

    [Fact]
    public async Task Each_Change_Kind_Is_Recorded_And_Refs_Follow()
    {
        var (project, user) = await SeedAsync();
        var t0 = new DateTimeOffset(2026, 3, 2, 10, 0, 0, TimeSpan.Zero);
        await Processor.ProcessAsync(Job(project, user, $"{Zero} {A} refs/heads/feature\n{Zero} {A} refs/tags/v1\n{Zero} {A} refs/heads/doomed\n", t0), default);
        var outcome = await Processor.ProcessAsync(Job(project, user, $"{A} {B} refs/heads/feature\n{A} {Zero} refs/heads/doomed\n{A} {Zero} refs/tags/v1\n{Zero} {C} refs/notes/commits\nnonsense line\n", t0.AddMinutes(1)), default);

        Assert.Equal(["nonsense line"], outcome.Malformed);
        var events = await History.GetEventsAsync(project.Id);
        Assert.Equal(7, events.Count);
        // Newest first, then in change order within the job.
        Assert.Equal(["refs/heads/feature", "refs/heads/doomed", "refs/tags/v1", "refs/notes/commits"], events.Take(4).Select(e => e.Ref));
        Assert.Equal(["updated", "deleted", "deleted", "created"], events.Take(4).Select(e => e.Action));
        Assert.Equal(["branch", "branch", "tag", "other"], events.Take(4).Select(e => e.Kind));
        Assert.All(events, e => Assert.Equal(user.Id, e.UserId));

        var refs = await History.GetRefsAsync(project.Id);
        Assert.Equal([("refs/heads/feature", B)], refs.Select(r => (r.Ref, r.Sha)));
        Assert.Equal(["nonsense line"], (await History.GetJobAsync(outcome.JobId))!.Malformed);

        // The second push came a minute after the first: within GitLab's intervals, so the times stay (below).
        var updated = await Stores.Projects.GetProjectAsync(project.Id);
        Assert.Equal(t0, updated!.LastRepositoryUpdatedAt);
        Assert.Equal(t0, (await Stores.Users.GetUserAsync(user.Id))!.LastActivityAt);
    }

    [Fact]
    public async Task Activity_Times_Move_Forward_At_GitLabs_Intervals_Only()
    {
        var (project, user) = await SeedAsync();
        var t0 = new DateTimeOffset(2026, 3, 2, 10, 0, 0, TimeSpan.Zero);
        async Task<(DateTimeOffset? Activity, DateTimeOffset? RepositoryUpdated, DateTimeOffset? UserActivity)> PushAsync(DateTimeOffset at)
        {
            await Processor.ProcessAsync(Job(project, user, $"{Zero} {A} refs/heads/at-{at.UtcTicks}\n", at), default);
            var stored = (await Stores.Projects.GetProjectAsync(project.Id))!;
            return (stored.LastActivityAt, stored.LastRepositoryUpdatedAt, (await Stores.Users.GetUserAsync(user.Id))!.LastActivityAt);
        }

        Assert.Equal((t0, t0, t0), await PushAsync(t0));
        var rows = (await Stores.Tables.Projects.FindSpreadAsync(project.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)))!.ETag;

        // Within five minutes nothing moves, and neither row is written.
        Assert.Equal((t0, t0, t0), await PushAsync(t0.AddMinutes(4)));
        Assert.Equal(rows, (await Stores.Tables.Projects.FindSpreadAsync(project.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)))!.ETag);

        // Five minutes on, the repository's update time moves; the activity waits for the hour, the pusher's for the next
        // (UTC) day.
        Assert.Equal((t0, t0.AddMinutes(5), t0), await PushAsync(t0.AddMinutes(5)));
        Assert.Equal((t0.AddMinutes(61), t0.AddMinutes(61), t0), await PushAsync(t0.AddMinutes(61)));
        Assert.Equal((t0.AddHours(14), t0.AddHours(14), t0.AddHours(14)), await PushAsync(t0.AddHours(14)));

        // An older push delivered late moves nothing back.
        Assert.Equal((t0.AddHours(14), t0.AddHours(14), t0.AddHours(14)), await PushAsync(t0.AddDays(-3)));
    }

    [Fact]
    public async Task The_First_Push_To_An_Empty_Repository_Sets_The_Default_Branch()
    {
        var (project, user) = await SeedAsync(defaultBranch: null);
        await Processor.ProcessAsync(Job(project, user, $"{Zero} {A} refs/heads/topic\n{Zero} {A} refs/heads/main\n"), default);
        Assert.Equal("main", (await Stores.Projects.GetProjectAsync(project.Id))!.DefaultBranch);
    }

    [Fact]
    public async Task Processing_The_Same_Job_Twice_Gives_The_Same_State()
    {
        var (project, user) = await SeedAsync();
        var job = Job(project, user, $"{Zero} {A} refs/heads/one\n{Zero} {B} refs/heads/two\n", null, "ci.skip");
        await Processor.ProcessAsync(job, default);
        var events = await History.GetEventsAsync(project.Id);
        var refs = await History.GetRefsAsync(project.Id);
        await Processor.ProcessAsync(job, default);
        Assert.Equal(events, await History.GetEventsAsync(project.Id));
        Assert.Equal(refs, await History.GetRefsAsync(project.Id));
        Assert.All(events, e => Assert.True(e.CiSkip));
    }

    [Fact]
    public async Task A_Job_That_Fails_Half_Way_Then_Is_Redelivered_Ends_Like_A_Clean_Run()
    {
        var (project, user) = await SeedAsync();
        var job = Job(project, user, $"{Zero} {A} refs/heads/one\n{Zero} {B} refs/heads/two\n{Zero} {C} refs/tags/t\n");
        await Assert.ThrowsAsync<IOException>(() => Processor.ProcessAsync(job, default, i => i == 1 ? throw new IOException("storage went away") : Task.CompletedTask));
        Assert.Null(await History.GetJobAsync(job.JobId));

        await Processor.ProcessAsync(job, default);
        var events = await History.GetEventsAsync(project.Id);
        Assert.Equal(3, events.Count);
        Assert.Equal(3, (await History.GetRefsAsync(project.Id)).Count);
        await Processor.ProcessAsync(job, default);
        Assert.Equal(events, await History.GetEventsAsync(project.Id));
    }

    [Fact]
    public async Task An_Older_Job_Redelivered_Late_Does_Not_Move_Refs_Back()
    {
        var (project, user) = await SeedAsync();
        var now = DateTimeOffset.UtcNow;
        var older = Job(project, user, $"{Zero} {A} refs/heads/x\n", now.AddHours(-2));
        var newer = Job(project, user, $"{A} {Zero} refs/heads/x\n{Zero} {B} refs/heads/y\n", now);
        await Processor.ProcessAsync(older, default);
        await Processor.ProcessAsync(newer, default);
        await Processor.ProcessAsync(older, default);
        Assert.Equal([("refs/heads/y", B)], (await History.GetRefsAsync(project.Id)).Select(r => (r.Ref, r.Sha)));
        Assert.Equal(now, (await Stores.Projects.GetProjectAsync(project.Id))!.LastActivityAt);
    }

    [Fact]
    public async Task Merge_Request_Push_Options_Are_Recorded_And_Unknown_Ones_Warned()
    {
        var (project, user) = await SeedAsync();
        var outcome = await Processor.ProcessAsync(
            Job(project, user, $"{Zero} {A} refs/heads/feature\n{Zero} {A} refs/heads/main\n", null, "merge_request.create", "merge_request.target=main", "merge_request.title=Add it", "shiny.option"),
            default);
        var request = Assert.Single(await History.GetMergeRequestRequestsAsync(project.Id));
        Assert.Equal(("feature", "main", "Add it", (long?)user.Id), (request.SourceBranch, request.TargetBranch, request.Title, request.UserId));
        Assert.Equal(["unknown push option 'shiny.option' ignored"], outcome.Warnings);
    }

    [Fact]
    public async Task Unknown_Repository_Is_Never_Retryable()
    {
        var (project, user) = await SeedAsync();
        var job = Job(project, user, "") with { GlRepository = "project-999999999" };
        await Assert.ThrowsAsync<InvalidDataException>(() => Processor.ProcessAsync(job, default));
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Messages_That_Can_Never_Succeed_End_In_The_Poison_Queue(bool unknownRepository)
    {
        var queues = fixture.App.Services.GetRequiredService<QueueServiceClient>();
        var text = unknownRepository
            ? JsonSerializer.Serialize(new PostReceiveJob { JobId = Guid.NewGuid().ToString("N"), GlRepository = "project-999999998", ReceivedAt = DateTimeOffset.UtcNow }, ReceiveJsonContext.Default.PostReceiveJob)
            : "{\"not\":\"a job\"," + Guid.NewGuid().ToString("N") + "}";
        var sent = await queues.SendMessageAsync(PostReceiveService.QueueName, BinaryData.FromString(text));
        var monitor = fixture.App.Dispatches;
        var outcome = await monitor.WaitForAsync(o => o.MessageId == sent.MessageId && o.Status == QueueDispatchStatus.Poisoned, Wait);
        Assert.Equal(5, outcome.DequeueCount);
        var poisoned = await queues.PeekMessagesAsync("post-receive-poison", 32);
        Assert.Contains(poisoned, m => m.Body?.ToString() == text);
        Assert.Contains(fixture.App.Logs.Entries, e => e.Exception is InvalidDataException);
    }

    [Fact]
    public async Task The_Function_Processes_A_Job_Message_And_Fails_On_One_That_Cannot_Succeed()
    {
        var (project, user) = await SeedAsync();
        var job = Job(project, user, $"{Zero} {A} refs/heads/hosted\n");
        await fixture.App.InvokeQueueFunctionAsync("PostReceive", BinaryData.FromString(JsonSerializer.Serialize(job, ReceiveJsonContext.Default.PostReceiveJob)));
        Assert.Equal("refs/heads/hosted", Assert.Single(await History.GetEventsAsync(project.Id)).Ref);

        await AssertQueueFailure.ThrowsAsync<InvalidDataException>(() =>
            fixture.App.InvokeQueueFunctionAsync("PostReceive", BinaryData.FromString("{\"job_id\":\"x\",\"gl_repository\":\"project-999999997\"}"), "poisonous", 5));
    }

    [Fact]
    public async Task Post_Receive_Over_Http_Reaches_The_Worker_And_The_State_Is_Visible()
    {
        var (project, user) = await SeedAsync();
        using var request = fixture.App.ShellRequest(HttpMethod.Post, "/api/v4/internal/post_receive",
            new StringContent($$"""{"gl_repository":"{{project.GlRepository}}","identifier":"user-{{user.Id}}","changes":"{{Zero}} {{A}} refs/heads/e2e\n","push_options":[]}""", Encoding.UTF8, "application/json"));
        using var response = await fixture.App.Client.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);

        var monitor = fixture.App.Dispatches;
        var seen = new HashSet<string>();
        var deadline = DateTimeOffset.UtcNow + Wait;
        // The job writes its event and its refs one after the other: done when both are there.
        while ((await History.GetEventsAsync(project.Id)).Count == 0 || (await History.GetRefsAsync(project.Id)).Count == 0)
        {
            // Each processed post-receive message is a chance that ours is done: check after every one.
            var outcome = await monitor.WaitForAsync(o => o.FunctionName == "PostReceive" && o.Status == QueueDispatchStatus.Succeeded && !seen.Contains(o.MessageId), deadline - DateTimeOffset.UtcNow);
            seen.Add(outcome.MessageId);
        }

        Assert.Equal("refs/heads/e2e", Assert.Single(await History.GetEventsAsync(project.Id)).Ref);
        Assert.Equal([("refs/heads/e2e", A)], (await History.GetRefsAsync(project.Id)).Select(r => (r.Ref, r.Sha)));
    }
}
