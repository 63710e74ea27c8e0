using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Azure.Storage.Queues;
using InternalApi.Core.Data;
using InternalApi.Core.Model;
using InternalApi.Core.Receive;
using InternalApi.Core.Storage;
using InternalApi.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace InternalApi.Tests.Receive;

/// <summary>No dispatcher: these tests read the <c>post-receive</c> queue themselves.</summary>
public sealed class ReceiveHookFixture : IsolatedAppFixture
{
    protected override IDictionary<string, string?> Settings => new Dictionary<string, string?> { ["Queues:DispatcherEnabled"] = "false" };
}

[CollectionDefinition("receive-hooks")]
public sealed class ReceiveHookCollection : ICollectionFixture<ReceiveHookFixture>;

[Collection("receive-hooks")]
public sealed class ReceiveHookTests(ReceiveHookFixture fixture)
{
    private static readonly string Zero = new('0', 40);
    private static readonly string A = new('a', 40);

    private StoreSet Stores => StoreSet.Of(fixture.App.Services);

    private ReferenceCounter Counter => fixture.App.Services.GetRequiredService<ReferenceCounter>();

    private async Task<JsonElement> PostAsync(string path, HttpContent content, HttpStatusCode expected = HttpStatusCode.OK)
    {
        using var request = fixture.App.ShellRequest(HttpMethod.Post, path, content);
        using var response = await fixture.App.Client.SendAsync(request);
        Assert.Equal(expected, response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        return JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.Clone();
    }

    private async Task<Project> ProjectAsync(string? defaultBranch = "main")
    {
        var id = TestIds.Next();
        await Stores.Namespaces.UpsertNamespaceAsync(new GitLabNamespace { Id = id, Name = "g", FullPath = "rg" + id, RootId = id });
        var project = new Project { Id = id, Name = "p", NamespaceId = id, FullPath = $"rg{id}/p", DefaultBranch = defaultBranch };
        await Stores.Projects.UpsertProjectAsync(project);
        return project;
    }

    [Fact]
    public async Task Concurrent_Pre_And_Post_Receive_Leave_The_Counter_At_Zero()
    {
        var repository = "project-" + TestIds.Next();
        var pre = await Task.WhenAll(Enumerable.Range(0, 64).Select(_ => PostAsync("/api/v4/internal/pre_receive", JsonContent.Create(new { gl_repository = repository }))));
        Assert.All(pre, body => Assert.True(body.GetProperty("reference_counter_increased").GetBoolean()));
        Assert.Equal(64, await Counter.GetAsync(repository));

        // 64 different pushes: identical calls would be one push retried (PostReceiveRetryTests).
        var post = await Task.WhenAll(Enumerable.Range(0, 64).Select(i => PostAsync("/api/v4/internal/post_receive", JsonContent.Create(new { gl_repository = repository, identifier = "user-1", changes = $"{Zero} {A} refs/heads/b{i}\n" }))));
        Assert.All(post, body => Assert.True(body.GetProperty("reference_counter_decreased").GetBoolean()));
        Assert.Equal(0, await Counter.GetAsync(repository));

        // One more post_receive never takes it below zero.
        await PostAsync("/api/v4/internal/post_receive", JsonContent.Create(new { gl_repository = repository }));
        Assert.Equal(0, await Counter.GetAsync(repository));
    }

    [Fact]
    public async Task An_Expired_Counter_Counts_As_Zero()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var counter = new ReferenceCounter(Stores.Tables, clock);
        var repository = "project-" + TestIds.Next();
        await counter.IncrementAsync(repository);
        await counter.IncrementAsync(repository);
        Assert.Equal(2, await counter.GetAsync(repository));
        clock.Advance(ReferenceCounter.Lifetime + TimeSpan.FromSeconds(1));
        Assert.Equal(0, await counter.GetAsync(repository));
        await counter.IncrementAsync(repository);
        Assert.Equal(1, await counter.GetAsync(repository));
    }

