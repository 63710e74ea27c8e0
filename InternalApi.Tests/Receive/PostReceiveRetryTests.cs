using System.Net;
using System.Net.Http.Json;
using InternalApi.Core.Data;
using InternalApi.Core.Model;
using InternalApi.Core.Receive;
using InternalApi.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace InternalApi.Tests.Receive;

/// <summary>
/// Gitaly sends a <c>post_receive</c> again, with the same body, when the first answer did not reach it (a 5xx, a
/// timeout): over HTTP, the retry gets the first answer and nothing is recorded, counted or delivered twice.
/// </summary>
[Collection("receive-hooks")]
public sealed class PostReceiveRetryTests(ReceiveHookFixture fixture)
{
    private static readonly string Zero = new('0', 40);
    private static readonly string C = new('c', 40);

    private StoreSet Stores => StoreSet.Of(fixture.App.Services);

    private ReferenceCounter Counter => fixture.App.Services.GetRequiredService<ReferenceCounter>();

    private async Task<string> PostAsync(string path, object body)
    {
        using var request = fixture.App.ShellRequest(HttpMethod.Post, path, JsonContent.Create(body));
        using var response = await fixture.App.Client.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await response.Content.ReadAsStringAsync();
    }

    private async Task<(Project Project, long UserId)> SeedAsync()
    {
        var id = TestIds.Next();
        await Stores.Namespaces.UpsertNamespaceAsync(new GitLabNamespace { Id = id, Name = "g", FullPath = "rr" + id, RootId = id });
        var project = new Project { Id = id, Name = "p", NamespaceId = id, FullPath = $"rr{id}/p", DefaultBranch = "main" };
        await Stores.Projects.UpsertProjectAsync(project);
        await Stores.Users.UpsertUserAsync(new User { Id = id, Username = "retry" + id, Name = "R" });
        await Stores.Messages.PutMessageAsync(MessageStore.CreatedMessageKey(id, project.GlRepository), "project created!");
        return (project, id);
    }

    [Fact]
    public async Task A_Retried_Post_Receive_Records_Counts_And_Notifies_Once()
    {
        var (project, userId) = await SeedAsync();
        await PostAsync("/api/v4/internal/pre_receive", new { gl_repository = project.GlRepository });
        await PostAsync("/api/v4/internal/pre_receive", new { gl_repository = project.GlRepository });
        var body = new { gl_repository = project.GlRepository, identifier = $"user-{userId}", changes = $"{Zero} {C} refs/heads/topic\n", push_options = new[] { "ci.skip" } };

        var first = await PostAsync("/api/v4/internal/post_receive", body);
        var retried = await PostAsync("/api/v4/internal/post_receive", body);

        // The same answer, byte for byte, although the stored message was taken by the first call.
        Assert.Contains("project created!", first, StringComparison.Ordinal);
        Assert.Equal(first, retried);

        // Counted once: the other push is still in flight.
        Assert.Equal(1, await Counter.GetAsync(project.GlRepository));

        // One job, so one push event per ref once the worker has run it.
        var job = Assert.Single(await ReceiveHookTests.JobsForAsync(fixture, project.GlRepository));
        var processor = fixture.App.Services.GetRequiredService<PostReceiveProcessor>();
        await processor.ProcessAsync(job, default);
        var events = await fixture.App.Services.GetRequiredService<PushHistory>().GetEventsAsync(project.Id);
        Assert.Single(events);
    }

    [Fact]
    public async Task Different_Pushes_Are_Not_Retries()
    {
        var (project, userId) = await SeedAsync();
        await PostAsync("/api/v4/internal/pre_receive", new { gl_repository = project.GlRepository });
        await PostAsync("/api/v4/internal/pre_receive", new { gl_repository = project.GlRepository });

        // Another pusher, other changes, other push options: each its own push.
        await PostAsync("/api/v4/internal/post_receive", new { gl_repository = project.GlRepository, identifier = $"user-{userId}", changes = $"{Zero} {C} refs/heads/one\n", push_options = Array.Empty<string>() });
        await PostAsync("/api/v4/internal/post_receive", new { gl_repository = project.GlRepository, identifier = $"user-{userId}", changes = $"{Zero} {C} refs/heads/one\n", push_options = new[] { "ci.skip" } });
        Assert.Equal(0, await Counter.GetAsync(project.GlRepository));
        Assert.Equal(2, (await ReceiveHookTests.JobsForAsync(fixture, project.GlRepository)).Count);
    }

    [Fact]
    public async Task A_Retry_Of_A_Call_That_Stopped_Before_Its_Answer_Neither_Enqueues_Nor_Decrements()
    {
        var (project, userId) = await SeedAsync();
        await PostAsync("/api/v4/internal/pre_receive", new { gl_repository = project.GlRepository });
        var changes = $"{Zero} {C} refs/heads/half\n";

        // What a first attempt leaves when it dies after its enqueue and claim: the row, no answer.
        var calls = fixture.App.Services.GetRequiredService<PostReceiveCalls>();
        var key = PostReceiveCalls.Key(project.GlRepository, $"user-{userId}", changes, []);
        await calls.ClaimAsync(project.GlRepository, key, DateTimeOffset.UtcNow, null, default);

        var retried = await PostAsync("/api/v4/internal/post_receive", new { gl_repository = project.GlRepository, identifier = $"user-{userId}", changes, push_options = Array.Empty<string>() });
        Assert.Contains("\"reference_counter_decreased\":true", retried, StringComparison.Ordinal);
        Assert.Equal(1, await Counter.GetAsync(project.GlRepository));
        Assert.Empty(await ReceiveHookTests.JobsForAsync(fixture, project.GlRepository));

        // Its answer is kept for the next retry.
        Assert.Equal(retried, await PostAsync("/api/v4/internal/post_receive", new { gl_repository = project.GlRepository, identifier = $"user-{userId}", changes, push_options = Array.Empty<string>() }));
    }

    [Fact]
    public void The_Key_Tells_Absent_From_Empty_And_Keeps_Parts_Apart()
    {
        Assert.NotEqual(PostReceiveCalls.Key("project-1", null, "", []), PostReceiveCalls.Key("project-1", "", "", []));
        Assert.NotEqual(PostReceiveCalls.Key("project-1", "ab", "c", []), PostReceiveCalls.Key("project-1", "a", "bc", []));
        Assert.NotEqual(PostReceiveCalls.Key("project-1", "a", "b", ["x", "y"]), PostReceiveCalls.Key("project-1", "a", "b", ["x\ny"]));
        Assert.Equal(PostReceiveCalls.Key("project-1", "a", "b", ["x"]), PostReceiveCalls.Key("project-1", "a", "b", ["x"]));
    }
}
