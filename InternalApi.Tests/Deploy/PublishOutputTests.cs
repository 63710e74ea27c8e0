using System.Net;
using System.Reflection.PortableExecutable;
using System.Text.Json.Nodes;
using InternalApi.Functions.Hosting;
using InternalApi.Functions.OpenApi;
using InternalApi.Tests.Import;
using InternalApi.Tests.Infrastructure;

namespace InternalApi.Tests.Deploy;

/// <summary>
/// What <c>dotnet publish -c Release -r linux-x64</c> produces is what Azure runs: the folder has everything
/// the Functions host needs, its code is ReadyToRun, and the published process serves every function.
/// </summary>
[Collection(PublishedAppCollection.Name)]
public sealed class PublishOutputTests(PublishedAppFixture fixture)
{
    private static IReadOnlyList<FunctionMetadata> Build =>
        FunctionMetadata.Load(Path.Combine(AppContext.BaseDirectory, "functions.metadata"));

    [Fact]
    public void The_Folder_Holds_What_The_Functions_Host_Loads()
    {
        foreach (var file in new[] { "InternalApi.Functions.dll", "InternalApi.Core.dll", "host.json", "functions.metadata", "worker.config.json", "extensions.json", "InternalApi.Functions.xml" })
        {
            Assert.True(File.Exists(Path.Combine(fixture.Folder, file)), $"{file} is missing from {fixture.Folder}");
        }

        // What Azure runs and nothing else: no recorded JIT profiles, no operator tool, no benchmarks.
        Assert.False(Directory.Exists(Path.Combine(fixture.Folder, "jit-profile")), "the package ships jit-profile/");
        foreach (var file in new[] { "InternalApi.Tool.dll", "InternalApi.Bench.dll", "System.CommandLine.dll" })
        {
            Assert.False(File.Exists(Path.Combine(fixture.Folder, file)), $"{file} is in the package");
        }

        var extensions = Path.Combine(fixture.Folder, ".azurefunctions");
        Assert.True(File.Exists(Path.Combine(extensions, "Microsoft.Azure.WebJobs.Extensions.Storage.Queues.dll")), ".azurefunctions lacks the queue extension");
        foreach (var hint in JsonNode.Parse(File.ReadAllText(Path.Combine(fixture.Folder, "extensions.json")))!["extensions"]!.AsArray())
        {
            var path = Path.Combine(fixture.Folder, hint!["hintPath"]!.GetValue<string>());
            Assert.True(File.Exists(path), $"extensions.json points at a missing {path}");
        }

        var worker = JsonNode.Parse(File.ReadAllText(Path.Combine(fixture.Folder, "worker.config.json")))!["description"]!;
        Assert.Equal("dotnet-isolated", worker["language"]!.GetValue<string>());
        Assert.Equal("InternalApi.Functions.dll", worker["defaultWorkerPath"]!.GetValue<string>());
        Assert.Equal("api", HostJson.RoutePrefix(Path.Combine(fixture.Folder, "host.json")));
        Assert.Equal(File.ReadAllText(Path.Combine(ImportTests.FindDemo(), "..", "..", "host.json")), File.ReadAllText(Path.Combine(fixture.Folder, "host.json")));
    }

    [Fact]
    public void The_Published_Metadata_Is_The_Build_Of_Every_Function()
    {
        var published = FunctionMetadata.Load(Path.Combine(fixture.Folder, "functions.metadata"));
        static string Describe(FunctionMetadata f) =>
            $"{f.Name} {f.EntryPoint} {f.Trigger?.Type} {f.Trigger?.Route ?? f.Trigger?.QueueName} {string.Join(",", f.Trigger?.Methods ?? [])}";
        Assert.Equal(Build.Select(Describe).Order(StringComparer.Ordinal), published.Select(Describe).Order(StringComparer.Ordinal));
        Assert.Contains(published, f => f.IsQueue);
    }

    [Fact]
    public void The_Runtime_Config_Caps_The_Gen0_Budget()
    {
        // The Functions host starts the worker with this file; without the cap the GC sizes gen0 from the CPU's
        // cache (80 MB on a machine of ours), and the resident set follows the hardware, not the app.
        var options = JsonNode.Parse(File.ReadAllText(Path.Combine(fixture.Folder, "InternalApi.Functions.runtimeconfig.json")))!["runtimeOptions"]!["configProperties"]!;
        var budget = options["System.GC.Gen0MaxBudget"]?.GetValue<long>();
        Assert.NotNull(budget);
        Assert.InRange(budget.Value, 1L << 20, 32L << 20);
    }

