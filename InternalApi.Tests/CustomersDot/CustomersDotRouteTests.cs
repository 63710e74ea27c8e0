using System.Net;
using InternalApi.Core.CustomersDot;
using InternalApi.Core.Model;
using InternalApi.Core.Subscriptions;
using InternalApi.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace InternalApi.Tests.CustomersDot;

/// <summary>Every route of CustomersDot's current internal API, with a token of the loopback issuer.</summary>
[Collection("customersdot")]
public sealed class CustomersDotRouteTests(CustomersDotFixture fixture)
{
    private const string Base = "/api/v4/internal/gitlab_subscriptions";

    [Fact]
    public async Task Namespace_Get_And_Put_Answer_The_Internal_Entity_And_Put_Changes_Only_What_Is_Sent()
    {
        var group = await fixture.GroupAsync();
        var read = await fixture.SendAsync(HttpMethod.Get, $"{Base}/namespaces/{Uri.EscapeDataString(group.FullPath)}");
        Assert.Equal(HttpStatusCode.OK, read.Status);
        Assert.Equal(
            $$"""{"id":{{group.Id}},"name":"{{group.Name}}","path":"{{group.FullPath}}","kind":"group","full_path":"{{group.FullPath}}","parent_id":null,"avatar_url":null,"web_url":"https://gitlab.example.com/groups/{{group.FullPath}}","shared_runners_minutes_limit":null,"extra_shared_runners_minutes_limit":null,"additional_purchased_storage_size":0,"additional_purchased_storage_ends_on":null,"billable_members_count":1,"plan":"free","trial_ends_on":null,"trial":false,"members_count_with_descendants":1}""",
            read.Body);

        var updated = await fixture.SendAsync(HttpMethod.Put, $"{Base}/namespaces/{group.Id}", new
        {
            extra_shared_runners_minutes_limit = 1000,
            additional_purchased_storage_size = 100,
            additional_purchased_storage_ends_on = "2099-01-01",
            gitlab_subscription_attributes = new { start_date = "2024-01-01", end_date = "2099-01-01", plan_code = "ultimate", seats = 5, max_seats_used = 3 },
        });
        Assert.Equal(HttpStatusCode.OK, updated.Status);
        var entity = CustomersDotFixture.Json(updated.Body);
        Assert.Equal(1000, (int)entity["extra_shared_runners_minutes_limit"]!);
        Assert.Null(entity["shared_runners_minutes_limit"]);
        Assert.Equal(100, (int)entity["additional_purchased_storage_size"]!);
        Assert.Equal("2099-01-01", (string?)entity["additional_purchased_storage_ends_on"]);
        Assert.Equal("ultimate", (string?)entity["plan"]);
        Assert.Equal("2099-01-01", (string?)entity["end_date"]);
        Assert.Equal(3, (int)entity["max_seats_used"]!);
        Assert.Equal(1, (int)entity["seats_in_use"]!);

        // Only what is sent changes; an explicit null clears a limit.
        var again = await fixture.SendAsync(HttpMethod.Put, $"{Base}/namespaces/{group.Id}", """{"extra_shared_runners_minutes_limit":null,"gitlab_subscription_attributes":{"seats":7}}""");
        entity = CustomersDotFixture.Json(again.Body);
        Assert.Null(entity["extra_shared_runners_minutes_limit"]);
        Assert.Equal(100, (int)entity["additional_purchased_storage_size"]!);
        var subscription = await fixture.App.Services.GetRequiredService<GitLabSubscriptionService>().GetAsync(group.Id);
        Assert.Equal((7, "ultimate"), (subscription!.Seats, subscription.PlanCode));

        var invalid = await fixture.SendAsync(HttpMethod.Put, $"{Base}/namespaces/{group.Id}", new { shared_runners_minutes_limit = "lots", gitlab_subscription_attributes = new { seats = "x" } });
        Assert.Equal((HttpStatusCode.BadRequest, """{"error":"shared_runners_minutes_limit is invalid, gitlab_subscription_attributes[seats] is invalid"}"""), (invalid.Status, invalid.Body));
        var missing = await fixture.SendAsync(HttpMethod.Get, $"{Base}/namespaces/{TestIds.Next()}");
        Assert.Equal((HttpStatusCode.NotFound, """{"message":"404 Namespace Not Found"}"""), (missing.Status, missing.Body));
    }

