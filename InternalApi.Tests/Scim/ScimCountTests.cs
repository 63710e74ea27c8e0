using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Azure.Core;
using Azure.Core.Pipeline;
using Azure.Data.Tables;
using InternalApi.Core.Import;
using InternalApi.Core.Model;
using InternalApi.Core.Scim;
using InternalApi.Tests.Infrastructure;
using Microsoft.Extensions.Azure;
using Microsoft.Extensions.DependencyInjection;

namespace InternalApi.Tests.Scim;

/// <summary>
/// Rows each table query of the worker brought back, by table and filter: what a list read, which the storage-call count
/// cannot tell (a query of 1 row and one of 1,000 are both one call).
/// </summary>
public sealed class QueryRowRecorder : HttpPipelineSynchronousPolicy
{
    private readonly ConcurrentQueue<(string Table, string Filter, int Rows)> _queries = new();

    /// <inheritdoc/>
    public override void OnReceivedResponse(HttpMessage message)
    {
        ArgumentNullException.ThrowIfNull(message);
        var uri = message.Request.Uri.ToUri();
        var path = Uri.UnescapeDataString(uri.AbsolutePath);
        if (message.Request.Method != RequestMethod.Get || !path.EndsWith("()", StringComparison.Ordinal) || message.Response.Status != 200)
        {
            return;
        }

        // Table queries are buffered by the SDK; -1 makes a test fail loudly should that change.
        var rows = message.Response.ContentStream is MemoryStream
            ? JsonDocument.Parse(message.Response.Content).RootElement.TryGetProperty("value", out var value) ? value.GetArrayLength() : 0
            : -1;
        var filter = System.Web.HttpUtility.ParseQueryString(uri.Query)["$filter"] ?? "";
        _queries.Enqueue((path[(path.LastIndexOf('/') + 1)..^2], filter, rows));
    }

    /// <summary>The queries of the SCIM identities table naming this partition: how many, and the rows they returned.</summary>
    public (int Queries, int Rows) IdentityQueries(string scopeKey)
    {
        var mine = _queries.Where(q => q.Table.EndsWith("ScimIdentities", StringComparison.Ordinal) && q.Filter.Contains($"PartitionKey eq '{scopeKey}'", StringComparison.Ordinal)).ToList();
        return (mine.Count, mine.Sum(q => q.Rows));
    }

    /// <summary>Forgets what was recorded.</summary>
    public void Clear() => _queries.Clear();
}

/// <summary>An Azurite and an app of their own for the count tests, whose worker records the rows its queries read.</summary>
public sealed class ScimCountFixture : IAsyncLifetime
{
    /// <summary>The instance SCIM token.</summary>
    public const string InstanceToken = "instance-scim-token-for-count-tests";

    /// <summary>The server.</summary>
    public AzuriteServer Azurite { get; private set; } = null!;

    /// <summary>The app.</summary>
    public TestApp App { get; private set; } = null!;

    /// <summary>What the worker's table queries read.</summary>
    public QueryRowRecorder Rows { get; } = new();

    /// <summary>The GitLab store.</summary>
    public StoreSet Stores => StoreSet.Of(App.Services);

    /// <summary>The SCIM store.</summary>
    public ScimStore Scim => App.Services.GetRequiredService<ScimStore>();

    /// <summary>The SCIM tables.</summary>
    public ScimTables Tables => App.Services.GetRequiredService<ScimTables>();

    /// <inheritdoc/>
    public async Task InitializeAsync()
    {
        Azurite = await AzuriteServer.StartAsync();
        App = await TestApp.StartAsync(
            Azurite.ConnectionString,
            new Dictionary<string, string?> { ["Scim:InstanceSamlEnabled"] = "true", ["Queues:DispatcherEnabled"] = "false" },
            services: services => services.AddAzureClients(clients => clients.ConfigureDefaults(o => o.AddPolicy(Rows, HttpPipelinePosition.PerCall))));
        await Scim.UpsertTokenAsync(SecretDigest.Sha256Hex(InstanceToken), ScimTables.InstanceScope);
    }

    /// <inheritdoc/>
    public async Task DisposeAsync()
    {
        await App.DisposeAsync();
        await Azurite.DisposeAsync();
    }

