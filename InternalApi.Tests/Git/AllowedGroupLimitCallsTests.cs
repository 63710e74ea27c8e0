using System.Net;
using System.Text;
using InternalApi.Core.Storage;
using InternalApi.Tests.Conformance;
using Microsoft.Extensions.DependencyInjection;

namespace InternalApi.Tests.Git;

/// <summary>
/// The storage calls of the bench's two <c>/allowed</c> pull rows, on the demo data: the plain pull (key 11,
/// <c>gnuwget/wget2</c>) and the pull gitlab-sshd sends after a login with <c>acme</c>'s CA certificate from inside
/// <c>acme</c>'s IP allow-list (<c>namespace_path</c> and <c>check_ip</c>). The bench times them; the calls, which the
/// bench cannot see in the worker's process, are counted here (docs/benchmarks.md holds each row against the
/// point-read floor per call).
/// </summary>
[Collection("doc-examples")]
public sealed class AllowedGroupLimitCallsTests(DemoFixture fixture) : IAsyncLifetime
{
    public Task InitializeAsync() => fixture.ImportDemoAsync();

    public Task DisposeAsync() => Task.CompletedTask;

    private async Task<(HttpStatusCode Status, long Calls)> CountAsync(string json)
    {
        var counter = fixture.App.Services.GetRequiredService<StorageCallCounter>();
        using var request = fixture.App.ShellRequest(HttpMethod.Post, "/api/v4/internal/allowed", new StringContent(json, Encoding.UTF8, "application/json"));

        // Warm: the first call of a key may write its last use, which a bench run pays once.
        using (var warm = fixture.App.ShellRequest(HttpMethod.Post, "/api/v4/internal/allowed", new StringContent(json, Encoding.UTF8, "application/json")))
        {
            using var _ = await fixture.App.Client.SendAsync(warm);
        }

        var before = counter.Count;
        using var response = await fixture.App.Client.SendAsync(request);
        Assert.Contains("\"status\":true", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        return (response.StatusCode, counter.Count - before);
    }

    [Fact]
    public async Task The_Group_Limits_Add_Their_Reads_To_A_Pull()
    {
        var plain = await CountAsync("""{"action":"git-upload-pack","project":"gnuwget/wget2.git","changes":"_any","protocol":"ssh","key_id":"11"}""");
        var limited = await CountAsync("""{"action":"git-upload-pack","project":"acme/platform/api.git","changes":"_any","protocol":"ssh","username":"mia","namespace_path":"acme","check_ip":"192.0.2.10"}""");
        Assert.Equal((HttpStatusCode.OK, HttpStatusCode.OK), (plain.Status, limited.Status));
        // The pull: 7 calls (docs/benchmarks.md). With namespace_path and check_ip, on another project: 2 more.
        Assert.Equal((7L, 9L), (plain.Calls, limited.Calls));
    }
}
