using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using Azure.Storage.Queues;
using InternalApi.Core.Audit;
using InternalApi.Core.Auth;
using InternalApi.Core.Model;
using InternalApi.Functions.Hosting;
using InternalApi.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace InternalApi.Tests.Shell;

/// <summary>
/// <c>shellhorse/git_audit_event</c> from Workhorse (Git over HTTP): its own JWT in <c>Gitlab-Workhorse-Api-Request</c>,
/// with the <c>Gitlab-Workhorse</c> header, over real HTTP. The shell JWT, when sent, decides alone (401 when bad).
/// </summary>
[Collection(ShellExtrasCollection.Name)]
public sealed class WorkhorseAuditEventTests(ShellExtrasFixture fixture)
{
    private const string Route = "/api/v4/internal/shellhorse/git_audit_event";

    private QueueClient Queue => fixture.App.Services.GetRequiredService<QueueServiceClient>().GetQueueClient(GitAuditEventService.QueueName);

    private string Token(byte[]? key = null, string issuer = WorkhorseAuthenticator.Issuer, string? audience = null) =>
        InternalJwt.Create(key ?? TestApp.WorkhorseKey, issuer, audience, fixture.Clock, TimeSpan.FromMinutes(1));

    private async Task<(int Status, string Body)> PostAsync(string json, params (string Header, string Value)[] headers)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, Route) { Content = new StringContent(json, Encoding.UTF8, new MediaTypeHeaderValue("application/json")) };
        foreach (var (header, value) in headers)
        {
            request.Headers.TryAddWithoutValidation(header, value);
        }

        using var response = await fixture.App.Client.SendAsync(request);
        return ((int)response.StatusCode, await response.Content.ReadAsStringAsync());
    }

    private static (string, string) Workhorse(string token) => (RequestAuthenticator.WorkhorseHeader, token);

    private static readonly (string, string) Version = (RequestAuthenticator.WorkhorseVersionHeader, "v18.6.0");

    private async Task<string> BodyAsync()
    {
        var user = await fixture.UserAsync(twoFactor: false);
        var project = await fixture.ProjectAsync(user, AccessLevel.Developer);
        return $$"""{"action":"git-upload-pack","protocol":"http","gl_repository":"project-{{project.Id}}","username":"{{user.Username}}","packfile_stats":{"wants":3},"check_ip":"10.1.2.3","changes":"_any"}""";
    }

    [Fact]
    public async Task A_Workhorse_Signed_Audit_Event_Is_Recorded()
    {
        var user = await fixture.UserAsync(twoFactor: false);
        var project = await fixture.ProjectAsync(user, AccessLevel.Developer);
        var clone = $$"""{"action":"git-upload-pack","protocol":"http","gl_repository":"project-{{project.Id}}","username":"{{user.Username}}","packfile_stats":{"wants":3},"check_ip":"10.1.2.3","changes":"_any"}""";

        Assert.Equal((200, """{"status":true,"message":{"protocol":"http","action":"git-upload-pack","verb":"clone"}}"""), await PostAsync(clone, Workhorse(Token()), Version));

        var mine = new List<BinaryData>();
        foreach (var message in (await Queue.ReceiveMessagesAsync(32)).Value)
        {
            await Queue.DeleteMessageAsync(message.MessageId, message.PopReceipt);
            mine.Add(message.Body);
        }

        await fixture.App.InvokeQueueFunctionAsync("GitAuditEvents", Assert.Single(mine, b => b.ToString().Contains($"\"project_id\":{project.Id},", StringComparison.Ordinal)));
        var recorded = Assert.Single(await fixture.App.Services.GetRequiredService<AuditEventStore>().ListAsync(project.Id, 10));
        // As for gitlab-shell's events, the address is kept for SSH only.
        Assert.Equal(("clone", "http", user.Id, null), (recorded.Verb, recorded.Protocol, recorded.UserId, recorded.IpAddress));
    }

    [Fact]
    public async Task Workhorse_Credentials_Are_Refused_With_GitLabs_403()
    {
        var body = await BodyAsync();
        const string Forbidden = """{"message":"403 Forbidden"}""";
        var otherKey = RandomNumberGenerator.GetBytes(32);

        Assert.Equal((403, Forbidden), await PostAsync(body));
        Assert.Equal((403, Forbidden), await PostAsync(body, Workhorse(Token(issuer: "gitlab-shell")), Version));
        Assert.Equal((403, Forbidden), await PostAsync(body, Workhorse(Token(key: otherKey)), Version));
        Assert.Equal((403, Forbidden), await PostAsync(body, Workhorse("x.y.z"), Version));

        // Other components' tokens: the KAS JWT in either header, the shell JWT in Workhorse's.
        Assert.Equal((403, Forbidden), await PostAsync(body, (RequestAuthenticator.KasHeader, fixture.App.KasToken()), Version));
        Assert.Equal((403, Forbidden), await PostAsync(body, Workhorse(InternalJwt.Create(fixture.App.KasKey, InternalJwt.KasIssuer, InternalJwt.KasAudience, fixture.Clock, TimeSpan.FromMinutes(1))), Version));
        Assert.Equal((403, Forbidden), await PostAsync(body, Workhorse(InternalJwt.Create(fixture.App.ShellKey, InternalJwt.ShellIssuer, null, fixture.Clock, TimeSpan.FromMinutes(1))), Version));

        // A token older than GitLab's 90 s: Workhorse signs every request afresh.
        var old = Token();
        fixture.Clock.Advance(TimeSpan.FromSeconds(91));
        Assert.Equal((403, Forbidden), await PostAsync(body, Workhorse(old), Version));

        // A good token without Workhorse's own header.
        Assert.Equal((403, """{"message":"403 Forbidden - Request should be executed via GitLab Workhorse"}"""), await PostAsync(body, Workhorse(Token())));
    }

    [Fact]
    public async Task A_Shell_Header_Decides_Alone()
    {
        var body = await BodyAsync();

        // A bad shell JWT is the shell's 401, even next to a good Workhorse token.
        Assert.Equal((401, """{"message":"401 Unauthorized"}"""), await PostAsync(body, (RequestAuthenticator.ShellHeader, "x.y.z"), Workhorse(Token()), Version));
        Assert.Equal((401, """{"message":"401 Unauthorized"}"""), await PostAsync(body, (RequestAuthenticator.ShellHeader, Token())));
        Assert.Equal(200, (await fixture.PostJsonAsync(Route, body)).Status);
        await Queue.ClearMessagesAsync();
    }
}