    [Fact]
    public async Task Owners_Lists_The_Groups_Direct_Owners_Only()
    {
        var group = await fixture.GroupAsync();
        await fixture.Stores.Members.UpsertMembershipAsync(new Membership(MemberSource.Group, group.Id, fixture.AdminId, AccessLevel.Maintainer));
        var owners = await fixture.SendAsync(HttpMethod.Get, $"{Base}/namespaces/{group.Id}/owners");
        Assert.Equal(HttpStatusCode.OK, owners.Status);
        Assert.Equal(
            $$"""[{"user":{"id":{{fixture.UserId}},"username":"user{{fixture.UserId}}","name":"User"},"access_level":50,"notification_email":"user{{fixture.UserId}}@example.com"}]""",
            owners.Body);
        Assert.Equal("1", owners.Response.Headers.GetValues("X-Total").Single());

        var personal = new GitLabNamespace { Id = TestIds.Next(), Kind = NamespaceKind.User, Name = "p", FullPath = "p" + TestIds.Next(), OwnerId = fixture.UserId };
        await fixture.Stores.Namespaces.UpsertNamespaceAsync(personal);
        var notGroup = await fixture.SendAsync(HttpMethod.Get, $"{Base}/namespaces/{personal.Id}/owners");
        Assert.Equal((HttpStatusCode.NotFound, """{"message":"404 Group Namespace Not Found"}"""), (notGroup.Status, notGroup.Body));
    }

    [Fact]
    public async Task Subscription_Post_Put_Get()
    {
        var group = await fixture.GroupAsync();
        var path = $"{Base}/namespaces/{group.Id}/gitlab_subscription";
        Assert.Equal((HttpStatusCode.BadRequest, """{"error":"start_date is missing"}"""), ((await fixture.SendAsync(HttpMethod.Post, path, new { seats = 1 })) is var m ? (m.Status, m.Body) : default));
        Assert.Equal(HttpStatusCode.NotFound, (await fixture.SendAsync(HttpMethod.Put, path, new { seats = 1 })).Status);
        Assert.Equal(HttpStatusCode.Created, (await fixture.SendAsync(HttpMethod.Post, path, new { start_date = "2024-01-01", plan_code = "premium", seats = 2 })).Status);
        var put = await fixture.SendAsync(HttpMethod.Put, path, new { seats = 4 });
        Assert.Equal(HttpStatusCode.OK, put.Status);
        Assert.Equal(4, (int)CustomersDotFixture.Json(put.Body)["usage"]!["seats_in_subscription"]!);
        var get = await fixture.SendAsync(HttpMethod.Get, path);
        Assert.Equal((HttpStatusCode.OK, put.Body), (get.Status, get.Body));
    }

    [Fact]
    public async Task Add_On_Purchases_Are_Provisioned_In_Bulk_And_Read_By_Name()
    {
        var group = await fixture.GroupAsync();
        var path = $"{Base}/namespaces/{group.Id}/subscription_add_on_purchases";
        var created = await fixture.SendAsync(HttpMethod.Post, path, """{"add_on_purchases":{"duo_pro":[{"quantity":3,"started_on":"2024-01-01","expires_on":"2099-01-01","purchase_xid":"C-1","trial":false}]}}""");
        Assert.Equal(HttpStatusCode.Created, created.Status);
        var entity = $$"""{"namespace_id":{{group.Id}},"namespace_name":"{{group.Name}}","add_on":"Code Suggestions","quantity":3,"started_on":"2024-01-01","expires_on":"2099-01-01","purchase_xid":"C-1","trial":false}""";
        Assert.Equal("[" + entity + "]", created.Body);
        var read = await fixture.SendAsync(HttpMethod.Get, path + "/code_suggestions");
        Assert.Equal((HttpStatusCode.OK, entity), (read.Status, read.Body));

        // Duo Enterprise takes over the Duo seat purchase (Duo Pro in the same request is skipped).
        var switched = await fixture.SendAsync(HttpMethod.Post, path, """{"add_on_purchases":{"duo_pro":[{"quantity":9,"started_on":"2024-01-01","expires_on":"2099-01-01"}],"duo_enterprise":[{"quantity":5,"started_on":"2024-02-01","expires_on":"2099-01-01","purchase_xid":"C-2"}]}}""");
        Assert.Equal(HttpStatusCode.Created, switched.Status);
        Assert.Equal("Duo Enterprise", (string?)CustomersDotFixture.Json(switched.Body)[0]!["add_on"]);
        Assert.Equal(HttpStatusCode.NotFound, (await fixture.SendAsync(HttpMethod.Get, path + "/code_suggestions")).Status);

        // Deprovisioning: no quantity, yesterday's dates.
        var gone = await fixture.SendAsync(HttpMethod.Post, path, """{"add_on_purchases":{"duo_enterprise":[{"started_on":"2024-02-01","expires_on":"2024-03-01"}]}}""");
        Assert.Equal("2024-03-01", (string?)CustomersDotFixture.Json(gone.Body)[0]!["expires_on"]);

        var invalid = await fixture.SendAsync(HttpMethod.Post, path, """{"add_on_purchases":{"duo_pro":[{"quantity":-1}]}}""");
        Assert.Equal(
            (HttpStatusCode.BadRequest, """{"error":"add_on_purchases[duo_pro][0][started_on] is missing, add_on_purchases[duo_pro][0][expires_on] is missing, add_on_purchases[duo_pro][0][quantity] Must be a non-negative integer if provided"}"""),
            (invalid.Status, invalid.Body));
        Assert.Equal((HttpStatusCode.BadRequest, """{"error":"add_on_purchases is missing"}"""), ((await fixture.SendAsync(HttpMethod.Post, path, new { })) is var e ? (e.Status, e.Body) : default));
    }

