using InternalApi.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace InternalApi.Tests.Hosting;

/// <summary>
/// A bad setting stops the worker when it starts, not at the first request that reads it, and the message names the
/// setting as an operator writes it (<c>Section:Key</c>). Every options class has a case.
/// </summary>
[Collection(AppCollection.Name)]
public sealed class SettingsValidationTests(AppFixture fixture)
{
    [Theory]
    [InlineData("Storage:NetworkTimeout", "00:00:00")]
    [InlineData("Storage:MaxRetries", "-1")]
    [InlineData("Storage:TablePrefix", "test-run")]
    [InlineData("Access:DecisionTimeout", "-00:00:01")]
    [InlineData("GitLab:ExternalUrl", "gitlab.example.com")]
    [InlineData("GitLab:EnabledGitAccessProtocol", "git")]
    [InlineData("GitLab:LfsTokenLifetimeSeconds", "0")]
    [InlineData("GitLab:PersonalAccessTokenMaxLifetimeDays", "-5")]
    [InlineData("Gitaly:Storages:default:Address", "localhost:8075")]
    [InlineData("TwoFactor:SshPort", "70000")]
    [InlineData("TwoFactor:OtpSessionLifetime", "00:00:00")]
    [InlineData("Shell:Leeway", "01:00:00")]
    [InlineData("Kas:AgentTokenUsageInterval", "-00:01:00")]
    [InlineData("Http:MaxRequestBodyBytes", "0")]
    [InlineData("Kubernetes:CiliumAlertsLicensed", "yes please")]
    [InlineData("Kubernetes:VulnerabilityUuidNamespace", "not-a-guid")]
    [InlineData("Scim:GroupSamlEnabled", "maybe")]
    [InlineData("Shell:SshCertificatesLicensed", "sure")]
    [InlineData("Subscriptions:GitLabCom", "2")]
    public async Task A_Bad_Setting_Stops_The_Worker_At_Start_Naming_The_Setting(string setting, string value)
    {
        // A host address nobody listens on: the worker gets as far as starting, where the settings are checked before
        // it would connect.
        using var worker = TestWorker.Build(fixture.Azurite, new Dictionary<string, string?>
        {
            [setting] = value,
            ["Functions:Worker:HostEndpoint"] = "http://127.0.0.1:9/",
        });

        var failure = await Assert.ThrowsAnyAsync<Exception>(() => worker.StartAsync().WaitAsync(TimeSpan.FromSeconds(60)));

        var messages = Messages(failure).ToList();
        Assert.True(messages.Exists(m => m.Contains(setting, StringComparison.OrdinalIgnoreCase)), $"no message names {setting}:\n{string.Join('\n', messages)}");
    }

    [Fact]
    public void The_Defaults_Pass_The_Same_Check()
    {
        using var worker = TestWorker.Build(fixture.Azurite);

        // What the worker's start runs before anything else.
        worker.Services.GetRequiredService<IStartupValidator>().Validate();
    }

    [Fact]
    public void Every_Options_Class_Of_The_App_Has_Its_Rules_Checked_At_Start()
    {
        using var worker = TestWorker.Build(fixture.Azurite);
        var unvalidated = typeof(global::InternalApi.Core.GitLabOptions).Assembly.GetTypes()
            .Concat(typeof(global::InternalApi.Functions.Hosting.HttpOptions).Assembly.GetTypes())
            .Where(t => t.GetField("SectionName", System.Reflection.BindingFlags.Public | System.Reflection.BindingFlags.Static) is { IsLiteral: true })
            .Where(t => t.IsClass && !t.IsAbstract && t.Name.EndsWith("Options", StringComparison.Ordinal))
            .Where(t => !((IEnumerable<object>)worker.Services.GetServices(typeof(IValidateOptions<>).MakeGenericType(t))).Any())
            .Select(t => t.Name)
            .ToList();

        Assert.True(unvalidated.Count == 0, "registered without .ValidateAtStart(section): " + string.Join(", ", unvalidated));
    }

    private static IEnumerable<string> Messages(Exception failure)
    {
        for (var e = failure; e is not null; e = e.InnerException)
        {
            yield return e.Message;
            if (e is AggregateException aggregate)
            {
                foreach (var inner in aggregate.InnerExceptions.SelectMany(Messages))
                {
                    yield return inner;
                }
            }
        }
    }
}