    [Fact]
    public void The_Runtime_Config_Turns_Dynamic_Pgo_Off()
    {
        // Its instrumented copies of hot methods and their profile data cost 11-12 MB of the peak under load.
        var options = JsonNode.Parse(File.ReadAllText(Path.Combine(fixture.Folder, "InternalApi.Functions.runtimeconfig.json")))!["runtimeOptions"]!["configProperties"]!;
        Assert.False(options["System.Runtime.TieredPGO"]?.GetValue<bool>());
    }

    [Theory]
    [InlineData("InternalApi.Functions.dll")]
    [InlineData("InternalApi.Core.dll")]
    public void The_App_Is_ReadyToRun(string assembly)
    {
        using var pe = new PEReader(File.OpenRead(Path.Combine(fixture.Folder, assembly)));
        // A ReadyToRun image carries precompiled code, announced by the CLR header's managed native header.
        Assert.True(pe.PEHeaders.CorHeader!.ManagedNativeHeaderDirectory.Size > 0, $"{assembly} has no ReadyToRun code");
    }

    [Fact]
    public async Task The_Published_Process_Serves_Every_Http_Function_With_Its_Auth()
    {
        foreach (var function in Build.Where(f => f.IsHttp && f.Name != nameof(global::InternalApi.Functions.Functions.RouteNotFound)))
        {
            var auth = FunctionEntryPoints.Resolve(function.EntryPoint).Auth;
            var path = SampleRoutes.Path(function.Trigger!.Route!);
            foreach (var method in function.Trigger.Methods!)
            {
                using var response = await fixture.Client.SendAsync(new HttpRequestMessage(new HttpMethod(method.ToUpperInvariant()), path));
                var status = (int)response.StatusCode;
                Assert.True(status < 500, $"{method} {path}: {status}\n{fixture.Output}");
                Assert.Contains(response.Content.Headers.ContentType?.MediaType, new[] { "application/json", "application/scim+json" });
                if (auth is FunctionAuth.ShellJwt or FunctionAuth.KasJwt or FunctionAuth.KasAgentToken or FunctionAuth.AdminToken or FunctionAuth.PersonalToken)
                {
                    Assert.True(status == 401, $"{method} {path} without credentials: {status}");
                }
                else if (auth == FunctionAuth.Anonymous)
                {
                    Assert.True(status == 200, $"{method} {path}: {status}");
                }
            }
        }
    }