    /// <summary>A group with SAML SSO (default role developer) and its SCIM token.</summary>
    public async Task<ScimGroup> GroupAsync()
    {
        var id = TestIds.Next();
        var path = TestIds.Name("countgroup");
        var group = new GitLabNamespace { Id = id, Name = "Count group " + id, FullPath = path, RootId = id };
        await Stores.Namespaces.UpsertNamespaceAsync(group);
        var token = "count-scim-token-" + id;
        await Scim.UpsertSamlProviderAsync(new SamlProvider(id, true, AccessLevel.Developer));
        await Scim.UpsertTokenAsync(SecretDigest.Sha256Hex(token), ScimTables.GroupScope(id));
        return new ScimGroup(group, token);
    }

    /// <summary>A user with a fresh username and e-mail.</summary>
    public async Task<User> UserAsync()
    {
        var id = TestIds.Next();
        var name = TestIds.Name("countuser");
        var user = new User { Id = id, Username = name, Name = "Count user " + id, Email = name + "@example.com" };
        await Stores.Users.UpsertUserAsync(user);
        return user;
    }

    /// <summary>Sends a SCIM request with the token and a JSON body.</summary>
    public async Task<ScimAnswer> SendAsync(HttpMethod method, string path, string token, string? json = null)
    {
        using var request = new HttpRequestMessage(method, path);
        if (json is not null)
        {
            request.Content = new StringContent(json, Encoding.UTF8, new MediaTypeHeaderValue("application/scim+json"));
        }

        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        using var response = await App.Client.SendAsync(request);
        return new ScimAnswer(response.StatusCode, response.Content.Headers.ContentType?.MediaType, await response.Content.ReadAsStringAsync());
    }

    /// <summary>Provisions a new user with this UID (201 expected).</summary>
    public async Task<ScimAnswer> ProvisionAsync(ScimGroup group, string uid)
    {
        var name = TestIds.Name("provisioned");
        return await SendAsync(HttpMethod.Post, group.Users, group.Token, ScimFixture.CreateBody(uid, name, name + "@example.com"));
    }

    /// <summary>A list's totalResults and the ids of its page.</summary>
    public async Task<(int Total, IReadOnlyList<string> Ids)> ListAsync(string usersPath, string token, string query = "")
    {
        var answer = await SendAsync(HttpMethod.Get, usersPath + query, token);
        Assert.Equal(HttpStatusCode.OK, answer.Status);
        var json = answer.Json!;
        return ((int)json["totalResults"]!, [.. json["Resources"]!.AsArray().Select(r => (string)r!["id"]!)]);
    }

    /// <summary>The scope's count row's number, or null when it has none.</summary>
    public async Task<int?> CountRowAsync(string scopeKey)
    {
        var row = await Tables.Identities.GetEntityIfExistsAsync<TableEntity>(scopeKey, ScimTables.CountKey);
        return row.HasValue ? row.Value!.GetInt32("Count") : null;
    }

    /// <summary>Deletes the scope's count row, as a store written before there was one.</summary>
    public Task DeleteCountRowAsync(string scopeKey) => Tables.Identities.DeleteEntityAsync(scopeKey, ScimTables.CountKey);
}

/// <summary>
/// The count row behind a list's <c>totalResults</c>: exact after every write that adds identities (alone or
/// concurrently, over HTTP and in the store), rebuilt when missing, left exact by the import, and what lets a page read
/// only its own rows.
/// </summary>
public sealed class ScimCountTests(ScimCountFixture fixture) : IClassFixture<ScimCountFixture>
{
    private async Task<(int Total, string Ids)> Page(ScimGroup group, string query)
    {
        var (total, ids) = await fixture.ListAsync(group.Users, group.Token, query);
        return (total, string.Join(",", ids));
    }

