using InternalApi.Tests.Infrastructure;
using System.Globalization;
using System.Net;
using System.Text.Json;
using InternalApi.Core.Model;
using InternalApi.Core.Subscriptions;
using InternalApi.Functions.Functions.Admin;
using InternalApi.Functions.OpenApi;
using InternalApi.LocalHost.Queues;
using Microsoft.Extensions.DependencyInjection;

namespace InternalApi.Tests.Admin;

[Collection("admin")]
public sealed class MinutePackTests(AdminFixture fixture)
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(60);

    private MinutePackService Packs => fixture.App.Services.GetRequiredService<MinutePackService>();

    private static object Pack(long minutes, string xid, string expires = "2030-03-31") => new { number_of_minutes = minutes, expires_at = expires, purchase_xid = xid };

    [Fact]
    public async Task Post_Saves_New_Packs_And_A_Purchase_Id_Never_Counts_Twice()
    {
        var group = await fixture.GroupAsync();
        var path = $"/api/v4/namespaces/{group.Id}/minutes";
        var first = await fixture.SendAsync(HttpMethod.Post, path, json: new { packs = new[] { Pack(5000, "xid-a"), Pack(1000, "xid-b", "31 Mar 2031") } });
        Assert.Equal(HttpStatusCode.Created, first.Status);
        Assert.Equal($$"""[{"namespace_id":{{group.Id}},"expires_at":"2030-03-31","number_of_minutes":5000,"purchase_xid":"xid-a"},{"namespace_id":{{group.Id}},"expires_at":"2031-03-31","number_of_minutes":1000,"purchase_xid":"xid-b"}]""", first.Body);

        // Redelivered by CustomersDot with other values, and repeated inside one request: the stored pack answers.
        var again = await fixture.SendAsync(HttpMethod.Post, path, json: new { packs = new[] { Pack(9999, "xid-a"), Pack(7, "xid-c"), Pack(8, "xid-c") } });
        Assert.Equal(HttpStatusCode.Created, again.Status);
        var minutes = AdminFixture.Json(again.Body).AsArray().Select(p => (long)p!["number_of_minutes"]!).ToList();
        Assert.Equal([5000, 7, 7], minutes);
        Assert.Equal([("xid-a", 5000L), ("xid-b", 1000L), ("xid-c", 7L)], (await Packs.ListAsync(group.Id)).Select(p => (p.PurchaseXid, p.NumberOfMinutes)).OrderBy(p => p.PurchaseXid));
    }

    [Fact]
    public async Task Invalid_Packs_Save_Nothing()
    {
        var group = await fixture.GroupAsync();
        var path = $"/api/v4/namespaces/{group.Id}/minutes";
        Assert.Equal("""{"error":"packs is missing"}""", (await fixture.SendAsync(HttpMethod.Post, path, json: new { })).Body);
        Assert.Equal("""{"error":"packs is invalid"}""", (await fixture.SendAsync(HttpMethod.Post, path, json: new { packs = "all" })).Body);
        Assert.Equal("""{"error":"packs[1][purchase_xid] is missing, packs[2][number_of_minutes] is invalid, packs[2][expires_at] is invalid"}""",
            (await fixture.SendAsync(HttpMethod.Post, path, json: """{"packs":[{"number_of_minutes":1,"expires_at":"2030-01-01","purchase_xid":"ok"},{"number_of_minutes":1,"expires_at":"2030-01-01"},{"number_of_minutes":"x","expires_at":"never","purchase_xid":"z"}]}""")).Body);
        var zero = await fixture.SendAsync(HttpMethod.Post, path, json: new { packs = new[] { Pack(10, "fine"), Pack(0, "zero") } });
        Assert.Equal((HttpStatusCode.BadRequest, """{"message":"400 Bad request - Unable to save additional pack"}"""), (zero.Status, zero.Body));
        Assert.Empty(await Packs.ListAsync(group.Id));
        Assert.Equal((HttpStatusCode.NotFound, """{"message":"404 Namespace Not Found"}"""),
            Pair(await fixture.SendAsync(HttpMethod.Post, "/api/v4/namespaces/999999999998/minutes", json: new { packs = new[] { Pack(1, "x") } })));
    }

    [Fact]
    public async Task Move_Answers_202_And_The_Queue_Function_Moves_Every_Pack()
    {
        var source = await fixture.GroupAsync();
        var target = await fixture.GroupAsync();
        await fixture.SendAsync(HttpMethod.Post, $"/api/v4/namespaces/{source.Id}/minutes", json: new { packs = new[] { Pack(100, "m-1"), Pack(200, "m-2") } });

        var monitor = fixture.App.Dispatches;
        var moved = await fixture.SendAsync(HttpMethod.Patch, $"/api/v4/namespaces/{source.FullPath}/minutes/move/{target.Id}");
        Assert.Equal((HttpStatusCode.Accepted, """{"message":"202 Accepted"}"""), Pair(moved));

        var seen = new HashSet<string>(StringComparer.Ordinal);
        var deadline = DateTimeOffset.UtcNow + Wait;
        while ((await Packs.ListAsync(target.Id)).Count < 2)
        {
            var outcome = await monitor.WaitForAsync(o => o.FunctionName == nameof(MinutesMove) && o.Status == QueueDispatchStatus.Succeeded && !seen.Contains(o.MessageId), deadline - DateTimeOffset.UtcNow);
            seen.Add(outcome.MessageId);
        }

        Assert.Empty(await Packs.ListAsync(source.Id));
        Assert.Equal([("m-1", 100L, target.Id), ("m-2", 200L, target.Id)], (await Packs.ListAsync(target.Id)).Select(p => (p.PurchaseXid, p.NumberOfMinutes, p.NamespaceId)).OrderBy(p => p.PurchaseXid));

        // The target now answers a re-sent purchase as it stored it: the pack moved, it did not count twice.
        var resent = await fixture.SendAsync(HttpMethod.Post, $"/api/v4/namespaces/{target.Id}/minutes", json: new { packs = new[] { Pack(5, "m-1") } });
        Assert.Equal(100, (long)AdminFixture.Json(resent.Body)[0]!["number_of_minutes"]!);
    }

    [Fact]
    public async Task A_Redelivered_Or_Half_Done_Move_Ends_Like_One_Clean_Run()
    {
        var source = await fixture.GroupAsync();
        var target = await fixture.GroupAsync();
        await Packs.AddAsync(source, [new MinutePackOrder(new DateOnly(2030, 1, 1), 10, "r-1"), new MinutePackOrder(new DateOnly(2030, 1, 1), 20, "r-2")]);

        // Half done: the first pack was copied to the target but not yet removed from the source.
        await Packs.AddAsync(target, [new MinutePackOrder(new DateOnly(2030, 1, 1), 10, "r-1")]);
        var message = BinaryData.FromBytes(JsonSerializer.SerializeToUtf8Bytes(new MinutesMoveMessage(source.Id, target.Id, DateTimeOffset.UtcNow), AdminJsonContext.Default.MinutesMoveMessage));
        for (var delivery = 1; delivery <= 2; delivery++)
        {
            await fixture.App.InvokeQueueFunctionAsync(nameof(MinutesMove), message, "move-" + source.Id, delivery);
        }

        Assert.Empty(await Packs.ListAsync(source.Id));
        Assert.Equal([("r-1", 10L), ("r-2", 20L)], (await Packs.ListAsync(target.Id)).Select(p => (p.PurchaseXid, p.NumberOfMinutes)).OrderBy(p => p.PurchaseXid));
        await AssertQueueFailure.ThrowsAsync<InvalidDataException>(() => fixture.App.InvokeQueueFunctionAsync(nameof(MinutesMove), BinaryData.FromString("{\"source_id\":\"x\"}")));
    }

    [Fact]
    public async Task A_Move_Delivered_Again_After_A_Later_Move_Back_Leaves_The_Packs_Where_The_Later_One_Put_Them()
    {
        var a = await fixture.GroupAsync();
        var b = await fixture.GroupAsync();
        await Packs.AddAsync(a, [new MinutePackOrder(new DateOnly(2030, 1, 1), 10, "s-1"), new MinutePackOrder(new DateOnly(2030, 1, 1), 20, "s-2")]);

        // A → B is accepted and carried out, then B → A; the first message comes back (its delete was lost).
        var there = await AcceptMoveAsync(a, b);
        var back = await AcceptMoveAsync(b, a);
        await fixture.App.InvokeQueueFunctionAsync(nameof(MinutesMove), there, "there-" + a.Id, 1);
        await fixture.App.InvokeQueueFunctionAsync(nameof(MinutesMove), back, "back-" + a.Id, 1);
        Assert.Equal(["s-1", "s-2"], (await Packs.ListAsync(a.Id)).Select(p => p.PurchaseXid).Order());

        // A pack bought after the first move was accepted is not its to move either.
        await Packs.AddAsync(a, [new MinutePackOrder(new DateOnly(2030, 1, 1), 30, "s-3")]);
        await fixture.App.InvokeQueueFunctionAsync(nameof(MinutesMove), there, "there-" + a.Id, 2);

        Assert.Equal([("s-1", 10L), ("s-2", 20L), ("s-3", 30L)], (await Packs.ListAsync(a.Id)).Select(p => (p.PurchaseXid, p.NumberOfMinutes)).OrderBy(p => p.PurchaseXid));
        Assert.Empty(await Packs.ListAsync(b.Id));

        // A move accepted now still takes every pack, whatever moved before.
        await fixture.App.InvokeQueueFunctionAsync(nameof(MinutesMove), await AcceptMoveAsync(a, b), "again-" + a.Id, 1);
        Assert.Empty(await Packs.ListAsync(a.Id));
        Assert.Equal(["s-1", "s-2", "s-3"], (await Packs.ListAsync(b.Id)).Select(p => p.PurchaseXid).Order());
    }

    /// <summary>The message the PATCH would queue, validated as the endpoint does (without waiting for the dispatcher).</summary>
    private async Task<BinaryData> AcceptMoveAsync(GitLabNamespace from, GitLabNamespace to) =>
        BinaryData.FromBytes(JsonSerializer.SerializeToUtf8Bytes(
            await Packs.ValidateMoveAsync(from.Id.ToString(CultureInfo.InvariantCulture), to.Id.ToString(CultureInfo.InvariantCulture)),
            AdminJsonContext.Default.MinutesMoveMessage));

    [Fact]
    public async Task Move_Needs_Two_Top_Level_Namespaces_With_A_Common_Owner()
    {
        var source = await fixture.GroupAsync();
        var sub = await fixture.SubgroupAsync(source);
        var stranger = await fixture.GroupAsync(owner: fixture.UserId);
        async Task<(HttpStatusCode, string)> Move(string from, string to) => Pair(await fixture.SendAsync(HttpMethod.Patch, $"/api/v4/namespaces/{from}/minutes/move/{to}"));

        Assert.Equal((HttpStatusCode.NotFound, """{"message":"404 Namespace Not Found"}"""), await Move("999999999997", source.Id.ToString()));
        Assert.Equal((HttpStatusCode.NotFound, """{"message":"404 Target namespace Not Found"}"""), await Move(source.Id.ToString(), "999999999997"));
        Assert.Equal((HttpStatusCode.BadRequest, """{"message":"400 Bad request - Namespace must be a top-level namespace"}"""), await Move(sub.Id.ToString(), source.Id.ToString()));
        Assert.Equal((HttpStatusCode.BadRequest, """{"message":"400 Bad request - Target namespace must be a top-level namespace"}"""), await Move(source.Id.ToString(), sub.Id.ToString()));
        Assert.Equal((HttpStatusCode.BadRequest, """{"message":"400 Bad request - Both namespaces must share the same owner"}"""), await Move(source.Id.ToString(), stranger.Id.ToString()));
        await fixture.Stores.Members.UpsertMembershipAsync(new Membership(MemberSource.Group, stranger.Id, fixture.AdminId, AccessLevel.Owner));
        Assert.Equal(HttpStatusCode.Accepted, (await Move(source.Id.ToString(), stranger.Id.ToString())).Item1);
    }

    private static (HttpStatusCode, string) Pair((HttpStatusCode Status, string Body, HttpResponseMessage _) r) => (r.Status, r.Body);
}
