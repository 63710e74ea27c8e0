using Azure.Core;
using Azure.Core.Pipeline;
using Azure.Data.Tables;
using Azure.Storage.Queues;
using InternalApi.Core;
using InternalApi.Core.Access;
using InternalApi.Core.Data;
using InternalApi.Core.Identity;
using InternalApi.Core.Model;
using InternalApi.Core.Receive;
using InternalApi.Core.Storage;
using InternalApi.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace InternalApi.Tests.Receive;

/// <summary>
/// <c>post_receive</c>'s order on the wire: its reads (repository, pusher, banners) go out while the job is being
/// enqueued, but nothing is written before the job is in the queue, so a failed enqueue leaves a retry safe. The
/// service is built over storage clients whose pipelines watch and hold requests, against the test Azurite.
/// </summary>
[Collection("receive-hooks")]
public sealed class PostReceiveOrderTests(ReceiveHookFixture fixture)
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(10);

    private StoreSet AppStores => StoreSet.Of(fixture.App.Services);

    [Fact]
    public async Task The_Reads_Go_Out_While_The_Job_Is_Being_Enqueued()
    {
        var (project, userId) = await SeedAsync();
        var tables = new Watch();
        var queue = new Watch();

        // The enqueue is held until a table read has gone out: a service that read only after it would never answer.
        queue.Before = async message =>
        {
            if (message.Request.Method == RequestMethod.Post)
            {
                await tables.FirstRead.Task.WaitAsync(Wait);
            }
        };
        var service = Service(tables, queue);

        var outcome = await service.HandleAsync(project.GlRepository, $"user-{userId}", "", [], default);

        Assert.Equal([new PostReceiveMessage("stored for the pusher", "basic")], outcome.Messages);
        Assert.True(outcome.ReferenceCounterDecreased);
        Assert.True(queue.Sent.Contains(RequestMethod.Post), "the job was enqueued");
    }

    [Fact]
    public async Task A_Failed_Enqueue_Writes_Nothing_And_Leaves_The_Messages_And_The_Counter()
    {
        var (project, userId) = await SeedAsync();
        var counter = fixture.App.Services.GetRequiredService<ReferenceCounter>();
        Assert.True(await counter.IncrementAsync(project.GlRepository));
        var tables = new Watch();
        var queue = new Watch { Before = message => message.Request.Method == RequestMethod.Post ? throw new IOException("the queue is gone") : Task.CompletedTask };
        var service = Service(tables, queue);

        await Assert.ThrowsAsync<IOException>(() => service.HandleAsync(project.GlRepository, $"user-{userId}", "", [], default));

        // Reads may have gone out; no write did, so the retry gets everything.
        Assert.All(tables.Sent, method => Assert.Equal(RequestMethod.Get, method));
        Assert.Equal(1, await counter.GetAsync(project.GlRepository));
        var retried = await Service(new Watch(), new Watch()).HandleAsync(project.GlRepository, $"user-{userId}", "", [], default);
        Assert.Equal([new PostReceiveMessage("stored for the pusher", "basic")], retried.Messages);
        Assert.True(retried.ReferenceCounterDecreased);
        Assert.Equal(0, await counter.GetAsync(project.GlRepository));
    }

    [Fact]
    public async Task The_Same_Call_After_The_Window_Is_A_New_Push()
    {
        var (project, userId) = await SeedAsync();
        var counter = fixture.App.Services.GetRequiredService<ReferenceCounter>();
        Assert.True(await counter.IncrementAsync(project.GlRepository));
        Assert.True(await counter.IncrementAsync(project.GlRepository));
        var clock = new ManualTimeProvider(DateTimeOffset.UtcNow);
        var changes = $"{new string('0', 40)} {new string('b', 40)} refs/heads/again\n";

        var first = await Service(new Watch(), new Watch(), clock).HandleAsync(project.GlRepository, $"user-{userId}", changes, [], default);
        clock.Advance(PostReceiveCalls.Window - TimeSpan.FromSeconds(1));
        var retried = await Service(new Watch(), new Watch(), clock).HandleAsync(project.GlRepository, $"user-{userId}", changes, [], default);
        Assert.Equal(first.Messages, retried.Messages);
        Assert.Equal(1, await counter.GetAsync(project.GlRepository));

        // Past the window the same body is another push: decremented, its messages built again (the stored one is gone).
        clock.Advance(TimeSpan.FromSeconds(2));
        var later = await Service(new Watch(), new Watch(), clock).HandleAsync(project.GlRepository, $"user-{userId}", changes, [], default);
        Assert.True(later.ReferenceCounterDecreased);
        Assert.DoesNotContain(new PostReceiveMessage("stored for the pusher", "basic"), later.Messages);
        Assert.Equal(0, await counter.GetAsync(project.GlRepository));
    }

    private async Task<(Project Project, long UserId)> SeedAsync()
    {
        var id = TestIds.Next();
        await AppStores.Namespaces.UpsertNamespaceAsync(new GitLabNamespace { Id = id, Name = "g", FullPath = "ro" + id, RootId = id });
        var project = new Project { Id = id, Name = "p", NamespaceId = id, FullPath = $"ro{id}/p", DefaultBranch = "main" };
        await AppStores.Projects.UpsertProjectAsync(project);
        await AppStores.Users.UpsertUserAsync(new User { Id = id, Username = "order" + id, Name = "O" });
        await AppStores.Messages.PutMessageAsync(MessageStore.CreatedMessageKey(id, project.GlRepository), "stored for the pusher");
        return (project, id);
    }

    /// <summary>A post-receive service like the app's, but over table and queue clients that go through the given watches.</summary>
    private PostReceiveService Service(Watch tables, Watch queue, TimeProvider? time = null)
    {
        time ??= TimeProvider.System;
        var services = fixture.App.Services;
        var tableOptions = new TableClientOptions();
        tableOptions.AddPolicy(tables, HttpPipelinePosition.PerCall);
        var gitLabTables = new GitLabTables(new TableServiceClient(fixture.Azurite.ConnectionString, tableOptions), services.GetRequiredService<IOptions<StorageOptions>>());
        var receiveTables = new ReceiveTables(new TableServiceClient(fixture.Azurite.ConnectionString, tableOptions), services.GetRequiredService<IOptions<StorageOptions>>());
        var queueOptions = new QueueClientOptions { MessageEncoding = QueueMessageEncoding.Base64 };
        queueOptions.AddPolicy(queue, HttpPipelinePosition.PerCall);
        var stores = StoreSet.Over(gitLabTables, TimeProvider.System);
        return new PostReceiveService(stores.Messages, stores.Broadcasts, new ReferenceCounter(gitLabTables, TimeProvider.System), new RepositoryResolver(stores.Projects), new ActorResolver(stores.Users, stores.Keys),
            new MergeRequestStore(receiveTables, TimeProvider.System), new PostReceiveCalls(receiveTables), new QueueServiceClient(fixture.Azurite.ConnectionString, queueOptions),
            services.GetRequiredService<IOptions<GitLabOptions>>(), time, services.GetRequiredService<ILogger<PostReceiveService>>());
    }

    /// <summary>Records each request as it leaves, marks the first read, and may hold or fail a request first.</summary>
    private sealed class Watch : HttpPipelinePolicy
    {
        private readonly List<RequestMethod> _sent = [];

        public Func<HttpMessage, Task> Before { get; set; } = _ => Task.CompletedTask;

        public TaskCompletionSource FirstRead { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        /// <summary>The method of each request sent, in order.</summary>
        public IReadOnlyList<RequestMethod> Sent
        {
            get
            {
                lock (_sent)
                {
                    return [.. _sent];
                }
            }
        }

        public override async ValueTask ProcessAsync(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline)
        {
            lock (_sent)
            {
                _sent.Add(message.Request.Method);
            }

            if (message.Request.Method == RequestMethod.Get)
            {
                FirstRead.TrySetResult();
            }

            await Before(message);
            await ProcessNextAsync(message, pipeline);
        }

        public override void Process(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline) =>
            throw new NotSupportedException("the service is asynchronous");
    }
}
