using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;
using InternalApi.Core.Auth;

namespace InternalApi.Bench;

/// <summary>One row of <c>bench</c>: a name and one request (or one push: two requests) that says whether it answered as expected.</summary>
internal sealed record BenchScenario(string Name, Func<int, Task<bool>> Run);

/// <summary>
/// The requests <c>bench</c> measures, on the demo data: each sent as its caller sends it (gitlab-shell mints a fresh
/// shell JWT per request, kas a fresh KAS JWT next to the agent token, CustomersDot a personal access token, an identity
/// provider its SCIM token), each checked for its status and a piece of its body; what a failed one answered goes to
/// <paramref name="failures"/>.
/// </summary>
internal sealed class BenchScenarios(HttpClient client, byte[] shellKey, byte[]? kasKey, BenchDemo demo, BenchFailures failures, byte[]? pagesKey = null)
{
    private long _storageCalls;

    private const string PushChanges = "1111111111111111111111111111111111111111 2222222222222222222222222222222222222222 refs/heads/main";

    // Pushes are spread over the demo projects: 16 pushes at once to one repository would only measure
    // contention on its ETag-guarded reference counter.
    private static readonly int[] Repositories = [3, 7, 20, 21, 22, 111];

    /// <summary>The header gitlab-shell and Gitaly send their JWT in (the bench mints one per request, as they do).</summary>
    public const string ShellHeader = "Gitlab-Shell-Api-Request";

    /// <summary>The header kas sends its JWT in.</summary>
    public const string KasHeader = "Gitlab-Kas-Api-Request";

    /// <summary>The header the Pages daemon sends its JWT in.</summary>
    public const string PagesHeader = "Gitlab-Pages-Api-Request";

    /// <summary>The agent token header a current KAS sends.</summary>
    public const string AgentHeader = "Gitlab-Agent-Api-Request";

    /// <summary>The first row: the host's forward to the worker and back, with no storage and no auth behind it.</summary>
    public const string ForwardRow = "health (bare forward)";

    /// <summary>The namespace whose subscription the subscription row reads (group <c>acme</c>: members in it and in a subgroup).</summary>
    public const long SubscriptionNamespace = 101;