    [Fact]
    public async Task Total_Follows_Provisioning_And_Is_Unchanged_By_Deprovisioning_Retries_Conflicts_And_Uid_Moves()
    {
        var group = await fixture.GroupAsync();
        var scope = ScimTables.GroupScope(group.Group.Id);
        for (var i = 0; i < 5; i++)
        {
            Assert.Equal(HttpStatusCode.Created, (await fixture.ProvisionAsync(group, $"p-{i}")).Status);
        }

        Assert.Equal(5, (await fixture.ListAsync(group.Users, group.Token)).Total);
        Assert.Equal(5, await fixture.CountRowAsync(scope));

        // Deprovisioning keeps the identity (inactive, so the IdP can reactivate it): still listed, still counted.
        Assert.Equal(HttpStatusCode.NoContent, (await fixture.SendAsync(HttpMethod.Delete, group.Users + "/p-0", group.Token)).Status);
        Assert.Equal(HttpStatusCode.NoContent, (await fixture.SendAsync(HttpMethod.Patch, group.Users + "/p-1", group.Token, ScimFixture.Operation("replace", "active", false))).Status);

        // An IdP's retry of a create, a taken UID and a taken user add nothing; a UID move is one out, one in.
        var created = await fixture.ProvisionAsync(group, "p-new");
        var body = ScimFixture.CreateBody("p-new", (string)created.Json!["userName"]!, (string)created.Json["emails"]![0]!["value"]!);
        Assert.Equal(HttpStatusCode.Created, (await fixture.SendAsync(HttpMethod.Post, group.Users, group.Token, body)).Status);
        Assert.Equal(HttpStatusCode.Conflict, (await fixture.SendAsync(HttpMethod.Post, group.Users, group.Token, ScimFixture.CreateBody("p-0", "someone", "someone-" + group.Group.Id + "@example.com"))).Status);
        Assert.Equal(HttpStatusCode.Conflict, (await fixture.SendAsync(HttpMethod.Post, group.Users, group.Token, ScimFixture.CreateBody("p-other", "x", (string)created.Json["emails"]![0]!["value"]!))).Status);
        Assert.Equal(HttpStatusCode.NoContent, (await fixture.SendAsync(HttpMethod.Patch, group.Users + "/p-2", group.Token, ScimFixture.Operation("replace", "externalId", "p-2-moved"))).Status);

        var (total, ids) = await fixture.ListAsync(group.Users, group.Token);
        Assert.Equal((6, 6), (total, ids.Count));
        Assert.Contains("p-2-moved", ids);
        Assert.Equal(6, await fixture.CountRowAsync(scope));
        Assert.Equal((6, "p-1,p-2-moved"), await Page(group, "?startIndex=2&count=2"));
    }

    [Fact]
    public async Task Concurrent_Provisioning_Ends_With_The_Exact_Count_And_A_Contested_Uid_Counted_Once()
    {
        var group = await fixture.GroupAsync();
        var scope = ScimTables.GroupScope(group.Group.Id);

        // Ten different identities at once, and three creates of one UID at once (one wins; the others are the
        // IdP's retry, answered with the winner, or a conflict): every write meets the others on the count row.
        var distinct = Enumerable.Range(0, 10).Select(i => fixture.ProvisionAsync(group, $"c-{i}"));
        var contestedName = TestIds.Name("contested");
        var contested = Enumerable.Range(0, 3).Select(_ => fixture.SendAsync(HttpMethod.Post, group.Users, group.Token, ScimFixture.CreateBody("c-contested", contestedName, contestedName + "@example.com")));
        var answers = await Task.WhenAll(distinct.Concat(contested));

        Assert.All(answers[..10], a => Assert.Equal(HttpStatusCode.Created, a.Status));
        Assert.All(answers[10..], a => Assert.Contains(a.Status, new[] { HttpStatusCode.Created, HttpStatusCode.Conflict }));
        Assert.Contains(answers[10..], a => a.Status == HttpStatusCode.Created);
        var (total, ids) = await fixture.ListAsync(group.Users, group.Token, "?count=100");
        Assert.Equal((11, 11), (total, ids.Count));
        Assert.Equal(11, await fixture.CountRowAsync(scope));
    }

