using System.Net;
using InternalApi.Core.Subscriptions;
using Microsoft.Extensions.DependencyInjection;

namespace InternalApi.Tests.Admin;

[Collection("admin")]
public sealed class UpcomingReconciliationTests(AdminFixture fixture)
{
    private const string Path = "/api/v4/internal/upcoming_reconciliations";

    private UpcomingReconciliationService Service => fixture.App.Services.GetRequiredService<UpcomingReconciliationService>();

    [Fact]
    public async Task Put_Upserts_Per_Namespace_And_Answers_The_Literal_200_Then_Delete_Removes_It()
    {
        var (a, b) = (await fixture.GroupAsync(), await fixture.GroupAsync());
        var put = await fixture.SendAsync(HttpMethod.Put, Path, json: $$"""{"upcoming_reconciliations":[{"namespace_id":{{a.Id}},"next_reconciliation_date":"13 Jun 2021","display_alert_from":"06 Jun 2021"},{"namespace_id":"{{b.Id}}","next_reconciliation_date":"2021-06-12","display_alert_from":"2021-06-05"}]}""");
        Assert.Equal((HttpStatusCode.OK, "200"), (put.Status, put.Body));
        Assert.Equal(new UpcomingReconciliation(a.Id, new(2021, 6, 13), new(2021, 6, 6)), await Service.GetAsync(a.Id));

        // A second PUT replaces the namespace's row.
        await fixture.SendAsync(HttpMethod.Put, Path, json: $$"""{"upcoming_reconciliations":[{"namespace_id":{{a.Id}},"next_reconciliation_date":"2022-01-10","display_alert_from":"2022-01-03"}]}""");
        Assert.Equal(new DateOnly(2022, 1, 10), (await Service.GetAsync(a.Id))!.NextReconciliationDate);

        var deleted = await fixture.SendAsync(HttpMethod.Delete, $"{Path}?namespace_id={a.Id}");
        Assert.Equal((HttpStatusCode.NoContent, ""), (deleted.Status, deleted.Body));
        Assert.Null(await Service.GetAsync(a.Id));
        Assert.Equal((HttpStatusCode.NotFound, """{"message":"404 Not Found"}"""), Pair(await fixture.SendAsync(HttpMethod.Delete, $"{Path}?namespace_id={a.Id}")));
        Assert.NotNull(await Service.GetAsync(b.Id));
    }

    [Fact]
    public async Task Bad_Arrays_And_Unknown_Namespaces_Write_Nothing()
    {
        var a = await fixture.GroupAsync();
        Assert.Equal("""{"error":"upcoming_reconciliations is missing"}""", (await fixture.SendAsync(HttpMethod.Put, Path, json: new { })).Body);
        Assert.Equal("""{"error":"upcoming_reconciliations[0][display_alert_from] is missing, upcoming_reconciliations[1][namespace_id] is invalid"}""",
            (await fixture.SendAsync(HttpMethod.Put, Path, json: $$"""{"upcoming_reconciliations":[{"namespace_id":{{a.Id}},"next_reconciliation_date":"2021-06-12"},{"namespace_id":"x","next_reconciliation_date":"2021-06-12","display_alert_from":"2021-06-05"}]}""")).Body);
        var unknown = await fixture.SendAsync(HttpMethod.Put, Path, json: $$"""{"upcoming_reconciliations":[{"namespace_id":{{a.Id}},"next_reconciliation_date":"2021-06-12","display_alert_from":"2021-06-05"},{"namespace_id":999999999996,"next_reconciliation_date":"2021-06-12","display_alert_from":"2021-06-05"}]}""");
        Assert.Equal((HttpStatusCode.BadRequest, """{"message":{"error":"Namespace must exist"}}"""), Pair(unknown));
        Assert.Null(await Service.GetAsync(a.Id));

        // allow_blank: false on namespace_id: an explicit null is "is empty", not "is missing".
        Assert.Equal((HttpStatusCode.BadRequest, """{"error":"upcoming_reconciliations[0][namespace_id] is empty"}"""),
            Pair(await fixture.SendAsync(HttpMethod.Put, Path, json: """{"upcoming_reconciliations":[{"namespace_id":null,"next_reconciliation_date":"2021-06-12","display_alert_from":"2021-06-05"}]}""")));

        Assert.Equal((HttpStatusCode.BadRequest, """{"error":"namespace_id is missing"}"""), Pair(await fixture.SendAsync(HttpMethod.Delete, Path)));
        Assert.Equal((HttpStatusCode.BadRequest, """{"error":"namespace_id is invalid"}"""), Pair(await fixture.SendAsync(HttpMethod.Delete, Path + "?namespace_id=abc")));
    }

    private static (HttpStatusCode, string) Pair((HttpStatusCode Status, string Body, HttpResponseMessage _) r) => (r.Status, r.Body);
}