    /// <summary>Every row, in the order they are measured.</summary>
    public IReadOnlyList<BenchScenario> All()
    {
        var rows = new List<BenchScenario>
        {
            // What every row pays for the host's hop (host → worker's Kestrel → our pipeline → back): an anonymous
            // function that answers from memory.
            new(ForwardRow, _ => SendAsync(HttpMethod.Get, "/api/health", null, "\"status\":\"ok\"", _ => { })),
            new("check", _ => Shell(HttpMethod.Get, "/api/v4/internal/check", null, "\"redis\":true")),
            new("discover (key 7)", _ => Shell(HttpMethod.Get, "/api/v4/internal/discover?key_id=7", null, "\"username\":\"rubi\"")),
            new("authorized_keys (key 11)", _ => Shell(HttpMethod.Get, "/api/v4/internal/authorized_keys?key=" + Uri.EscapeDataString(demo.KeyBlob), null, "\"id\":11,")),
            new("allowed pull (key 11)", _ => Shell(HttpMethod.Post, "/api/v4/internal/allowed",
                """{"action":"git-upload-pack","project":"gnuwget/wget2.git","changes":"_any","protocol":"ssh","key_id":"11"}""", "\"status\":true")),
            // gitlab-sshd after a login with acme's CA certificate, from inside acme's IP allow-list: the group limits
            // (namespace_path against the project's top-level group, check_ip against its allow-list) on top of a pull.
            new("allowed pull, cert + check_ip (mia)", _ => Shell(HttpMethod.Post, "/api/v4/internal/allowed",
                """{"action":"git-upload-pack","project":"acme/platform/api.git","changes":"_any","protocol":"ssh","username":"mia","namespace_path":"acme","check_ip":"192.0.2.10"}""", "\"status\":true")),
            new("allowed push protected (key 13)", _ => Shell(HttpMethod.Post, "/api/v4/internal/allowed",
                $$"""{"action":"git-receive-pack","gl_repository":"project-20","project":"acme/platform/api","protocol":"ssh","key_id":"13","changes":"{{PushChanges}}"}""", "\"status\":true")),
            new("lfs_authenticate (key 11)", _ => Shell(HttpMethod.Post, "/api/v4/internal/lfs_authenticate",
                """{"project":"gnuwget/wget2.git","key_id":11,"operation":"download"}""", "\"username\":\"root\"")),
            new("pre_receive+post_receive", async i =>
            {
                var repository = "project-" + Repositories[i % Repositories.Length].ToString(CultureInfo.InvariantCulture);
                return await Shell(HttpMethod.Post, "/api/v4/internal/pre_receive", $$"""{"gl_repository":"{{repository}}"}""", "\"reference_counter_increased\":true") &&
                    await Shell(HttpMethod.Post, "/api/v4/internal/post_receive",
                        $$"""{"gl_repository":"{{repository}}","identifier":"user-1","push_options":[],"changes":"{{PushChanges}}\n"}""", "\"reference_counter_decreased\":true");
            }),
        };

        if (kasKey is not null && demo.AgentToken is { } agentToken)
        {
            rows.Add(new("kas agent_info (agent 1)", _ => SendAsync(HttpMethod.Get, "/api/v4/internal/kubernetes/agent_info", null, "\"agent_id\":", request =>
            {
                request.Headers.Add(KasHeader, InternalJwt.Create(kasKey, InternalJwt.KasIssuer, InternalJwt.KasAudience, TimeProvider.System, TimeSpan.FromMinutes(1)));
                request.Headers.Authorization = new("Bearer", agentToken);
            })));

            // What a current KAS sends: the route of KAS 18.x and the generic agent header. The same three point reads
            // (token digest → agent → configuration project) as the legacy row above.
            rows.Add(new("kas agentk/agent_info (agent 1)", _ => SendAsync(HttpMethod.Get, "/api/v4/internal/agents/agentk/agent_info", null, "\"agent_id\":", request =>
            {
                request.Headers.Add(KasHeader, InternalJwt.Create(kasKey, InternalJwt.KasIssuer, InternalJwt.KasAudience, TimeProvider.System, TimeSpan.FromMinutes(1)));
                request.Headers.Add(AgentHeader, agentToken);
            })));
        }

        if (pagesKey is not null)
        {
            // The Pages daemon's lookups of the demo site: a namespace host (one single-partition query of the name
            // index, one of the namespace's sites) and a custom domain (two point reads); each signs a SAS URL.
            void Pages(HttpRequestMessage request) =>
                request.Headers.Add(PagesHeader, InternalJwt.Create(pagesKey, "gitlab-pages", null, TimeProvider.System, TimeSpan.FromMinutes(1)));
            rows.Add(new("pages lookup (gnuwget namespace)", _ => SendAsync(HttpMethod.Get, "/api/v4/internal/pages?host=gnuwget.pages.localhost", null, "\"prefix\":\"/wget2/\"", Pages)));
            rows.Add(new("pages lookup (custom domain)", _ => SendAsync(HttpMethod.Get, "/api/v4/internal/pages?host=wget2-docs.example.test", null, "\"project_id\":3,", Pages)));
        }

        if (demo.ScimGroupToken is { } scim)
        {
            var filter = Uri.EscapeDataString($"id eq \"{scim.ExternUid}\"");
            rows.Add(new($"SCIM list, filter id eq ({scim.Group})", _ => SendAsync(HttpMethod.Get, $"/api/scim/v2/groups/{scim.Group}/Users?filter={filter}", null, "\"totalResults\":1",
                request => request.Headers.Authorization = new("Bearer", scim.Token))));
            // The first page of the whole list: its total from the scope's count row, its page from a query that stops
            // after 20 rows (bench scale adds thousands of identities to this group).
            rows.Add(new($"SCIM list, first 20 ({scim.Group})", _ => SendAsync(HttpMethod.Get, $"/api/scim/v2/groups/{scim.Group}/Users?count=20", null, "\"totalResults\":",
                request => request.Headers.Authorization = new("Bearer", scim.Token))));
        }

        if (demo.AdminToken is { } admin)
        {
            rows.Add(new($"subscription GET ({SubscriptionNamespace})", _ => SendAsync(HttpMethod.Get,
                $"/api/v4/namespaces/{SubscriptionNamespace}/gitlab_subscription", null, "\"seats_in_use\":", request => request.Headers.Add("PRIVATE-TOKEN", admin))));
        }

        return rows;
    }

    /// <summary>
    /// The subscription row needs a subscription to read (without one GitLab answers every field null and counts no seats):
    /// creates a premium one on <see cref="SubscriptionNamespace"/> unless it has one. True when there is one afterwards.
    /// </summary>
    public async Task<bool> EnsureSubscriptionAsync()
    {
        if (demo.AdminToken is not { } admin)
        {
            return false;
        }

        var path = $"/api/v4/namespaces/{SubscriptionNamespace}/gitlab_subscription";
        using var get = new HttpRequestMessage(HttpMethod.Get, path);
        get.Headers.Add("PRIVATE-TOKEN", admin);
        using var current = await client.SendAsync(get);
        if ((await current.Content.ReadAsStringAsync()).Contains("\"seats_in_use\":null", StringComparison.Ordinal))
        {
            using var post = new HttpRequestMessage(HttpMethod.Post, path + "?start_date=2024-01-01&plan_code=premium&seats=10");
            post.Headers.Add("PRIVATE-TOKEN", admin);
            using var created = await client.SendAsync(post);
            return created.StatusCode == HttpStatusCode.Created;
        }

        return current.StatusCode == HttpStatusCode.OK;
    }