    [Fact]
    public async Task Store_Writes_Keep_The_Count_Exact_And_Report_Taken_Uids_And_Users()
    {
        var scope = ScimTables.GroupScope(TestIds.Next());
        var users = new List<User>();
        for (var i = 0; i < 14; i++)
        {
            users.Add(await fixture.UserAsync());
        }

        Assert.True(await fixture.Scim.TryAddIdentityAsync(scope, new ScimIdentity("s-0", users[0].Id, true)));
        Assert.False(await fixture.Scim.TryAddIdentityAsync(scope, new ScimIdentity("S-0", users[1].Id, true)));
        Assert.False(await fixture.Scim.TryAddIdentityAsync(scope, new ScimIdentity("s-taken-user", users[0].Id, true)));
        Assert.Equal(1, await fixture.CountRowAsync(scope));

        await fixture.Scim.UpsertIdentityAsync(scope, new ScimIdentity("s-0", users[0].Id, false));
        await fixture.Scim.UpsertIdentityAsync(scope, new ScimIdentity("s-1", users[1].Id, true));
        await fixture.Scim.UpsertIdentityAsync(scope, new ScimIdentity("s-1", users[1].Id, true));
        Assert.True(await fixture.Scim.TryChangeUidAsync(scope, "s-1", "s-1b"));
        Assert.Equal(2, await fixture.CountRowAsync(scope));

        // Twelve at once, two of them contesting one UID and two one user: the losers are told, not counted.
        var results = await Task.WhenAll(
            Enumerable.Range(2, 10).Select(i => fixture.Scim.TryAddIdentityAsync(scope, new ScimIdentity($"s-{i}", users[i].Id, true)))
                .Append(fixture.Scim.TryAddIdentityAsync(scope, new ScimIdentity("s-2", users[12].Id, true)))
                .Append(fixture.Scim.TryAddIdentityAsync(scope, new ScimIdentity("s-user-3", users[3].Id, true))));
        Assert.Equal(10, results.Count(r => r));
        Assert.Equal(12, await fixture.CountRowAsync(scope));
        Assert.Equal(12, (await fixture.Scim.ListIdentitiesAsync(scope, 0, 1)).Total);
        Assert.Equal(12, await fixture.Scim.RecountIdentitiesAsync(scope));
    }

    [Fact]
    public async Task A_Scope_Without_A_Count_Row_Is_Counted_And_The_Row_Rebuilt()
    {
        var group = await fixture.GroupAsync();
        var scope = ScimTables.GroupScope(group.Group.Id);
        for (var i = 0; i < 4; i++)
        {
            Assert.Equal(HttpStatusCode.Created, (await fixture.ProvisionAsync(group, $"r-{i}")).Status);
        }

        // A list finds no row: it counts the partition once, answers right, and writes the row.
        await fixture.DeleteCountRowAsync(scope);
        Assert.Equal(4, (await fixture.ListAsync(group.Users, group.Token, "?count=1")).Total);
        Assert.Equal(4, await fixture.CountRowAsync(scope));

        // Rows written as before the count existed (no row at all), then a provisioning: it counts them and goes on from there.
        await fixture.DeleteCountRowAsync(scope);
        foreach (var uid in new[] { "r-legacy-1", "r-legacy-2" })
        {
            await fixture.Scim.UpsertIdentityRowsAsync(scope, new ScimIdentity(uid, (await fixture.UserAsync()).Id, true));
        }

        Assert.Null(await fixture.CountRowAsync(scope));
        Assert.Equal(HttpStatusCode.Created, (await fixture.ProvisionAsync(group, "r-after")).Status);
        Assert.Equal(7, await fixture.CountRowAsync(scope));
        Assert.Equal(7, (await fixture.ListAsync(group.Users, group.Token)).Total);

        // Lists racing to rebuild a missing row agree, and leave one exact row.
        await fixture.DeleteCountRowAsync(scope);
        var totals = await Task.WhenAll(Enumerable.Range(0, 5).Select(_ => fixture.ListAsync(group.Users, group.Token, "?count=1")));
        Assert.All(totals, t => Assert.Equal(7, t.Total));
        Assert.Equal(7, await fixture.CountRowAsync(scope));
    }

