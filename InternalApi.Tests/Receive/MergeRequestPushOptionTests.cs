using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Azure.Data.Tables;
using Azure.Storage.Queues;
using InternalApi.Core;
using InternalApi.Core.Access;
using InternalApi.Core.Identity;
using InternalApi.Core.Model;
using InternalApi.Core.Receive;
using InternalApi.Core.Storage;
using InternalApi.Tests.Infrastructure;
using InternalApi.Tests.Shell;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace InternalApi.Tests.Receive;

/// <summary><c>merge_request.create</c> on <c>/post_receive</c>: the merge request exists by the time the hook answers.</summary>
[Collection("receive-hooks")]
public sealed class MergeRequestPushOptionTests(ReceiveHookFixture fixture)
{
    private const string Url = "http://127.0.0.1:7071";
    private static readonly string Zero = new('0', 40);
    private static readonly string A = new('a', 40);
    private static readonly string B = new('b', 40);

    private StoreSet Stores => StoreSet.Of(fixture.App.Services);

    private MergeRequestStore MergeRequests => fixture.App.Services.GetRequiredService<MergeRequestStore>();

    private async Task<(Project Project, User User)> SeedAsync(bool printLink = true)
    {
        var id = TestIds.Next();
        await Stores.Namespaces.UpsertNamespaceAsync(new GitLabNamespace { Id = id, Name = "m", FullPath = "mr" + id, RootId = id });
        var project = new Project { Id = id, Name = "p", NamespaceId = id, FullPath = $"mr{id}/p", DefaultBranch = "main", PrintMergeRequestLink = printLink };
        await Stores.Projects.UpsertProjectAsync(project);
        var user = new User { Id = id, Username = "pusher" + id, Name = "Pusher" };
        await Stores.Users.UpsertUserAsync(user);
        return (project, user);
    }

    private async Task<List<(string? Message, string? Type)>> PostReceiveAsync(Project project, string identifier, string changes, params string[] pushOptions)
    {
        using var request = fixture.App.ShellRequest(HttpMethod.Post, "/api/v4/internal/post_receive",
            JsonContent.Create(new { gl_repository = project.GlRepository, identifier, changes, push_options = pushOptions }));
        using var response = await fixture.App.Client.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        return [.. body.GetProperty("messages").EnumerateArray().Select(m => (m.GetProperty("message").GetString(), m.GetProperty("type").GetString()))];
    }

    private static string Push(params string[] branches) => string.Concat(branches.Select(b => $"{Zero} {A} refs/heads/{b}\n"));

    private static (string, string) View(Project project, string branch, long iid) =>
        ($"View merge request for {branch}:\n  {Url}/{project.FullPath}/-/merge_requests/{iid}", "basic");

    private static (string, string) Create(Project project, string branch) =>
        ($"To create a merge request for {branch}, visit:\n  {Url}/{project.FullPath}/-/merge_requests/new?merge_request%5Bsource_branch%5D={Uri.EscapeDataString(branch)}", "basic");

    [Fact]
    public async Task Merge_Request_Create_Answers_The_View_Link_Of_The_New_Merge_Request()
    {
        var (project, user) = await SeedAsync();
        var before = fixture.App.Logs.Problems().Count();

        Assert.Equal([View(project, "feature/x", 1)], await PostReceiveAsync(project, $"user-{user.Id}", Push("feature/x"), "merge_request.create"));
        Assert.Equal([View(project, "second", 2)], await PostReceiveAsync(project, $"user-{user.Id}", Push("second"), "merge_request.create"));

        var created = await MergeRequests.ListAsync(project.Id);
        Assert.Equal([(1L, "feature/x"), (2L, "second")], created.Select(m => (m.Iid, m.SourceBranch)));
        var first = created[0];
        Assert.Equal(("main", "feature/x", user.Id, MergeRequest.Opened), (first.TargetBranch, first.Title, first.AuthorId, first.State));
        Assert.Equal(before, fixture.App.Logs.Problems().Count());
    }

