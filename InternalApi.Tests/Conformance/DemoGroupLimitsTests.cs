using System.Net;
using InternalApi.Core.Access;
using InternalApi.Tests.Git;

namespace InternalApi.Tests.Conformance;

/// <summary>
/// The demo data's IP allow-list: group <c>acme</c> allows <c>192.0.2.0/24</c> and <c>2001:db8::/32</c>
/// (documentation ranges, used only as parameter values), gnuwget has none.
/// </summary>
[Collection("doc-examples")]
public sealed class DemoGroupLimitsTests(DemoFixture fixture) : IAsyncLifetime
{
    public Task InitializeAsync() => fixture.ImportDemoAsync();

    public Task DisposeAsync() => Task.CompletedTask;

    private async Task<(HttpStatusCode Status, string Body)> PullAsync(string project, long keyId, string? checkIp)
    {
        var body = checkIp is null
            ? AllowedFixture.Json(new { action = "git-upload-pack", project, changes = "_any", protocol = "ssh", key_id = keyId })
            : AllowedFixture.Json(new { action = "git-upload-pack", project, changes = "_any", protocol = "ssh", key_id = keyId, check_ip = checkIp });
        var (status, text, _) = await AllowedFixture.PostAsync(fixture.App, "/api/v4/internal/allowed", body);
        return (status, text);
    }

    [Theory]
    [InlineData("192.0.2.10")]
    [InlineData("2001:db8::10")]
    [InlineData(null)]
    public async Task An_Acme_Project_Is_Pulled_From_Inside_The_Allow_List_Or_Without_An_Address(string? checkIp)
    {
        // Key 29 is kristina's, a developer of acme/storefront (project 111).
        var (status, body) = await PullAsync("acme/storefront.git", 29, checkIp);
        Assert.True(status == HttpStatusCode.OK, body);
        Assert.Equal("project-111", AllowedFixture.Str(body, "gl_repository"));
    }

    [Theory]
    [InlineData("198.51.100.10")]
    [InlineData("203.0.113.9")]
    [InlineData("2001:db9::10")]
    public async Task An_Acme_Project_Pulled_From_Outside_The_Allow_List_Is_Refused(string checkIp)
    {
        Assert.Equal((HttpStatusCode.NotFound, AllowedFixture.Denial(AccessMessages.ProjectNotFound)), await PullAsync("acme/storefront.git", 29, checkIp));

        // The list is acme's, so it covers its subgroup acme/platform too (key 12: devon, developer there).
        Assert.Equal((HttpStatusCode.NotFound, AllowedFixture.Denial(AccessMessages.ProjectNotFound)), await PullAsync("acme/platform/api.git", 12, checkIp));
    }

    [Fact]
    public async Task Gnuwget_Has_No_Allow_List()
    {
        var (status, body) = await PullAsync("gnuwget/wget2.git", 11, "198.51.100.10");
        Assert.True(status == HttpStatusCode.OK, body);
    }
}