    [Fact]
    public async Task A_Page_Reads_Its_Own_Rows_Not_The_Scopes_And_A_Filter_Reads_No_Range()
    {
        var group = await fixture.GroupAsync();
        var scope = ScimTables.GroupScope(group.Group.Id);
        for (var i = 0; i < 30; i++)
        {
            await fixture.Scim.UpsertIdentityAsync(scope, new ScimIdentity($"q-{i:D2}", (await fixture.UserAsync()).Id, true));
        }

        Assert.Equal(30, (await fixture.ListAsync(group.Users, group.Token)).Total); // the whole scope, for reference

        fixture.Rows.Clear();
        Assert.Equal((30, "q-00"), await Page(group, "?count=1"));
        Assert.Equal((1, 1), fixture.Rows.IdentityQueries(scope));

        fixture.Rows.Clear();
        Assert.Equal((30, "q-10,q-11,q-12,q-13,q-14"), await Page(group, "?startIndex=11&count=5"));
        Assert.Equal((1, 15), fixture.Rows.IdentityQueries(scope));

        fixture.Rows.Clear();
        Assert.Equal((1, "q-29"), await Page(group, "?filter=" + Uri.EscapeDataString("id eq \"q-29\"")));
        Assert.Equal((0, 0), fixture.Rows.IdentityQueries(scope));
    }

    [Fact]
    public async Task The_Import_Leaves_Each_Scope_An_Exact_Count_And_A_Reimport_The_Same()
    {
        var provisioned = await fixture.GroupAsync();
        var fresh = await fixture.GroupAsync();
        Assert.Equal(HttpStatusCode.Created, (await fixture.ProvisionAsync(provisioned, "i-live")).Status);
        var live = (await fixture.Scim.GetIdentityAsync(ScimTables.GroupScope(provisioned.Group.Id), "i-live"))!;
        var users = new List<User>();
        for (var i = 0; i < 5; i++)
        {
            users.Add(await fixture.UserAsync());
        }

        var instanceBefore = (await fixture.ListAsync(ScimFixture.InstanceUsers, ScimCountFixture.InstanceToken)).Total;
        var file = $$"""
            {
              "scim_identities": [
                { "extern_uid": "i-live", "user_id": {{live.UserId}}, "group": "{{provisioned.Group.FullPath}}" },
                { "extern_uid": "i-a", "user_id": {{users[0].Id}}, "group": "{{provisioned.Group.FullPath}}" },
                { "extern_uid": "i-b", "user_id": {{users[1].Id}}, "group": "{{provisioned.Group.FullPath}}", "active": false },
                { "extern_uid": "i-c", "user_id": {{users[2].Id}}, "group": "{{fresh.Group.FullPath}}" },
                { "extern_uid": "i-d", "user_id": {{users[3].Id}}, "group": "{{fresh.Group.FullPath}}" },
                { "extern_uid": "i-instance-{{users[4].Id}}", "user_id": {{users[4].Id}} }
              ]
            }
            """;
        var importer = fixture.App.Services.GetRequiredService<Importer>();

        async Task Expect(int inProvisioned, int inFresh, int onInstance)
        {
            Assert.Equal(inProvisioned, (await fixture.ListAsync(provisioned.Users, provisioned.Token)).Total);
            Assert.Equal(inProvisioned, await fixture.CountRowAsync(ScimTables.GroupScope(provisioned.Group.Id)));
            Assert.Equal(inFresh, (await fixture.ListAsync(fresh.Users, fresh.Token)).Total);
            Assert.Equal(inFresh, await fixture.CountRowAsync(ScimTables.GroupScope(fresh.Group.Id)));
            Assert.Equal(onInstance, (await fixture.ListAsync(ScimFixture.InstanceUsers, ScimCountFixture.InstanceToken)).Total);
            Assert.Equal(onInstance, await fixture.CountRowAsync(ScimTables.InstanceScope));
        }

        Assert.Empty((await importer.ImportAsync(file)).Errors);
        await Expect(3, 2, instanceBefore + 1);

        // Again, and over a count row gone wrong: the import recounts, it does not add.
        Assert.Empty((await importer.ImportAsync(file)).Errors);
        await Expect(3, 2, instanceBefore + 1);
        await fixture.Tables.Identities.UpsertEntityAsync(new TableEntity(ScimTables.GroupScope(fresh.Group.Id), ScimTables.CountKey) { ["Count"] = 99 });
        Assert.Empty((await importer.ImportAsync(file)).Errors);
        await Expect(3, 2, instanceBefore + 1);
    }
}