    [Fact]
    public async Task Later_Pushes_To_The_Branch_Answer_The_Same_Merge_Request_With_Or_Without_The_Option()
    {
        var (project, user) = await SeedAsync();
        await PostReceiveAsync(project, $"user-{user.Id}", Push("topic"), "merge_request.create");

        var update = $"{A} {B} refs/heads/topic\n";
        Assert.Equal([View(project, "topic", 1)], await PostReceiveAsync(project, $"user-{user.Id}", update, "merge_request.create"));
        Assert.Equal([View(project, "topic", 1)], await PostReceiveAsync(project, $"user-{user.Id}", update));

        // A branch without an open merge request keeps the generic link.
        Assert.Equal([View(project, "topic", 1), Create(project, "other")], await PostReceiveAsync(project, $"user-{user.Id}", update + Push("other")));
        Assert.Single(await MergeRequests.ListAsync(project.Id));
    }

    [Fact]
    public async Task A_Retried_Post_Receive_Creates_No_Second_Merge_Request()
    {
        var (project, user) = await SeedAsync();
        var changes = Push("retry");
        var first = await PostReceiveAsync(project, $"user-{user.Id}", changes, "merge_request.create");
        var retried = await PostReceiveAsync(project, $"user-{user.Id}", changes, "merge_request.create");

        Assert.Equal([View(project, "retry", 1)], first);
        Assert.Equal(first, retried);
        Assert.Single(await MergeRequests.ListAsync(project.Id));
    }

    [Fact]
    public async Task Concurrent_Pushes_Of_Different_Branches_Get_Distinct_Iids()
    {
        var (project, user) = await SeedAsync();
        var answers = await Task.WhenAll(Enumerable.Range(0, 16).Select(i => PostReceiveAsync(project, $"user-{user.Id}", Push($"b{i}"), "merge_request.create")));

        var iids = answers.Select(a => long.Parse(Assert.Single(a).Message![(a[0].Message!.LastIndexOf('/') + 1)..], System.Globalization.CultureInfo.InvariantCulture)).ToList();
        Assert.Equal(Enumerable.Range(1, 16).Select(i => (long)i), iids.Order());
        var stored = await MergeRequests.ListAsync(project.Id);
        Assert.Equal(Enumerable.Range(1, 16).Select(i => (long)i), stored.Select(m => m.Iid));
        Assert.Equal(16, stored.Select(m => m.SourceBranch).Distinct().Count());
    }

