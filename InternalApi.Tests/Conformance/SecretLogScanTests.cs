using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using InternalApi.Core.Auth;
using InternalApi.Functions.Hosting;
using InternalApi.Functions.OpenApi;
using InternalApi.LocalHost.Queues;
using InternalApi.Tests.Import;
using InternalApi.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace InternalApi.Tests.Conformance;

/// <summary>The demo data, every log level captured.</summary>
public sealed class SecretLogFixture : IsolatedAppFixture
{
    protected override IDictionary<string, string?> Settings => new Dictionary<string, string?>
    {
        ["Logging:LogLevel:Default"] = "Trace",
        ["GitLab:ErrorTrackingAccessToken"] = DemoFixture.ErrorTrackingToken,
    };

    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        using var error = new StringWriter();
        var code = await ImportCommand.RunAsync([ImportTests.FindDemo(), "--AzureWebJobsStorage=" + Azurite.ConnectionString, ImportFixture.OtpKeyArgument], TextWriter.Null, error);
        Assert.True(code == 0, error.ToString());
    }
}

[CollectionDefinition("secret-log-scan")]
public sealed class SecretLogCollection : ICollectionFixture<SecretLogFixture>;

/// <summary>
/// A full run with every secret of the demo data in play — each HTTP function of the build called with each
/// demo token in every place a credential may travel (headers, query, body), with valid and broken JWTs, plus
/// the queue work that follows — and then every captured log line (message, structured state, scopes,
/// exception) searched for each of those secrets, the app's own secrets and the JWTs sent. None may appear.
/// </summary>
[Collection("secret-log-scan")]
public sealed class SecretLogScanTests(SecretLogFixture fixture)
{
    [Fact]
    public async Task No_Secret_Of_The_Demo_Data_Or_The_App_Is_Ever_Logged()
    {
        var app = fixture.App;
        var secrets = DemoSecrets.All();
        Assert.Contains("glagent-demo-agent-token-0001", secrets);
        var shellJwt = app.ShellToken();
        var kasJwt = app.KasToken();
        var forged = InternalJwt.Create("not-the-secret"u8.ToArray(), InternalJwt.ShellIssuer, null, TimeProvider.System, TimeSpan.FromMinutes(1));
        var watched = secrets
            .Append(Encoding.UTF8.GetString(app.ShellKey))
            .Append(Convert.ToBase64String(app.KasKey))
            .Append(TestApp.TestOtpEncryptionKey)
            .Append(shellJwt).Append(kasJwt).Append(forged)
            .ToList();

        var functions = FunctionMetadata.Load(Path.Combine(AppContext.BaseDirectory, "functions.metadata")).Where(f => f.IsHttp).ToList();
        foreach (var function in functions)
        {
            var path = SampleRoutes.Path(function.Trigger!.Route!);
            foreach (var method in function.Trigger.Methods!)
            {
                foreach (var secret in secrets)
                {
                    var fields = new Dictionary<string, string>
                    {
                        ["token"] = secret, ["private_token"] = secret, ["secret_token"] = secret, ["otp_attempt"] = secret,
                        ["key_id"] = "1", ["user_id"] = "1", ["project"] = "gnuwget/wget2", ["action"] = "git-upload-pack",
                        ["protocol"] = "ssh", ["changes"] = "_any", ["gl_repository"] = "project-3", ["error_tracking_token"] = secret,
                    };
                    foreach (var (jwtHeader, jwt) in new[] { (RequestAuthenticator.ShellHeader, shellJwt), (RequestAuthenticator.KasHeader, kasJwt), (RequestAuthenticator.ShellHeader, forged) })
                    {
                        foreach (var asJson in new[] { true, false })
                        {
                            using var request = new HttpRequestMessage(new HttpMethod(method.ToUpperInvariant()), path + "?private_token=" + Uri.EscapeDataString(secret));
                            request.Headers.Add(jwtHeader, jwt);
                            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", secret);
                            request.Headers.Add("PRIVATE-TOKEN", secret);
                            request.Headers.Add("Gitlab-Error-Tracking-Token", secret);
                            if (method is not ("get" or "delete" or "head"))
                            {
                                request.Content = asJson
                                    ? new StringContent(JsonSerializer.Serialize(fields), Encoding.UTF8, "application/json")
                                    : new FormUrlEncodedContent(fields);
                            }

                            using var response = await app.Client.SendAsync(request);
                            Assert.True((int)response.StatusCode < 500, $"{method} {path}: {(int)response.StatusCode}");
                        }
                    }
                }
            }
        }

        // Queue work runs with the same logging: a push handed to post-receive, processed by the dispatcher.
        var monitor = app.Dispatches;
        var processed = monitor.WaitForAsync(o => o.FunctionName == "PostReceive" && o.Status == QueueDispatchStatus.Succeeded, TimeSpan.FromSeconds(60));
        using (var push = app.ShellRequest(HttpMethod.Post, "/api/v4/internal/post_receive",
            JsonContent(new { gl_repository = "project-3", identifier = "user-1", changes = "0000000000000000000000000000000000000000 1111111111111111111111111111111111111111 refs/heads/scan" })))
        {
            using var response = await app.Client.SendAsync(push);
            Assert.True(response.IsSuccessStatusCode);
        }

        await processed;

        var entries = app.Logs.Entries.ToList();
        Assert.NotEmpty(entries);
        Assert.Contains(entries, e => e.Scopes.Contains("invocation_id=", StringComparison.Ordinal)); // the scan sees scopes
        foreach (var entry in entries)
        {
            var text = entry.AllText;
            foreach (var secret in watched)
            {
                Assert.False(text.Contains(secret, StringComparison.Ordinal), $"{entry.Category} logged a secret ({secret[..Math.Min(8, secret.Length)]}…): {entry.Message}");
            }
        }
    }

    private static StringContent JsonContent(object body) => new(JsonSerializer.Serialize(body), Encoding.UTF8, "application/json");
}
