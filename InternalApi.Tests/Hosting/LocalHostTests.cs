using System.Net;
using System.Text;
using System.Text.Json;
using Azure.Storage.Queues;
using InternalApi.Functions.Functions;
using InternalApi.Functions.Hosting;
using InternalApi.Functions.OpenApi;
using InternalApi.LocalHost.FunctionApp;
using InternalApi.LocalHost.Queues;
using InternalApi.LocalHost.Rpc;
using InternalApi.Tests.Infrastructure;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace InternalApi.Tests.Hosting;

/// <summary>The local host serves exactly what the build's functions.metadata declares, with the host's queue semantics.</summary>
[Collection(AppCollection.Name)]
public sealed class LocalHostTests(AppFixture fixture)
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(60);

    private QueueServiceClient Queues => fixture.App.Services.GetRequiredService<QueueServiceClient>();

    private QueueDispatchMonitor Monitor => fixture.App.Dispatches;

    private static IReadOnlyList<FunctionMetadata> BuildMetadata() => FunctionMetadata.Load(Path.Combine(AppContext.BaseDirectory, "functions.metadata"));

    [Fact]
    public void The_Build_Metadata_Lists_Every_Function_With_Its_Route_Or_Queue()
    {
        var metadata = BuildMetadata();
        var http = metadata.Where(m => m.IsHttp).ToDictionary(m => m.Name, m => (m.Trigger!.Route, string.Join(",", m.Trigger.Methods ?? [])));
        Assert.Equal(new Dictionary<string, (string?, string)>
        {
            ["Health"] = ("health", "get"),
            ["OpenApiDocument"] = ("openapi.json", "get"),
            ["Check"] = ("v4/internal/check", "get"),
            ["Allowed"] = ("v4/internal/allowed", "post"),
            ["LfsAuthenticate"] = ("v4/internal/lfs_authenticate", "post"),
            ["LfsObject"] = ("v4/internal/lfs", "get"),
            ["AuthorizedKeys"] = ("v4/internal/authorized_keys", "get"),
            ["Discover"] = ("v4/internal/discover", "get"),
            ["TwoFactorRecoveryCodes"] = ("v4/internal/two_factor_recovery_codes", "post"),
            ["PersonalAccessTokens"] = ("v4/internal/personal_access_token", "post"),
            ["PreReceive"] = ("v4/internal/pre_receive", "post"),
            ["PostReceiveHook"] = ("v4/internal/post_receive", "post"),
            ["ErrorTrackingAllowed"] = ("v4/internal/error_tracking/allowed", "post"),
            ["KubernetesUsageMetrics"] = ("v4/internal/kubernetes/usage_metrics", "post"),
            ["AgentInfo"] = ("v4/internal/kubernetes/agent_info", "get"),
            ["ProjectInfo"] = ("v4/internal/kubernetes/project_info", "get"),
            ["StarboardVulnerability"] = ("v4/internal/kubernetes/modules/starboard_vulnerability", "put"),
            ["StarboardScanResult"] = ("v4/internal/kubernetes/modules/starboard_vulnerability/scan_result", "post"),
            ["ScanExecutionPolicies"] = ("v4/internal/kubernetes/modules/starboard_vulnerability/scan_execution_policies", "get"),
            ["PoliciesConfiguration"] = ("v4/internal/kubernetes/modules/starboard_vulnerability/policies_configuration", "get"),
            ["CiliumAlert"] = ("v4/internal/kubernetes/modules/cilium_alert", "post"),
            ["AgentkAgentInfo"] = ("v4/internal/agents/agentk/agent_info", "get"),
            ["VerifyProjectAccess"] = ("v4/internal/kubernetes/verify_project_access", "get"),
            ["KubernetesAgentConfiguration"] = ("v4/internal/kubernetes/agent_configuration", "post"),
            ["AuthorizeProxyUser"] = ("v4/internal/kubernetes/authorize_proxy_user", "post"),
            ["KubernetesAgentEvents"] = ("v4/internal/kubernetes/agent_events", "post"),
            ["ReceptiveAgents"] = ("v4/internal/kubernetes/receptive_agents", "get"),
            ["AutoflowRepositoryInfo"] = ("v4/internal/autoflow/repository_info", "get"),
            ["GroupScimListUsers"] = ("scim/v2/groups/{groupPath}/Users", "get"),
            ["GroupScimCreateUser"] = ("scim/v2/groups/{groupPath}/Users", "post"),
            ["GroupScimGetUser"] = ("scim/v2/groups/{groupPath}/Users/{*id}", "get"),
            ["GroupScimUpdateUser"] = ("scim/v2/groups/{groupPath}/Users/{*id}", "patch"),
            ["GroupScimDeleteUser"] = ("scim/v2/groups/{groupPath}/Users/{*id}", "delete"),
            ["InstanceScimListUsers"] = ("scim/v2/application/Users", "get"),
            ["InstanceScimCreateUser"] = ("scim/v2/application/Users", "post"),
            ["InstanceScimGetUser"] = ("scim/v2/application/Users/{*id}", "get"),
            ["InstanceScimUpdateUser"] = ("scim/v2/application/Users/{*id}", "patch"),
            ["InstanceScimDeleteUser"] = ("scim/v2/application/Users/{*id}", "delete"),
            ["AuthorizedCerts"] = ("v4/internal/authorized_certs", "get"),
            ["TwoFactorManualOtpCheck"] = ("v4/internal/two_factor_manual_otp_check", "post"),
            ["TwoFactorPushOtpCheck"] = ("v4/internal/two_factor_push_otp_check", "post"),
            ["GitAuditEvent"] = ("v4/internal/shellhorse/git_audit_event", "post"),
            ["CreateGitlabSubscription"] = ("v4/namespaces/{id}/gitlab_subscription", "post"),
            ["UpdateGitlabSubscription"] = ("v4/namespaces/{id}/gitlab_subscription", "put"),
            ["GetGitlabSubscription"] = ("v4/namespaces/{id}/gitlab_subscription", "get"),
            ["CreateAddOnPurchase"] = ("v4/namespaces/{id}/subscription_add_on_purchase/{addOnName}", "post"),
            ["UpdateAddOnPurchase"] = ("v4/namespaces/{id}/subscription_add_on_purchase/{addOnName}", "put"),
            ["GetAddOnPurchase"] = ("v4/namespaces/{id}/subscription_add_on_purchase/{addOnName}", "get"),
            ["ListStorageLimitExclusions"] = ("v4/namespaces/storage/limit_exclusions", "get"),
            ["CreateStorageLimitExclusion"] = ("v4/namespaces/{id}/storage/limit_exclusion", "post"),
            ["DeleteStorageLimitExclusion"] = ("v4/namespaces/{id}/storage/limit_exclusion", "delete"),
            ["CreateMinutePacks"] = ("v4/namespaces/{id}/minutes", "post"),
            ["MoveMinutePacks"] = ("v4/namespaces/{id}/minutes/move/{targetId}", "patch"),
            ["UpdateUpcomingReconciliations"] = ("v4/internal/upcoming_reconciliations", "put"),
            ["DeleteUpcomingReconciliation"] = ("v4/internal/upcoming_reconciliations", "delete"),
            ["GetInternalNamespace"] = ("v4/internal/gitlab_subscriptions/namespaces/{id}", "get"),
            ["UpdateInternalNamespace"] = ("v4/internal/gitlab_subscriptions/namespaces/{id}", "put"),
            ["ListNamespaceOwners"] = ("v4/internal/gitlab_subscriptions/namespaces/{id}/owners", "get"),
            ["GetInternalGitlabSubscription"] = ("v4/internal/gitlab_subscriptions/namespaces/{id}/gitlab_subscription", "get"),
            ["CreateInternalGitlabSubscription"] = ("v4/internal/gitlab_subscriptions/namespaces/{id}/gitlab_subscription", "post"),
            ["UpdateInternalGitlabSubscription"] = ("v4/internal/gitlab_subscriptions/namespaces/{id}/gitlab_subscription", "put"),
            ["ProvisionAddOnPurchases"] = ("v4/internal/gitlab_subscriptions/namespaces/{id}/subscription_add_on_purchases", "post"),
            ["GetInternalAddOnPurchase"] = ("v4/internal/gitlab_subscriptions/namespaces/{id}/subscription_add_on_purchases/{addOnName}", "get"),
            ["CreateInternalMinutePacks"] = ("v4/internal/gitlab_subscriptions/namespaces/{id}/minutes", "post"),
            ["MoveInternalMinutePacks"] = ("v4/internal/gitlab_subscriptions/namespaces/{id}/minutes/move/{targetId}", "patch"),
            ["UpdateNamespaceUpcomingReconciliation"] = ("v4/internal/gitlab_subscriptions/namespaces/{namespaceId}/upcoming_reconciliations", "put"),
            ["DeleteNamespaceUpcomingReconciliation"] = ("v4/internal/gitlab_subscriptions/namespaces/{namespaceId}/upcoming_reconciliations", "delete"),
            ["GetInternalUser"] = ("v4/internal/gitlab_subscriptions/users/{id}", "get"),
            ["GetUserPermissions"] = ("v4/internal/gitlab_subscriptions/namespaces/{namespaceId}/user_permissions/{userId}", "get"),
            ["UpdateCreditCardValidation"] = ("v4/internal/gitlab_subscriptions/users/{userId}/credit_card_validation", "put"),
            ["PagesLookup"] = ("v4/internal/pages", "get"),
            ["PagesStatus"] = ("v4/internal/pages/status", "get"),
            ["RouteNotFound"] = ("{*path}", "get,post,put,patch,delete"),
        }, http);
        var queues = metadata.Where(m => m.IsQueue).ToDictionary(m => m.Name, m => (m.Trigger!.QueueName, m.Trigger.Connection));
        Assert.Equal(new Dictionary<string, (string?, string?)>
        {
            ["Ping"] = ("ping", StorageConnection.Name),
            ["PostReceive"] = ("post-receive", StorageConnection.Name),
            ["UsageMetrics"] = ("usage-metrics", StorageConnection.Name),
            ["AgentEvents"] = ("agent-events", StorageConnection.Name),
            ["GitAuditEvents"] = ("git-audit-events", StorageConnection.Name),
            ["MinutesMove"] = ("minutes-move", StorageConnection.Name),
        }, queues);
    }

    [Fact]
    public async Task Every_Http_Function_In_The_Metadata_Is_Served_With_Its_Declared_Auth()
    {
        foreach (var function in BuildMetadata().Where(m => m.IsHttp && m.Name != nameof(RouteNotFound)))
        {
            var trigger = function.Trigger!;
            using var request = new HttpRequestMessage(new HttpMethod(trigger.Methods![0].ToUpperInvariant()), "/api/" + trigger.Route);
            using var response = await fixture.App.Client.SendAsync(request);
            var body = await response.Content.ReadAsStringAsync();
            var auth = FunctionEntryPoints.Resolve(function.EntryPoint).Auth;
            var scim = auth is FunctionAuth.ScimGroupToken or FunctionAuth.ScimInstanceToken;
            Assert.Equal(scim ? "application/scim+json" : "application/json", response.Content.Headers.ContentType?.MediaType);
            switch (auth)
            {
                case FunctionAuth.ScimGroupToken:
                    // The literal "{groupPath}" names no group: 404, before any token is asked for.
                    Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
                    Assert.Contains("\"status\":404", body, StringComparison.Ordinal);
                    break;
                case FunctionAuth.ScimInstanceToken:
                    // Instance SAML/SCIM is off by default.
                    Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
                    Assert.Equal("""{"message":"404 Not Found"}""", body);
                    break;
                case FunctionAuth.Anonymous:
                    Assert.Equal(HttpStatusCode.OK, response.StatusCode);
                    break;
                case FunctionAuth.KasJwt or FunctionAuth.KasAgentToken:
                    Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
                    Assert.Equal("""{"message":"KAS JWT authentication invalid"}""", body);
                    break;
                case FunctionAuth.ShellOrWorkhorseJwt:
                    // No shell header: Workhorse's JWT is what is missing, and GitLab answers that with 403.
                    Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
                    Assert.Equal("""{"message":"403 Forbidden"}""", body);
                    break;
                case FunctionAuth.GitLabComAdminToken:
                    // Not GitLab.com in this fixture: the gate answers before the token is looked at.
                    Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
                    Assert.Equal("""{"message":"403 Forbidden - This API is gitlab.com only!"}""", body);
                    break;
                default:
                    // Shell JWT, or the error tracking token (checked by the function itself).
                    Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
                    Assert.Equal("""{"message":"401 Unauthorized"}""", body);
                    break;
            }
        }
    }

    [Fact]
    public void Settings_Files_Are_Read_Once_Not_Watched()
    {
        // A watched appsettings.json means a watch on every folder of the content root (the repository under ./run.sh).
        var root = (IConfigurationRoot)fixture.App.HostServices.GetRequiredService<IConfiguration>();
        var files = root.Providers.OfType<FileConfigurationProvider>().ToList();
        Assert.NotEmpty(files);
        Assert.All(files, p => Assert.False(p.Source.ReloadOnChange, p.Source.Path));
    }

    [Fact]
    public async Task The_Host_Serves_What_The_Worker_Indexed_Which_Is_The_Build_Metadata()
    {
        // Worker indexing: the host takes the functions from the worker; they are the ones the SDK wrote into the file.
        var loaded = await fixture.App.HostServices.GetRequiredService<WorkerHub>().Functions;
        Assert.Equal(
            BuildMetadata().Where(m => m.IsQueue).Select(m => (m.Name, m.Trigger!.QueueName!)).Order(),
            loaded.Where(f => f.Trigger is QueueTrigger).Select(f => (f.Name, ((QueueTrigger)f.Trigger).QueueName)).Order());
        Assert.Equal(
            BuildMetadata().Where(m => m.IsHttp).Select(m => (m.Name, m.Trigger!.Route!)).Order(),
            loaded.Where(f => f.Trigger is HttpTrigger).Select(f => (f.Name, ((HttpTrigger)f.Trigger).Route)).Order());
    }

    [Fact]
    public async Task A_Function_Without_An_Auth_Declaration_Is_Refused()
    {
        // Fail closed: the worker's authenticator refuses a function that declares no [FunctionAuth].
        using var response = await fixture.EchoApp.Client.GetAsync("/api/test/undeclared");
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("""{"message":"401 Unauthorized"}""", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task The_Worker_Builder_Builds_And_Activates_Every_Function_Class_Without_A_Host()
    {
        using var host = TestWorker.Build(fixture.Azurite);
        await using var scope = host.Services.CreateAsyncScope();
        foreach (var function in BuildMetadata())
        {
            var entryPoint = FunctionEntryPoints.Resolve(function.EntryPoint);
            Assert.NotNull(ActivatorUtilities.CreateInstance(scope.ServiceProvider, entryPoint.Type));
            if (function.IsHttp)
            {
                Assert.NotNull(entryPoint.Auth);
            }
        }
    }

    [Fact]
    public async Task The_Listener_Runs_A_Queued_Message_And_Deletes_It()
    {
        var id = Guid.NewGuid().ToString("N");
        var sent = await Queues.SendMessageAsync(Ping.QueueName, BinaryData.FromString($$"""{"id":"{{id}}"}"""));

        var outcome = await Monitor.WaitForAsync(o => o.MessageId == sent.MessageId, Wait);
        Assert.Equal(QueueDispatchStatus.Succeeded, outcome.Status);
        Assert.Equal(1, outcome.DequeueCount);
        Assert.DoesNotContain(await Queues.PeekMessagesAsync(Ping.QueueName, 32), m => m.MessageId == sent.MessageId);
        Assert.Empty(fixture.App.Logs.Problems(sent.MessageId));
    }

    [Fact]
    public async Task A_Message_That_Always_Fails_Ends_In_The_Poison_Queue_After_MaxDequeueCount()
    {
        var text = "not a ping " + Guid.NewGuid().ToString("N");
        var sent = await Queues.SendMessageAsync(Ping.QueueName, BinaryData.FromString(text));

        var outcome = await Monitor.WaitForAsync(o => o.MessageId == sent.MessageId && o.Status == QueueDispatchStatus.Poisoned, Wait);
        Assert.Equal(5, outcome.DequeueCount);
        for (var attempt = 1; attempt < 5; attempt++)
        {
            var released = await Monitor.WaitForAsync(o => o.MessageId == sent.MessageId && o.DequeueCount == attempt, Wait);
            Assert.Equal(QueueDispatchStatus.Released, released.Status);
        }

        var poisoned = await Queues.PeekMessagesAsync("ping-poison", 32);
        Assert.Contains(poisoned, m => m.Body?.ToString() == text);
        Assert.DoesNotContain(await Queues.PeekMessagesAsync(Ping.QueueName, 32), m => m.MessageId == sent.MessageId);
        // The worker reports the function's exception; the host logs the failure with it.
        var failures = string.Join(Environment.NewLine, fixture.App.Logs.Entries.Where(e => e.EventId.Id == 2000 && e.Message.Contains(sent.MessageId, StringComparison.Ordinal)).Select(e => e.Message));

        Assert.Contains(typeof(InvalidDataException).FullName!, failures, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Unknown_Routes_And_Wrong_Methods_Answer_GitLab_Json()
    {
        using var missing = await fixture.App.Client.GetAsync("/api/v4/internal/nothing-here");
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
        Assert.Equal("""{"error":"404 Not Found"}""", await missing.Content.ReadAsStringAsync());
        using var wrong = await fixture.App.Client.GetAsync("/api/v4/internal/allowed");
        Assert.Equal(HttpStatusCode.MethodNotAllowed, wrong.StatusCode);
        Assert.Equal("""{"error":"405 Not Allowed"}""", await wrong.Content.ReadAsStringAsync());
    }
}