    [Fact]
    public async Task Concurrent_Retries_For_One_Branch_Create_One_Merge_Request()
    {
        var (project, user) = await SeedAsync();
        var answers = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => PostReceiveAsync(project, $"user-{user.Id}", Push("race"), "merge_request.create")));

        Assert.All(answers, a => Assert.Equal([View(project, "race", 1)], a));
        Assert.Equal([1L], (await MergeRequests.ListAsync(project.Id)).Select(m => m.Iid));
    }

    [Fact]
    public async Task Target_Title_And_Description_Options_Are_Honoured()
    {
        var (project, user) = await SeedAsync();
        var messages = await PostReceiveAsync(project, $"user-{user.Id}", Push("develop", "feature"),
            "merge_request.create", "merge_request.target=develop", "merge_request.title=Add the feature", "merge_request.description=line one\\nline two");

        // The target branch itself is not a source: it keeps the generic link and gets no merge request.
        Assert.Equal([Create(project, "develop"), View(project, "feature", 1)], messages);
        var created = Assert.Single(await MergeRequests.ListAsync(project.Id));
        Assert.Equal(("feature", "develop", "Add the feature", "line one\nline two"), (created.SourceBranch, created.TargetBranch, created.Title, created.Description));
    }

    [Fact]
    public async Task Tags_Deletions_And_The_Default_Branch_Get_No_Merge_Request()
    {
        var (project, user) = await SeedAsync();
        var changes = $"{Zero} {A} refs/tags/v1\n{A} {Zero} refs/heads/gone\n{A} {B} refs/heads/main\n";
        Assert.Empty(await PostReceiveAsync(project, $"user-{user.Id}", changes, "merge_request.create"));
        Assert.Empty(await MergeRequests.ListAsync(project.Id));
    }

    [Fact]
    public async Task Deploy_Keys_And_Unknown_Pushers_Keep_The_Generic_Link_And_Create_Nothing()
    {
        var (project, user) = await SeedAsync();
        var blob = TestKeys.Ed25519Blob();
        var key = new SshKey { Id = TestIds.Next(), Kind = SshKeyKind.Deploy, UserId = user.Id, Title = "deploy", KeyType = "ssh-ed25519", Blob = blob, Fingerprint = SshKey.FingerprintOf(blob)!, CreatedAt = DateTimeOffset.UtcNow };
        await Stores.Keys.UpsertKeyAsync(key);
        await Stores.Keys.UpsertDeployKeyProjectAsync(new DeployKeyProject(key.Id, project.Id, true));

        Assert.Equal([Create(project, "deployed")], await PostReceiveAsync(project, $"key-{key.Id}", Push("deployed"), "merge_request.create"));
        Assert.Equal([Create(project, "anonymous")], await PostReceiveAsync(project, "user-999999999", Push("anonymous"), "merge_request.create"));
        Assert.Empty(await MergeRequests.ListAsync(project.Id));
    }

    [Fact]
    public async Task More_Branches_Than_GitLab_Allows_Create_Nothing_And_Warn()
    {
        var (project, user) = await SeedAsync();
        var branches = Enumerable.Range(0, PostReceiveService.MaxMergeRequestBranches + 1).Select(i => $"many-{i}").ToArray();
        var messages = await PostReceiveAsync(project, $"user-{user.Id}", Push(branches), "merge_request.create", "ci.skip");

        Assert.Equal(("WARNINGS:\nError encountered with push options 'merge_request.create' 'ci.skip': Too many branches pushed (11 were pushed, limit is 10)", "alert"), messages[0]);
        Assert.Equal(branches.Select(b => Create(project, b)), messages.Skip(1).Select(m => (m.Message!, m.Type!)));
        Assert.Empty(await MergeRequests.ListAsync(project.Id));
    }

    [Fact]
    public async Task The_Merge_Request_Is_Created_Even_When_Links_Are_Not_Printed()
    {
        var (project, user) = await SeedAsync(printLink: false);
        Assert.Empty(await PostReceiveAsync(project, $"user-{user.Id}", Push("quiet"), "merge_request.create"));
        Assert.Equal(["quiet"], (await MergeRequests.ListAsync(project.Id)).Select(m => m.SourceBranch));
        Assert.Equal(1, (await MergeRequests.FindOpenAsync(project.Id, "quiet"))?.Iid);
    }

    [Fact]
    public async Task A_Storage_Failure_While_Creating_Falls_Back_To_The_Generic_Link()
    {
        var (project, user) = await SeedAsync();
        var services = fixture.App.Services;

        // Merge requests on a table endpoint that refuses connections; everything else is the app's.
        var unreachable = new TableServiceClient(new Uri("http://127.0.0.1:1/devstoreaccount1"), new TableSharedKeyCredential("devstoreaccount1", Convert.ToBase64String(new byte[64])), new TableClientOptions { Retry = { MaxRetries = 0 } });
        var broken = new MergeRequestStore(new ReceiveTables(unreachable, Options.Create(new StorageOptions())), TimeProvider.System);
        var service = new PostReceiveService(Stores.Messages, Stores.Broadcasts, services.GetRequiredService<ReferenceCounter>(), services.GetRequiredService<RepositoryResolver>(), services.GetRequiredService<ActorResolver>(), broken,
            services.GetRequiredService<PostReceiveCalls>(), services.GetRequiredService<QueueServiceClient>(), services.GetRequiredService<IOptions<GitLabOptions>>(), TimeProvider.System, services.GetRequiredService<ILogger<PostReceiveService>>());

        var outcome = await service.HandleAsync(project.GlRepository, $"user-{user.Id}", Push("unlucky"), ["merge_request.create"], default);

        Assert.Equal([new PostReceiveMessage(Create(project, "unlucky").Item1, "basic")], outcome.Messages);
        Assert.Contains(fixture.App.Logs.Entries, e => e.EventId.Id == 4003 && e.Exception is not null);
        Assert.Empty(await MergeRequests.ListAsync(project.Id));
    }
}