    [Fact]
    public async Task A_Count_In_The_Unsharded_Row_Still_Counts_And_Decrements()
    {
        // The counter once kept one row per repository under the empty row key: such a row is shard 0.
        var repository = "project-" + TestIds.Next();
        await Stores.Tables.ReferenceCounters.AddEntityAsync(new Azure.Data.Tables.TableEntity(TableKey.Encode(repository), "")
        {
            ["Count"] = 2L,
            ["ExpiresAt"] = DateTimeOffset.UtcNow + TimeSpan.FromMinutes(5),
        });
        Assert.Equal(2, await Counter.GetAsync(repository));
        Assert.True(await Counter.IncrementAsync(repository));
        Assert.Equal(3, await Counter.GetAsync(repository));
        for (var i = 0; i < 4; i++)
        {
            Assert.True(await Counter.DecrementAsync(repository));
        }

        Assert.Equal(0, await Counter.GetAsync(repository));
        var rows = Stores.Tables.ReferenceCounters.QueryAsync<Azure.Data.Tables.TableEntity>(Azure.Data.Tables.TableClient.CreateQueryFilter($"PartitionKey eq {TableKey.Encode(repository)}"));
        await foreach (var row in rows)
        {
            Assert.Equal(0, row.GetInt64("Count"));
        }
    }

    [Fact]
    public async Task Pre_Receive_Accepts_Form_Bodies_And_Unvalidated_Identifiers()
    {
        var body = await PostAsync("/api/v4/internal/pre_receive", new FormUrlEncodedContent(new Dictionary<string, string> { ["gl_repository"] = "not-even-a-repository" }));
        Assert.Equal("""{"reference_counter_increased":true}""", body.GetRawText());
        Assert.Equal(1, await Counter.GetAsync("not-even-a-repository"));
    }

    [Fact]
    public async Task Post_Receive_Enqueues_The_Job_And_Answers_Messages_In_Order()
    {
        var project = await ProjectAsync();
        var userId = TestIds.Next();
        await Stores.Users.UpsertUserAsync(new User { Id = userId, Username = "pusher" + userId, Name = "P" });
        await Stores.Messages.PutMessageAsync(MessageStore.CreatedMessageKey(userId, project.GlRepository), "created!");
        await Stores.Messages.PutMessageAsync(MessageStore.MovedMessageKey(userId, project.GlRepository), "moved!");
        await Stores.Broadcasts.UpsertBroadcastMessageAsync(new BroadcastMessage { Id = 900_000_000 + TestIds.Next() % 1000, Message = "Targeted banner", TargetPath = project.FullPath[..^1] + "*" });

        var changes = $"{Zero} {A} refs/heads/feature/x\n{A} {Zero} refs/heads/gone\n{Zero} {A} refs/tags/v1\n{A} {A} refs/heads/main\n";
        var body = await PostAsync("/api/v4/internal/post_receive", JsonContent.Create(new { gl_repository = project.GlRepository, identifier = $"user-{userId}", changes, push_options = new[] { "ci.skip" } }));

        var messages = body.GetProperty("messages").EnumerateArray().Select(m => (m.GetProperty("message").GetString(), m.GetProperty("type").GetString())).ToList();
        Assert.Equal(
            [
                ("Targeted banner", "alert"),
                ($"To create a merge request for feature/x, visit:\n  http://127.0.0.1:7071/{project.FullPath}/-/merge_requests/new?merge_request%5Bsource_branch%5D=feature%2Fx", "basic"),
                ("moved!", "basic"),
                ("created!", "basic"),
            ],
            messages);
        Assert.True(body.GetProperty("reference_counter_decreased").GetBoolean());

        // The stored messages are gone once delivered.
        body = await PostAsync("/api/v4/internal/post_receive", JsonContent.Create(new { gl_repository = project.GlRepository, identifier = $"user-{userId}", changes = "" }));
        Assert.Equal(["Targeted banner"], body.GetProperty("messages").EnumerateArray().Select(m => m.GetProperty("message").GetString()));

        var job = (await JobsForAsync(project.GlRepository)).Single(j => j.Changes.Length > 0);
        Assert.Equal($"user-{userId}", job.Identifier);
        Assert.Equal(changes, job.Changes);
        Assert.Equal(["ci.skip"], job.PushOptions);
    }