    [Fact]
    public async Task Minutes_Are_Added_And_A_Move_Is_Accepted()
    {
        var source = await fixture.GroupAsync();
        var target = await fixture.GroupAsync();
        var packs = await fixture.SendAsync(HttpMethod.Post, $"{Base}/namespaces/{source.Id}/minutes", new { packs = new[] { new { number_of_minutes = 100, expires_at = "2099-01-01", purchase_xid = "x" + source.Id } } });
        Assert.Equal((HttpStatusCode.Created, $$"""[{"namespace_id":{{source.Id}},"expires_at":"2099-01-01","number_of_minutes":100,"purchase_xid":"x{{source.Id}}"}]"""), (packs.Status, packs.Body));
        var move = await fixture.SendAsync(HttpMethod.Patch, $"{Base}/namespaces/{source.Id}/minutes/move/{target.Id}");
        Assert.Equal((HttpStatusCode.Accepted, """{"message":"202 Accepted"}"""), (move.Status, move.Body));
        var unknown = await fixture.SendAsync(HttpMethod.Patch, $"{Base}/namespaces/{source.Id}/minutes/move/{TestIds.Next()}");
        Assert.Equal((HttpStatusCode.NotFound, """{"message":"404 Target namespace Not Found"}"""), (unknown.Status, unknown.Body));
    }

    [Fact]
    public async Task Upcoming_Reconciliation_Put_And_Delete_Per_Namespace()
    {
        var group = await fixture.GroupAsync();
        var path = $"{Base}/namespaces/{group.Id}/upcoming_reconciliations";
        var put = await fixture.SendAsync(HttpMethod.Put, path, new { next_reconciliation_date = "12 Jun 2099", display_alert_from = "2099-06-05" });
        Assert.Equal((HttpStatusCode.OK, "200"), (put.Status, put.Body));
        var stored = await fixture.App.Services.GetRequiredService<UpcomingReconciliationService>().GetAsync(group.Id);
        Assert.Equal(new UpcomingReconciliation(group.Id, new DateOnly(2099, 6, 12), new DateOnly(2099, 6, 5)), stored);

        var missing = await fixture.SendAsync(HttpMethod.Put, path, new { next_reconciliation_date = "2099-06-12" });
        Assert.Equal((HttpStatusCode.BadRequest, """{"error":"display_alert_from is missing"}"""), (missing.Status, missing.Body));
        var notInteger = await fixture.SendAsync(HttpMethod.Delete, $"{Base}/namespaces/abc/upcoming_reconciliations");
        Assert.Equal((HttpStatusCode.BadRequest, """{"error":"namespace_id is invalid"}"""), (notInteger.Status, notInteger.Body));

        Assert.Equal(HttpStatusCode.NoContent, (await fixture.SendAsync(HttpMethod.Delete, path)).Status);
        var again = await fixture.SendAsync(HttpMethod.Delete, path);
        Assert.Equal((HttpStatusCode.NotFound, """{"message":"404 Not Found"}"""), (again.Status, again.Body));

        // GitLab.com only (the other apps are not), checked after the token: no token is still a 401 there.
        var noToken = await CustomersDotFixture.RawAsync(fixture.Unconfigured, HttpMethod.Delete, path, null, []);
        Assert.Equal(HttpStatusCode.Unauthorized, noToken.Status);
        var selfManaged = await CustomersDotFixture.RawAsync(fixture.Unconfigured, HttpMethod.Delete, path, null, [("PRIVATE-TOKEN", CustomersDotFixture.AdminToken)]);
        Assert.Equal((HttpStatusCode.Forbidden, """{"message":"403 Forbidden - This API is gitlab.com only!"}"""), (selfManaged.Status, selfManaged.Body));
    }