    [Fact]
    public async Task The_Published_Process_Answers_Git_And_Shell_Calls_And_Runs_Its_Queue_Functions()
    {
        using (var check = await fixture.Client.SendAsync(fixture.ShellRequest(HttpMethod.Get, "/api/v4/internal/check")))
        {
            Assert.True(check.StatusCode == HttpStatusCode.OK, $"{check.StatusCode} {await check.Content.ReadAsStringAsync()}\n{fixture.Output}");
        }

        using (var keys = await fixture.Client.SendAsync(fixture.ShellRequest(HttpMethod.Get,
            "/api/v4/internal/authorized_keys?key=AAAAC3NzaC1lZDI1NTE5AAAAIIZLoVGw7mESHED7PLdyhKend81F4Vo%2B5oSRFFqdyCfS")))
        {
            Assert.Equal(HttpStatusCode.OK, keys.StatusCode);
            Assert.Equal(11, JsonNode.Parse(await keys.Content.ReadAsStringAsync())!["id"]!.GetValue<long>());
        }

        var allowed = fixture.ShellRequest(HttpMethod.Post, "/api/v4/internal/allowed");
        allowed.Content = new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["action"] = "git-upload-pack", ["key_id"] = "11", ["project"] = "gnuwget/wget2", ["protocol"] = "ssh", ["changes"] = "_any",
        });
        using (var response = await fixture.Client.SendAsync(allowed))
        {
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.True(JsonNode.Parse(await response.Content.ReadAsStringAsync())!["status"]!.GetValue<bool>());
        }

        // A push: pre_receive counts it, post_receive queues the job, the process's queue dispatcher runs it.
        var queues = new Azure.Storage.Queues.QueueServiceClient(fixture.Azurite.ConnectionString);
        foreach (var hook in new[] { "pre_receive", "post_receive" })
        {
            var request = fixture.ShellRequest(HttpMethod.Post, "/api/v4/internal/" + hook);
            request.Content = new FormUrlEncodedContent(new Dictionary<string, string>
            {
                ["gl_repository"] = "project-3", ["identifier"] = "key-11",
                ["changes"] = "0000000000000000000000000000000000000000 1111111111111111111111111111111111111111 refs/heads/published",
            });
            using var response = await fixture.Client.SendAsync(request);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }

        // Bounded wait for the other process to drain its queue: the only way to observe it from here.
        var deadline = DateTime.UtcNow.AddSeconds(60);
        var queue = queues.GetQueueClient("post-receive");
        while ((await queue.GetPropertiesAsync()).Value.ApproximateMessagesCount > 0 || (await queue.PeekMessagesAsync(1)).Value.Length > 0)
        {
            Assert.True(DateTime.UtcNow < deadline, "the published app did not process its post-receive message\n" + fixture.Output);
            await Task.Delay(100);
        }

        var poison = queues.GetQueueClient("post-receive-poison");
        Assert.False((await poison.ExistsAsync()).Value && (await poison.PeekMessagesAsync(1)).Value.Length > 0, "the job was poisoned\n" + fixture.Output);
    }

    [Fact]
    public async Task The_Published_Worker_Answers_Unknown_Paths_Wrong_Methods_And_Oversized_Bodies_As_GitLab()
    {
        using (var missing = await fixture.Client.GetAsync("/api/v4/internal/nothing-here"))
        {
            Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
            Assert.Equal("""{"error":"404 Not Found"}""", await missing.Content.ReadAsStringAsync());
        }

        using (var wrong = await fixture.Client.GetAsync("/api/v4/internal/allowed"))
        {
            Assert.Equal(HttpStatusCode.MethodNotAllowed, wrong.StatusCode);
            Assert.Equal("""{"error":"405 Not Allowed"}""", await wrong.Content.ReadAsStringAsync());
        }

        // Over the worker's limit (the fixture sets 64 KiB): the worker's JSON 413, through the host.
        var big = fixture.ShellRequest(HttpMethod.Post, "/api/v4/internal/allowed");
        big.Content = new StringContent("{\"action\":\"" + new string('x', 70_000) + "\"}", System.Text.Encoding.UTF8, "application/json");
        using (var tooLarge = await fixture.Client.SendAsync(big))
        {
            Assert.Equal(HttpStatusCode.RequestEntityTooLarge, tooLarge.StatusCode);
            Assert.Equal("""{"message":"413 Request Entity Too Large"}""", await tooLarge.Content.ReadAsStringAsync());
        }

        // A bad token: 401 as GitLab's, from the worker's authenticator.
        using var forged = new HttpRequestMessage(HttpMethod.Get, "/api/v4/internal/check");
        forged.Headers.Add(RequestAuthenticator.ShellHeader, "not-a-jwt");
        using var refused = await fixture.Client.SendAsync(forged);
        Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
        Assert.Equal("""{"message":"401 Unauthorized"}""", await refused.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task The_Published_Worker_Runs_A_Message_Of_Each_Queue_Kind_And_Poisons_A_Bad_One()
    {
        // Ping binds the QueueMessage and succeeds; text that is not a ping fails every attempt and ends in ping-poison.
        var queues = new Azure.Storage.Queues.QueueServiceClient(fixture.Azurite.ConnectionString, new Azure.Storage.Queues.QueueClientOptions { MessageEncoding = Azure.Storage.Queues.QueueMessageEncoding.Base64 });
        var ping = queues.GetQueueClient(global::InternalApi.Functions.Functions.Ping.QueueName);
        await ping.CreateIfNotExistsAsync();
        var good = (await ping.SendMessageAsync("{\"id\":\"published\"}")).Value.MessageId;
        var bad = "not a ping " + Guid.NewGuid().ToString("N");
        await ping.SendMessageAsync(bad);
        var poison = queues.GetQueueClient(global::InternalApi.Functions.Functions.Ping.QueueName + "-poison");
        var deadline = DateTime.UtcNow.AddSeconds(90);
        while (true)
        {
            var left = (await ping.PeekMessagesAsync(32)).Value;
            var poisoned = (await poison.ExistsAsync()).Value ? (await poison.PeekMessagesAsync(32)).Value : [];
            if (left.All(m => m.MessageId != good) && poisoned.Any(m => m.Body.ToString() == bad))
            {
                break;
            }

            Assert.True(DateTime.UtcNow < deadline, "the published worker did not settle both ping messages\n" + fixture.Output);
            await Task.Delay(100);
        }
    }
}