    [Fact]
    public async Task Messages_Keep_Quotes_And_Brackets_Unescaped_As_GitLab_Sends_Them()
    {
        var project = await ProjectAsync();
        await Stores.Broadcasts.UpsertBroadcastMessageAsync(new BroadcastMessage { Id = 800_000_000 + TestIds.Next() % 1000, Message = "Don't <panic> & push", TargetPath = project.FullPath });
        using var request = fixture.App.ShellRequest(HttpMethod.Post, "/api/v4/internal/post_receive", JsonContent.Create(new { gl_repository = project.GlRepository }));
        using var response = await fixture.App.Client.SendAsync(request);
        Assert.Contains("\"message\":\"Don't <panic> & push\"", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Post_Receive_Gives_No_Links_For_Empty_Repositories_Or_Unknown_Pushers()
    {
        var empty = await ProjectAsync(defaultBranch: null);
        var body = await PostAsync("/api/v4/internal/post_receive", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["gl_repository"] = empty.GlRepository, ["identifier"] = "user-999999999", ["changes"] = $"{Zero} {A} refs/heads/first\n",
        }));
        Assert.DoesNotContain(body.GetProperty("messages").EnumerateArray(), m => m.GetProperty("type").GetString() == "basic");
    }

    [Fact]
    public async Task Push_Option_Warnings_For_Non_Project_Repositories()
    {
        var project = await ProjectAsync();
        var body = await PostAsync("/api/v4/internal/post_receive", JsonContent.Create(new { gl_repository = "wiki-" + project.Id, identifier = "user-1", changes = "", push_options = new[] { "merge_request.create", "merge_request.target=main" } }));
        Assert.Contains(body.GetProperty("messages").EnumerateArray(), m =>
            m.GetProperty("type").GetString() == "alert" &&
            m.GetProperty("message").GetString() == "WARNINGS:\nError encountered with push options 'merge_request.create' 'merge_request.target=main': Push options are only supported for projects");
    }

    [Fact]
    public async Task Very_Large_Pushes_Are_Split_Into_Several_Jobs()
    {
        var project = await ProjectAsync();
        var lines = string.Concat(Enumerable.Range(0, 1500).Select(i => $"{Zero} {A} refs/heads/branch-{i:D5}\n"));
        await PostAsync("/api/v4/internal/post_receive", JsonContent.Create(new { gl_repository = project.GlRepository, identifier = "user-1", changes = lines }));
        var jobs = await JobsForAsync(project.GlRepository);

        Assert.True(jobs.Count > 1);
        Assert.Equal(1500, jobs.Sum(j => j.Changes.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length));
        Assert.Equal(jobs.Count, jobs.Select(j => j.JobId).Distinct().Count());
    }

    /// <summary>Drains the queue (tests of this collection run one at a time) and keeps one repository's jobs.</summary>
    internal static Task<List<PostReceiveJob>> JobsForAsync(ReceiveHookFixture fixture, string glRepository) => new ReceiveHookTests(fixture).JobsForAsync(glRepository);

    private async Task<List<PostReceiveJob>> JobsForAsync(string glRepository)
    {
        var queue = fixture.App.Services.GetRequiredService<QueueServiceClient>().GetQueueClient(PostReceiveService.QueueName);
        var jobs = new List<PostReceiveJob>();
        while (true)
        {
            var batch = (await queue.ReceiveMessagesAsync(32, TimeSpan.FromMinutes(5))).Value;
            if (batch.Length == 0)
            {
                return jobs;
            }

            jobs.AddRange(batch.Select(m => JsonSerializer.Deserialize(m.Body!.ToString(), ReceiveJsonContext.Default.PostReceiveJob)!).Where(j => j.GlRepository == glRepository));
        }
    }

    [Theory]
    [InlineData("/api/v4/internal/pre_receive")]
    [InlineData("/api/v4/internal/post_receive")]
    public async Task Receive_Hooks_Without_A_Jwt_Are_401(string path)
    {
        using var response = await fixture.App.Client.PostAsync(path, JsonContent.Create(new { gl_repository = "project-1" }));
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("""{"message":"401 Unauthorized"}""", await response.Content.ReadAsStringAsync());
    }
}