    /// <summary>
    /// The storage calls the answers since the last call reported (<c>X-Storage-Calls</c>, sent when the worker runs with
    /// <c>Http:StorageCallsHeader</c>), and starts again from zero.
    /// </summary>
    public long TakeStorageCalls() => Interlocked.Exchange(ref _storageCalls, 0);

    private Task<bool> Shell(HttpMethod method, string path, string? body, string expected) =>
        // gitlab-shell mints a fresh JWT for every request; so does the bench, so that verifying it is part of the cost.
        SendAsync(method, path, body, expected, request =>
            request.Headers.Add(ShellHeader, InternalJwt.Create(shellKey, InternalJwt.ShellIssuer, null, TimeProvider.System, TimeSpan.FromMinutes(1))));

    private async Task<bool> SendAsync(HttpMethod method, string path, string? body, string expected, Action<HttpRequestMessage> authenticate)
    {
        using var request = new HttpRequestMessage(method, path);
        authenticate(request);
        if (body is not null)
        {
            request.Content = new StringContent(body, Encoding.UTF8, "application/json");
        }

        var started = Stopwatch.GetTimestamp();
        using var response = await client.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        if (response.Headers.TryGetValues("X-Storage-Calls", out var calls) && long.TryParse(calls.FirstOrDefault(), NumberStyles.None, CultureInfo.InvariantCulture, out var n))
        {
            Interlocked.Add(ref _storageCalls, n);
        }

        if (response.StatusCode == HttpStatusCode.OK && text.Contains(expected, StringComparison.Ordinal))
        {
            return true;
        }

        // The path without its query: authorized_keys carries a whole key blob there.
        failures.Unexpected($"{method} {path.Split('?')[0]}", response.StatusCode, text, Stopwatch.GetElapsedTime(started));
        return false;
    }
}

/// <summary>What <c>bench</c> takes from the demo file: key 11's blob and the demo tokens of the non-shell callers.</summary>
internal sealed record BenchDemo(string KeyBlob, string? AgentToken, string? AdminToken, (string Group, string Token, string ExternUid)? ScimGroupToken)
{
    /// <summary>Reads the demo file; null when it has no key 11 (the bench drives the demo data).</summary>
    public static BenchDemo? Read(string path)
    {
        if (!File.Exists(path))
        {
            return null;
        }

        using var doc = JsonDocument.Parse(File.ReadAllText(path));
        var root = doc.RootElement;
        var blob = Items(root, "keys").Concat(Items(root, "ssh_keys"))
            .Where(k => Long(k, "id") == 11)
            .Select(k => Text(k, "key")?.Split(' ') is [_, var b, ..] ? b : null)
            .FirstOrDefault(b => b is not null);
        if (blob is null)
        {
            return null;
        }

        var agentToken = Items(root, "agents").SelectMany(a => Items(a, "tokens"))
            .FirstOrDefault(t => Text(t, "status") is null or "active") is { ValueKind: JsonValueKind.Object } token ? Text(token, "token") : null;
        var adminIds = Items(root, "users").Where(u => u.TryGetProperty("admin", out var a) && a.ValueKind == JsonValueKind.True).Select(u => Long(u, "id")).ToHashSet();
        var adminToken = Items(root, "personal_access_tokens")
            .Where(t => adminIds.Contains(Long(t, "user_id")) && Items(t, "scopes").Any(s => s.GetString() == "api"))
            .Select(t => Text(t, "token")).FirstOrDefault();
        var scim = Items(root, "scim_tokens").Where(t => Text(t, "group") is not null)
            .SelectMany(t => Items(root, "scim_identities").Where(i => Text(i, "group") == Text(t, "group"))
                .Select(i => (Group: Text(t, "group")!, Token: Text(t, "token")!, ExternUid: Text(i, "extern_uid")!)))
            .Where(s => s.Token is not null && s.ExternUid is not null)
            .Select(s => ((string, string, string)?)s).FirstOrDefault();
        return new BenchDemo(blob, agentToken, adminToken, scim);
    }

    private static JsonElement[] Items(JsonElement parent, string name) =>
        parent.TryGetProperty(name, out var items) && items.ValueKind == JsonValueKind.Array ? items.EnumerateArray().ToArray() : [];

    private static string? Text(JsonElement item, string name) =>
        item.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    private static long Long(JsonElement item, string name) =>
        item.TryGetProperty(name, out var value) && value.TryGetInt64(out var number) ? number : -1;
}