    [Fact]
    public async Task Users_Permissions_And_Credit_Card_Validation()
    {
        var user = await fixture.SendAsync(HttpMethod.Get, $"{Base}/users/{fixture.UserId}");
        Assert.Equal((HttpStatusCode.OK, $$"""{"id":{{fixture.UserId}},"username":"user{{fixture.UserId}}","name":"User","web_url":"https://gitlab.example.com/user{{fixture.UserId}}"}"""), (user.Status, user.Body));
        Assert.Equal((HttpStatusCode.BadRequest, """{"error":"id is invalid"}"""), ((await fixture.SendAsync(HttpMethod.Get, $"{Base}/users/abc")) is var b ? (b.Status, b.Body) : default));
        Assert.Equal((HttpStatusCode.NotFound, """{"message":"404 User Not Found"}"""), ((await fixture.SendAsync(HttpMethod.Get, $"{Base}/users/{TestIds.Next()}")) is var n ? (n.Status, n.Body) : default));

        var group = await fixture.GroupAsync();
        var owner = await fixture.SendAsync(HttpMethod.Get, $"{Base}/namespaces/{group.Id}/user_permissions/{fixture.UserId}");
        Assert.Equal((HttpStatusCode.OK, """{"edit_billing":true}"""), (owner.Status, owner.Body));
        var other = await fixture.SendAsync(HttpMethod.Get, $"{Base}/namespaces/{group.Id}/user_permissions/{fixture.AdminId}");
        Assert.Equal((HttpStatusCode.OK, """{"edit_billing":false}"""), (other.Status, other.Body));
        Assert.Equal(HttpStatusCode.NotFound, (await fixture.SendAsync(HttpMethod.Get, $"{Base}/namespaces/{group.Id}/user_permissions/{TestIds.Next()}")).Status);

        var card = await fixture.SendAsync(HttpMethod.Put, $"{Base}/users/{fixture.UserId}/credit_card_validation", new
        {
            credit_card_validated_at = "2020-01-01 00:00:00 UTC",
            credit_card_expiration_year = "2030",
            credit_card_expiration_month = "2",
            credit_card_holder_name = "John Smith",
            credit_card_type = "American Express",
            credit_card_mask_number = "1111",
            stripe_card_fingerprint = "card123",
        });
        Assert.Equal((HttpStatusCode.OK, """{"success":{}}"""), (card.Status, card.Body));
        var stored = await fixture.App.Services.GetRequiredService<CreditCardValidationService>().GetAsync(fixture.UserId);
        Assert.Equal(new CreditCardValidation(fixture.UserId, new DateTimeOffset(2020, 1, 1, 0, 0, 0, TimeSpan.Zero), "1111", "John Smith", "American Express", new DateOnly(2030, 2, 28), null, null, null, "card123"), stored);

        var bad = await fixture.SendAsync(HttpMethod.Put, $"{Base}/users/{fixture.UserId}/credit_card_validation", new { credit_card_expiration_month = 13 });
        Assert.Equal(HttpStatusCode.BadRequest, bad.Status);
        // Grape's problems only, in GitLab's declaration order (the month's range is checked after them).
        Assert.Equal(
            """{"error":"credit_card_validated_at is missing, credit_card_expiration_year is missing, credit_card_holder_name is missing, credit_card_mask_number is missing, credit_card_type is missing"}""",
            bad.Body);
    }
}
