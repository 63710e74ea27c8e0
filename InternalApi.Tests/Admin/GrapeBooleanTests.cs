using System.Net;
using InternalApi.Tests.Infrastructure;

namespace InternalApi.Tests.Admin;

/// <summary>Booleans read as Grape reads them: its spellings (<c>on</c> included) in the cases it lists, nothing else.</summary>
[Collection("admin")]
public sealed class GrapeBooleanTests(AdminFixture fixture)
{
    [Theory]
    [InlineData("on", true)]
    [InlineData("YES", true)]
    [InlineData("Off", false)]
    [InlineData("0", false)]
    public async Task Grape_Spellings_Are_Booleans(string spelling, bool expected)
    {
        var group = await fixture.GroupAsync();
        var created = await fixture.SendAsync(HttpMethod.Post, $"/api/v4/namespaces/{group.Id}/gitlab_subscription",
            form: $"start_date=2024-02-01&plan_code=premium&seats=1&auto_renew={spelling}");
        Assert.Equal(HttpStatusCode.Created, created.Status);
        Assert.Equal(expected, AdminFixture.Json(created.Body)["plan"]!["auto_renew"]!.GetValue<bool>());
    }

    [Theory]
    [InlineData("tRuE")]
    [InlineData(" true")]
    [InlineData("2")]
    public async Task Other_Spellings_Are_Invalid_And_Create_Nothing(string spelling)
    {
        var group = await fixture.GroupAsync();
        var path = $"/api/v4/namespaces/{group.Id}/gitlab_subscription";
        var refused = await fixture.SendAsync(HttpMethod.Post, path, form: $"start_date=2024-02-01&plan_code=premium&seats=1&auto_renew={Uri.EscapeDataString(spelling)}");
        Assert.Equal((HttpStatusCode.BadRequest, """{"error":"auto_renew is invalid"}"""), (refused.Status, refused.Body));
        Assert.Contains("\"seats_in_use\":null", (await fixture.SendAsync(HttpMethod.Get, path)).Body, StringComparison.Ordinal);
    }
}
