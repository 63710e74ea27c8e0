using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using InternalApi.Functions.Hosting;
using InternalApi.Functions.OpenApi;

namespace InternalApi.Tests.Infrastructure;

/// <summary>How a target's caller authenticates.</summary>
public enum MalformedAuth
{
    /// <summary>Nothing to present.</summary>
    Anonymous,

    /// <summary><c>Gitlab-Shell-Api-Request</c> JWT.</summary>
    Shell,

    /// <summary><c>Gitlab-Kas-Api-Request</c> JWT.</summary>
    Kas,

    /// <summary><c>Gitlab-Pages-Api-Request</c> JWT.</summary>
    Pages,

    /// <summary>The KAS JWT, then an agent token in <c>Authorization: Bearer</c>.</summary>
    KasAgent,

    /// <summary>The function checks its own credential (today only error tracking's token).</summary>
    Custom,

    /// <summary>A group SCIM token in <c>Authorization: Bearer</c> (the seeded group's).</summary>
    ScimGroup,

    /// <summary>The instance SCIM token in <c>Authorization: Bearer</c>.</summary>
    ScimInstance,
    /// <summary>An administrator's personal access token in <c>PRIVATE-TOKEN</c> (the CustomersDot and Admin Area kinds).</summary>
    AdminToken,

    /// <summary>
    /// Shell or Workhorse: aimed with Workhorse's JWT and its <c>Gitlab-Workhorse</c> header (the shell JWT of these
    /// functions is the one of <see cref="Shell"/>); without them the answer is 403.
    /// </summary>
    Workhorse,
}

/// <summary>Which credential a request carries.</summary>
public enum MalformedCredential
{
    /// <summary>The right one for the target.</summary>
    Valid,

    /// <summary>None at all.</summary>
    None,

    /// <summary>The right header with a worthless value (every header, for a two-part credential).</summary>
    Wrong,

    /// <summary>A two-part credential whose first part is right and second part worthless (a bad agent token).</summary>
    WrongSecond,

    /// <summary>Only the first part of a two-part credential (no agent token).</summary>
    FirstOnly,
}

/// <summary>What a malformed request may get back.</summary>
public enum MalformedExpectation
{
    /// <summary>Must be refused with a 4xx (by authentication or the shared request layer): the function never runs.</summary>
    Rejected,

    /// <summary>May reach the function, which answers one of its documented outcomes; it can never write.</summary>
    Tolerated,
}

/// <summary>An HTTP function to aim at: method, route (with <c>/api</c>) and how it authenticates.</summary>
public sealed record MalformedTarget(string Method, string Route, MalformedAuth Auth);

/// <summary>GitLab's exact answer to a request, where it is known: the status and the body, byte for byte.</summary>
public sealed record MalformedAnswer(int Status, string Body)
{
    /// <summary>Grape's parameter refusal (E1): 400 <c>{"error":"a is missing, b is invalid"}</c>.</summary>
    public static MalformedAnswer GrapeError(string error) => new(400, "{\"error\":" + JsonSerializer.Serialize(error) + "}");
}

/// <summary>One generated request.</summary>
public sealed record MalformedRequest(
    int Number,
    MalformedTarget Target,
    string Family,
    string PathAndQuery,
    string? ContentType,
    byte[]? Body,
    bool Chunked,
    MalformedCredential Credential,
    MalformedExpectation Expectation,
    MalformedAnswer? Exact = null)
{
    /// <summary>
    /// The request to send to the server at <paramref name="server"/>. <paramref name="credential"/> gives the headers
    /// and valid values for an auth kind (two for the agent endpoints: the KAS JWT, then the agent token); a
    /// <see cref="MalformedCredential.Wrong"/> request sends them with worthless values, <see cref="MalformedCredential.WrongSecond"/>
    /// spoils only the second and <see cref="MalformedCredential.FirstOnly"/> leaves it out. The path and query go out
    /// byte for byte (<see cref="Uri"/> would turn <c>%zz</c> into <c>%25zz</c>).
    /// </summary>
    public HttpRequestMessage ToHttpRequest(Uri server, Func<MalformedAuth, IReadOnlyList<(string Header, string Value)>> credential)
    {
        ArgumentNullException.ThrowIfNull(server);
        ArgumentNullException.ThrowIfNull(credential);
        var uri = new Uri(server.GetLeftPart(UriPartial.Authority) + PathAndQuery, new UriCreationOptions { DangerousDisablePathAndQueryCanonicalization = true });
        var request = new HttpRequestMessage(new HttpMethod(Target.Method), uri);
        if (Body is not null)
        {
            HttpContent content = Chunked ? new ChunkedContent(Body) : new ByteArrayContent(Body);
            if (ContentType is not null)
            {
                // Without validation: several of these are deliberately unparseable.
                content.Headers.TryAddWithoutValidation("Content-Type", ContentType);
            }

            request.Content = content;
        }

        var headers = Credential == MalformedCredential.None ? [] : credential(Target.Auth);
        for (var i = 0; i < headers.Count; i++)
        {
            var (header, value) = headers[i];
            var spoiled = Credential == MalformedCredential.Wrong || (i > 0 && Credential == MalformedCredential.WrongSecond);
            if (i > 0 && Credential == MalformedCredential.FirstOnly)
            {
                break;
            }

            // A worthless value in the header's own shape, so that it is refused as a credential, not as a header.
            request.Headers.TryAddWithoutValidation(header, spoiled ? (header == "Authorization" ? "Bearer x.y.z" : "x.y.z") : value);
        }

        return request;
    }

    /// <summary>Method, path, content type, credential and the first 200 bytes of the body (non-printables as <c>\xNN</c>).</summary>
    public string Describe()
    {
        var body = Body is null ? "(no body)" : $"{Body.Length} bytes{(Chunked ? ", chunked" : "")}: {Printable(Body, 200)}";
        return $"#{Number} [{Family}, expect {(Exact is null ? Expectation.ToString() : $"{Exact.Status} {Exact.Body}")}] {Target.Method} {Truncate(PathAndQuery, 300)} | Content-Type: {ContentType ?? "(none)"} | credential: {Credential} | body {body}";
    }

    /// <summary>Bytes as text, printable ASCII kept and everything else escaped.</summary>
    public static string Printable(ReadOnlySpan<byte> bytes, int max)
    {
        var text = new StringBuilder();
        foreach (var b in bytes[..Math.Min(max, bytes.Length)])
        {
            text.Append(b is >= 0x20 and < 0x7F and not (byte)'\\' ? ((char)b).ToString() : $"\\x{b:X2}");
        }

        return bytes.Length > max ? text.Append('…').ToString() : text.ToString();
    }

    private static string Truncate(string text, int max) => text.Length <= max ? text : text[..max] + "…";

    /// <summary>A body sent without a Content-Length (chunked transfer encoding).</summary>
    private sealed class ChunkedContent(byte[] bytes) : HttpContent
    {
        protected override Task SerializeToStreamAsync(Stream stream, TransportContext? context) => stream.WriteAsync(bytes).AsTask();

        protected override bool TryComputeLength(out long length)
        {
            length = 0;
            return false;
        }
    }
}

/// <summary>
/// Generates malformed requests for every HTTP function: duplicate JSON keys, invalid UTF-8, lying content
/// types, wrong JSON types for every parameter, deep nesting, oversize bodies, broken form encoding and
/// injection-shaped strings, mostly with valid credentials and some without. Deterministic for a seed.
/// <para>
/// Nothing generated may write: a function that writes when it succeeds only gets requests that must be
/// refused (or, for <c>usage_metrics</c>, that count nothing); a case that could succeed there is dropped.
/// Values never name stored entities (the seeded ones have ids and names no case uses).
/// </para>
/// <para>
/// The CustomersDot and Admin Area routes are aimed at real entities of <c>data/demo.json</c> (<see cref="DemoGroupId"/>,
/// <see cref="DemoUserId"/>, <see cref="DemoAddOn"/>), so that their parameter checks run; where a route's Grape
/// declaration is known (<see cref="Profile.Grape"/>), a request it refuses must get Grape's exact 400.
/// </para>
/// </summary>
public static class MalformedRequests
{
    /// <summary>The fixed seed: a failure reproduces with the same request numbers.</summary>
    public const int Seed = 20_251_122;

    /// <summary>
    /// Requests per target, systematic cases first, topped up with random combinations; sized so the whole run
    /// (about 50 targets) stays around two minutes on two cores.
    /// </summary>
    public const int PerTarget = 550;

    /// <summary>The test app's <c>Http:MaxRequestBodyBytes</c>; oversize cases go above it.</summary>
    public const int BodyLimit = 65_536;

    /// <summary>The group every SCIM group route is aimed at (seeded with SAML SSO and a SCIM token).</summary>
    public const string ScimGroupPath = "seeded-malformed-group";

    /// <summary>The <c>:id</c> of SCIM user routes: an external UID no identity has, so nothing can be changed.</summary>
    public const string ScimMissingId = "seeded-no-such-scim-uid";

    /// <summary>
    /// The namespace of the CustomersDot and Admin Area routes: demo group 101 <c>acme</c>, top-level, with no subscription,
    /// add-on purchase, storage exclusion or upcoming reconciliation.
    /// </summary>
    public const string DemoGroupId = "101";

    /// <summary>The target of the minute-pack moves: demo group 102 <c>acme/platform</c>, a subgroup (so no move is ever queued).</summary>
    public const string DemoSubgroupId = "102";

    /// <summary>The user of the CustomersDot user routes: demo user 29 <c>kristina</c> (no case can name it: no generated text has a 2).</summary>
    public const string DemoUserId = "29";

    /// <summary>The add-on of the add-on purchase routes: one this GitLab knows, with no purchase for <see cref="DemoGroupId"/>.</summary>
    public const string DemoAddOn = "code_suggestions";

    /// <summary>The demo groups the fixture imports (with <see cref="DemoUserId"/>); the rest of the demo data stays out, as its small ids are values cases send.</summary>
    public static readonly IReadOnlyList<string> DemoGroups = ["gnuwget", "acme", "acme/platform"];

    /// <summary>
    /// The functions to aim at: every HTTP function of the build's <c>functions.metadata</c> (the SDK's list,
    /// the same one the hosts serve), with the auth its method declares. Route parameters are filled in:
    /// <c>{groupPath}</c> with the seeded SCIM group, <c>{*id}</c> with a UID nobody has, and the CustomersDot and
    /// Admin Area ones with the demo entities (<see cref="FillRoute"/>).
    /// </summary>
    public static IReadOnlyList<MalformedTarget> Targets() =>
    [
        .. FunctionMetadata.Load(Path.Combine(AppContext.BaseDirectory, "functions.metadata")).Where(f => f.IsHttp).SelectMany(f => f.Trigger!.Methods!.Select(method => new MalformedTarget(
            method.ToUpperInvariant(),
            "/api/" + FillRoute(f.Trigger.Route!),
            FunctionEntryPoints.Resolve(f.EntryPoint).Auth switch
            {
                FunctionAuth.ShellJwt => MalformedAuth.Shell,
                FunctionAuth.KasJwt => MalformedAuth.Kas,
                FunctionAuth.PagesJwt => MalformedAuth.Pages,
                FunctionAuth.ShellOrWorkhorseJwt => MalformedAuth.Workhorse,
                FunctionAuth.KasAgentToken => MalformedAuth.KasAgent,
                FunctionAuth.Custom => MalformedAuth.Custom,
                FunctionAuth.ScimGroupToken => MalformedAuth.ScimGroup,
                FunctionAuth.ScimInstanceToken => MalformedAuth.ScimInstance,
                // CustomersDot's routes take an admin token where no CustomersDot JWT is sent (GitLab's fallback): the same
                // handlers run behind either; the JWT itself is tested in CustomersDot/CustomersDotAuthTests.
                FunctionAuth.AdminToken or FunctionAuth.PersonalToken or FunctionAuth.GitLabComAdminToken or FunctionAuth.CustomersDotToken => MalformedAuth.AdminToken,
                _ => MalformedAuth.Anonymous,
            }))),
    ];

    /// <summary>
    /// A route template with its parameters filled in: SCIM ones with the seeded group and a UID nobody has; a user's
    /// <c>{id}</c> and <c>{userId}</c> with <see cref="DemoUserId"/>; <c>{targetId}</c> with <see cref="DemoSubgroupId"/>;
    /// <c>{addOnName}</c> with <see cref="DemoAddOn"/>; any other <c>{id}</c> or <c>{namespaceId}</c> with <see cref="DemoGroupId"/>.
    /// </summary>
    public static string FillRoute(string template)
    {
        ArgumentNullException.ThrowIfNull(template);
        return template
            .Replace("{groupPath}", ScimGroupPath, StringComparison.Ordinal).Replace("{*id}", ScimMissingId, StringComparison.Ordinal)
            .Replace("users/{id}", "users/" + DemoUserId, StringComparison.Ordinal).Replace("{userId}", DemoUserId, StringComparison.Ordinal)
            .Replace("{targetId}", DemoSubgroupId, StringComparison.Ordinal).Replace("{addOnName}", DemoAddOn, StringComparison.Ordinal)
            .Replace("{namespaceId}", DemoGroupId, StringComparison.Ordinal).Replace("{id}", DemoGroupId, StringComparison.Ordinal);
    }

    /// <summary>Every request for <paramref name="targets"/>, numbered in order.</summary>
    public static IReadOnlyList<MalformedRequest> Generate(IReadOnlyList<MalformedTarget> targets, int seed = Seed, int perTarget = PerTarget)
    {
        ArgumentNullException.ThrowIfNull(targets);
        var random = new Random(seed);
        var all = new List<MalformedRequest>();
        foreach (var target in targets)
        {
            var cases = new TargetCases(target, Profiles.For(target.Method, target.Route), random, all.Count);
            cases.AddSystematic();
            // The SCIM routes share one handler per operation across both APIs: a third of the random top-up each.
            cases.FillRandom(target.Auth is MalformedAuth.ScimGroup or MalformedAuth.ScimInstance ? perTarget / 3 : perTarget);
            all.AddRange(cases.Requests);
        }

        return all;
    }

    /// <summary>How a parameter is read by the function.</summary>
    internal enum Kind
    {
        /// <summary>Text GitLab looks things up with: scalars are their text, arrays and objects read as absent.</summary>
        Text,

        /// <summary>Text as above, but an array or object is refused (<c>&lt;name&gt; is invalid</c>).</summary>
        StrictText,

        /// <summary>A list of strings, read leniently.</summary>
        TextList,

        /// <summary>An object of named non-negative integer counts (<c>counters</c>).</summary>
        Counts,

        /// <summary>An object of named integer id lists (<c>unique_counters</c>).</summary>
        IdSets,

        /// <summary>An object of anything (<c>cilium_alert</c>'s <c>alert</c>): any other value is refused.</summary>
        Object,

        /// <summary>Grape's <c>Integer</c>: JSON integers and integer text; text with anything but digits, signs and spaces, <c>true</c>, arrays and objects are invalid.</summary>
        Integer,

        /// <summary>Grape's <c>Date</c> (Ruby's <c>Date.parse</c> of a string): anything but a string is invalid; which strings parse is left open.</summary>
        Date,

        /// <summary>Grape's <c>DateTime</c>: as <see cref="Date"/>.</summary>
        DateTime,

        /// <summary>Grape's <c>Boolean</c>: <c>true</c>, <c>false</c>, <c>1</c>, <c>0</c> and dry-types' words (<c>yes</c>, <c>on</c>, <c>t</c>, …).</summary>
        Boolean,

        /// <summary>Grape's <c>Array</c> of hashes (<c>packs</c>): a string, number or boolean is invalid; what else is refused is left open.</summary>
        Objects,

        /// <summary>Grape's <c>Array[JSON]</c> (<c>upcoming_reconciliations</c>): a string is parsed as JSON; only its absence is judged.</summary>
        Json,
    }

    /// <summary>What a function does with an accepted request.</summary>
    internal enum Writes
    {
        /// <summary>Reads only, or writes only for entities that exist (which no case names).</summary>
        Never,

        /// <summary>Every accepted request writes (the receive hooks).</summary>
        Always,

        /// <summary>Writes only when a known counter is positive or an id list is non-empty (usage_metrics).</summary>
        WhenCounted,
    }

    /// <summary>
    /// A parameter. <paramref name="Required"/>: Grape's <c>requires</c> (absent is <c>&lt;name&gt; is missing</c>);
    /// <paramref name="AllowBlank"/> false: Grape's <c>allow_blank: false</c> (<c>null</c> is <c>&lt;name&gt; is empty</c>).
    /// </summary>
    internal sealed record Param(string Name, Kind Kind, bool Required = false, bool AllowBlank = true);

    /// <summary>
    /// What a function takes. <paramref name="ReadsParameters"/> false: it never looks at the query or body, so
    /// a malformed one is not refused. Unknown routes get a cautious default (reads text, always writes).
    /// <paramref name="Grape"/>: <paramref name="Parameters"/> are GitLab's Grape declaration for the route — every
    /// required parameter, and the optional ones listed in GitLab's order — and the target is real, so a request whose
    /// values Grape certainly refuses gets its exact 400 (<see cref="MalformedAnswer.GrapeError"/>). <paramref name="Answer"/>:
    /// GitLab's exact answer to every request that reaches the function (one that reads nothing, aimed where it must refuse).
    /// </summary>
    internal sealed record Profile(bool ReadsParameters, Writes Writes, IReadOnlyList<Param> Parameters, bool Grape = false, MalformedAnswer? Answer = null);

    /// <summary>The parameters each route takes, keyed by route (spec §3, §4).</summary>
    internal static class Profiles
    {
        public static readonly IReadOnlyList<string> KnownCounters = ["gitops_sync", "k8s_api_proxy_request"];

        public static readonly IReadOnlyList<string> KnownIdSets = ["agent_users_using_ci_tunnel", "flux_git_push_notified_unique_projects"];

        private static readonly Param[] ScimUsers =
        [
            new("filter", Kind.Text), new("startIndex", Kind.Text), new("count", Kind.Text),
            new("externalId", Kind.Text), new("userName", Kind.Text), new("emails", Kind.Text), new("name", Kind.Text),
        ];

        /// <summary>GitLab's <c>use :pagination</c>.</summary>
        private static readonly Param[] Pagination = [new("page", Kind.Integer), new("per_page", Kind.Integer)];

        private static readonly string Admin = "/api/v4/namespaces/" + DemoGroupId;

        private static readonly string Internal = "/api/v4/internal/gitlab_subscriptions/namespaces/" + DemoGroupId;

        private static readonly Param[] Actor = [new("key_id", Kind.Text), new("user_id", Kind.Text), new("identifier", Kind.Text), new("username", Kind.Text)];

        private static readonly Dictionary<string, Profile> ByRoute = new(StringComparer.OrdinalIgnoreCase)
        {
            ["/api/health"] = new(false, Writes.Never, []),
            ["/api/openapi.json"] = new(false, Writes.Never, []),
            ["/api/v4/internal/check"] = new(false, Writes.Never, []),
            ["/api/v4/internal/allowed"] = new(true, Writes.Never,
            [
                new("action", Kind.Text), new("protocol", Kind.Text), new("changes", Kind.Text), new("project", Kind.Text),
                new("gl_repository", Kind.Text), .. Actor, new("gitaly_client_context_bin", Kind.Text),
                new("check_ip", Kind.Text), new("namespace_path", Kind.Text),
            ]),
            ["/api/v4/internal/lfs"] = new(true, Writes.Never, [new("oid", Kind.StrictText), new("gl_repository", Kind.StrictText)]),
            ["/api/v4/internal/lfs_authenticate"] = new(true, Writes.Never,
                [new("project", Kind.Text), new("key_id", Kind.Text), new("user_id", Kind.Text), new("username", Kind.Text), new("operation", Kind.Text)]),
            ["/api/v4/internal/authorized_keys"] = new(true, Writes.Never, [new("key", Kind.Text)]),
            ["/api/v4/internal/discover"] = new(true, Writes.Never, Actor),
            ["/api/v4/internal/two_factor_recovery_codes"] = new(true, Writes.Never, [new("key_id", Kind.Text), new("user_id", Kind.Text)]),
            ["/api/v4/internal/personal_access_token"] = new(true, Writes.Never,
                [new("key_id", Kind.Text), new("user_id", Kind.Text), new("name", Kind.Text), new("scopes", Kind.TextList), new("expires_at", Kind.Text)]),
            // The hooks count any scalar as text (GitLab validates nothing: spec §3.8.1), and every accepted
            // request writes, so they only get wrong types that are refused: arrays and objects.
            ["/api/v4/internal/pre_receive"] = new(true, Writes.Always, [new("gl_repository", Kind.StrictText)]),
            ["/api/v4/internal/post_receive"] = new(true, Writes.Always,
                [new("gl_repository", Kind.StrictText), new("identifier", Kind.StrictText), new("changes", Kind.StrictText), new("push_options", Kind.TextList)]),
            ["/api/v4/internal/error_tracking/allowed"] = new(true, Writes.Never,
                [new("project_id", Kind.Text), new("public_key", Kind.Text), new("error_tracking_token", Kind.Text)]),
            ["/api/v4/internal/kubernetes/usage_metrics"] = new(true, Writes.WhenCounted, [new("counters", Kind.Counts), new("unique_counters", Kind.IdSets)]),

            // The agent endpoints authenticate with the seeded agent's token (whose last use the fixture keeps
            // from being rewritten); agent_info reads nothing, project_info only a lenient id (arrays find nothing).
            ["/api/v4/internal/kubernetes/agent_info"] = new(false, Writes.Never, []),
            ["/api/v4/internal/kubernetes/project_info"] = new(true, Writes.Never, [new("id", Kind.Text)]),
            ["/api/v4/internal/agents/agentk/agent_info"] = new(false, Writes.Never, []),
            ["/api/v4/internal/kubernetes/verify_project_access"] = new(true, Writes.Never, [new("id", Kind.Text)]),

            // KAS JWT only. No case names the seeded agent's id, a known event or a personal access token, so none of
            // these can write: a configuration for an unknown agent is 404, events without known names queue nothing,
            // and an unknown token is 400 before anything is read.
            ["/api/v4/internal/kubernetes/agent_configuration"] = new(true, Writes.Never, [new("agent_id", Kind.Text), new("agent_config", Kind.Text)]),
            ["/api/v4/internal/kubernetes/agent_events"] = new(true, Writes.Never, [new("events", Kind.Text)]),
            ["/api/v4/internal/kubernetes/authorize_proxy_user"] = new(true, Writes.Never,
                [new("agent_id", Kind.Text), new("access_type", Kind.Text), new("access_key", Kind.Text), new("csrf_token", Kind.Text)]),
            ["/api/v4/internal/kubernetes/receptive_agents"] = new(false, Writes.Never, []),
            ["/api/v4/internal/autoflow/repository_info"] = new(true, Writes.Never, [new("id", Kind.Text)]),

            // The Starboard module refuses anything short of a complete finding (400), and the seeded agent's
            // creator may not manage vulnerabilities, so even a complete one would be 403: nothing can write.
            ["/api/v4/internal/kubernetes/modules/starboard_vulnerability"] = new(true, Writes.Never, [new("vulnerability", Kind.Text), new("scanner", Kind.Text)]),
            ["/api/v4/internal/kubernetes/modules/starboard_vulnerability/scan_result"] = new(true, Writes.Never, [new("uuids", Kind.TextList)]),
            ["/api/v4/internal/kubernetes/modules/starboard_vulnerability/scan_execution_policies"] = new(false, Writes.Never, []),
            ["/api/v4/internal/kubernetes/modules/starboard_vulnerability/policies_configuration"] = new(false, Writes.Never, []),

            // Any object is an alert: every accepted request raises one, so it only gets requests that are refused.
            ["/api/v4/internal/kubernetes/modules/cilium_alert"] = new(true, Writes.Always, [new("alert", Kind.Object)]),

            // SCIM: list and create share a route, and a complete create provisions a user, so the route only gets
            // requests that are refused. The user routes name a UID nobody has: every read or change is a 404.
            ["/api/scim/v2/groups/" + ScimGroupPath + "/Users"] = new(true, Writes.Always, ScimUsers),
            ["/api/scim/v2/application/Users"] = new(true, Writes.Always, ScimUsers),
            ["/api/scim/v2/groups/" + ScimGroupPath + "/Users/" + ScimMissingId] = new(true, Writes.Never, [new("Operations", Kind.Text)]),
            ["/api/scim/v2/application/Users/" + ScimMissingId] = new(true, Writes.Never, [new("Operations", Kind.Text)]),
            // gitlab-shell's endpoints beyond the doc: no case names a CA, a key or a project that exists, so none writes
            // (packfile_stats, an object of integers, is left to the git_audit_event tests).
            ["/api/v4/internal/authorized_certs"] = new(true, Writes.Never, [new("key", Kind.Text), new("user_identifier", Kind.Text)]),
            ["/api/v4/internal/two_factor_manual_otp_check"] = new(true, Writes.Never, [new("key_id", Kind.Text), new("user_id", Kind.Text), new("otp_attempt", Kind.Text)]),
            ["/api/v4/internal/two_factor_push_otp_check"] = new(true, Writes.Never, [new("key_id", Kind.Text), new("user_id", Kind.Text)]),
            ["/api/v4/internal/shellhorse/git_audit_event"] = new(true, Writes.Never,
                [new("action", Kind.Text), new("protocol", Kind.Text), new("gl_repository", Kind.Text), new("changes", Kind.Text), new("check_ip", Kind.Text), .. Actor]),
            // The Pages daemon's lookup reads only `host`; no case names a host anything is served at (204), and a lookup never writes.
            ["/api/v4/internal/pages"] = new(true, Writes.Never, [new("host", Kind.Text)]),
            ["/api/v4/internal/pages/status"] = new(false, Writes.Never, []),

            // CustomersDot and Admin Area (spec §5), aimed at demo group acme (101), demo user kristina (29) and the add-on
            // code_suggestions: a request that passes the parameter checks reaches real entities, so a method whose valid
            // request would write only gets requests that are refused (Writes.Always). Grape: GitLab's declaration is known
            // (ee/lib/api/gitlab_subscriptions/*.rb, the internal upcoming reconciliations and users APIs), so the refusal is
            // exact. The subscription lists start_date, seats and trial only: GitLab declares end_date and plan_code before
            // seats, and the app reads them after it, so two invalid values there are named in another order (docs/customersdot.md).
            [$"POST {Admin}/gitlab_subscription"] = new(true, Writes.Always, Subscription(create: true), Grape: true),
            [$"PUT {Admin}/gitlab_subscription"] = new(true, Writes.Always, Subscription(create: false), Grape: true),

            // Reads nothing: the admin sees acme's (empty) subscription.
            [$"GET {Admin}/gitlab_subscription"] = new(false, Writes.Never, []),
            [$"POST {Admin}/subscription_add_on_purchase/{DemoAddOn}"] = new(true, Writes.Always,
                [new("quantity", Kind.Integer, Required: true), new("expires_on", Kind.Date, Required: true), new("purchase_xid", Kind.StrictText, Required: true)], Grape: true),
            [$"PUT {Admin}/subscription_add_on_purchase/{DemoAddOn}"] = new(true, Writes.Always,
                [new("expires_on", Kind.Date, Required: true), new("quantity", Kind.Integer), new("purchase_xid", Kind.StrictText)], Grape: true),

            // Reads nothing: acme has no purchase (404).
            [$"GET {Admin}/subscription_add_on_purchase/{DemoAddOn}"] = new(false, Writes.Never, []),
            ["/api/v4/namespaces/storage/limit_exclusions"] = new(true, Writes.Never, Pagination, Grape: true),
            [$"POST {Admin}/storage/limit_exclusion"] = new(true, Writes.Always, [new("reason", Kind.StrictText, Required: true)], Grape: true),

            // The function reads nothing (the shared layer still refuses what it cannot read): acme is not excluded (spec §5.9).
            [$"DELETE {Admin}/storage/limit_exclusion"] = new(true, Writes.Never, [], Answer: new(400, """{"message":"400 Bad request - not excluded"}""")),

            // An empty array of packs is valid, and what an empty addition stores is the function's business: only refusals.
            [$"POST {Admin}/minutes"] = new(true, Writes.Always, [new("packs", Kind.Objects, Required: true)], Grape: true),

            // acme/platform is a subgroup: every move is refused before anything is queued (spec §5.11).
            [$"PATCH {Admin}/minutes/move/{DemoSubgroupId}"] = new(true, Writes.Never, [],
                Answer: new(400, """{"message":"400 Bad request - Target namespace must be a top-level namespace"}""")),

            // No case builds a complete reconciliation, and no namespace has one to delete (404).
            ["PUT /api/v4/internal/upcoming_reconciliations"] = new(true, Writes.Never, [new("upcoming_reconciliations", Kind.Json, Required: true)], Grape: true),
            ["DELETE /api/v4/internal/upcoming_reconciliations"] = new(true, Writes.Never,
                [new("namespace_id", Kind.Integer, Required: true, AllowBlank: false)], Grape: true),

            // CustomersDot's current routes (GitLab's declarations of most are not at hand: types judged, answers generic).
            [$"GET {Internal}"] = new(false, Writes.Never, []),
            [$"PUT {Internal}"] = new(true, Writes.Always,
            [
                new("shared_runners_minutes_limit", Kind.Integer), new("extra_shared_runners_minutes_limit", Kind.Integer),
                new("additional_purchased_storage_size", Kind.Integer), new("additional_purchased_storage_ends_on", Kind.Date),
                new("gitlab_subscription_attributes", Kind.Text),
            ]),
            [$"GET {Internal}/owners"] = new(true, Writes.Never, Pagination),
            [$"POST {Internal}/gitlab_subscription"] = new(true, Writes.Always, Subscription(create: true)),
            [$"PUT {Internal}/gitlab_subscription"] = new(true, Writes.Always, Subscription(create: false)),
            [$"GET {Internal}/gitlab_subscription"] = new(false, Writes.Never, []),
            [$"POST {Internal}/subscription_add_on_purchases"] = new(true, Writes.Always, [new("add_on_purchases", Kind.Text)]),
            [$"GET {Internal}/subscription_add_on_purchases/{DemoAddOn}"] = new(false, Writes.Never, []),
            [$"POST {Internal}/minutes"] = new(true, Writes.Always, [new("packs", Kind.Objects, Required: true)]),
            [$"PATCH {Internal}/minutes/move/{DemoSubgroupId}"] = new(true, Writes.Never, []),

            // ee/lib/gitlab_subscriptions/api/internal/upcoming_reconciliations.rb: namespace_id comes from the path.
            [$"PUT {Internal}/upcoming_reconciliations"] = new(true, Writes.Always,
                [new("next_reconciliation_date", Kind.Date, Required: true), new("display_alert_from", Kind.Date, Required: true)], Grape: true),
            [$"DELETE {Internal}/upcoming_reconciliations"] = new(true, Writes.Never, []),
            [$"GET /api/v4/internal/gitlab_subscriptions/users/{DemoUserId}"] = new(false, Writes.Never, []),
            [$"GET {Internal}/user_permissions/{DemoUserId}"] = new(false, Writes.Never, []),

            // ee/lib/gitlab_subscriptions/api/internal/users.rb: user_id comes from the path; the rest in this order.
            [$"PUT /api/v4/internal/gitlab_subscriptions/users/{DemoUserId}/credit_card_validation"] = new(true, Writes.Always,
            [
                new("credit_card_validated_at", Kind.DateTime, Required: true), new("credit_card_expiration_month", Kind.Integer, Required: true),
                new("credit_card_expiration_year", Kind.Integer, Required: true), new("credit_card_holder_name", Kind.StrictText, Required: true),
                new("credit_card_mask_number", Kind.StrictText, Required: true), new("credit_card_type", Kind.StrictText, Required: true),
            ], Grape: true),
        };

        private static readonly Profile Unknown = new(true, Writes.Always, [new("id", Kind.Text), new("name", Kind.Text)]);

        /// <summary>A route's profile: the one for its method (<c>"PUT /api/…"</c>) if there is one, else the route's.</summary>
        public static Profile For(string method, string route) => ByRoute.GetValueOrDefault($"{method} {route}") ?? ByRoute.GetValueOrDefault(route) ?? Unknown;

        /// <summary>The subscription parameters the cases use, in GitLab's order (<c>start_date</c> required on create).</summary>
        private static Param[] Subscription(bool create) => [new("start_date", Kind.Date, Required: create), new("seats", Kind.Integer), new("trial", Kind.Boolean)];
    }

    /// <summary>The verdict on one generated request before the target's write rules apply.</summary>
    internal enum Outcome
    {
        /// <summary>Must be refused by the shared layer.</summary>
        Rejected,

        /// <summary>Accepted by the shared layer; the function decides (see <see cref="Writes"/>).</summary>
        Accepted,

        /// <summary>Accepted, and a counter would be counted.</summary>
        Counted,

        /// <summary>Not known in advance (random corruption): may be accepted.</summary>
        Unknown,
    }

    /// <summary>An <see cref="Outcome"/>, and for a refusal whose words are known, Grape's error text (<c>a is missing, b is invalid</c>).</summary>
    internal readonly record struct Verdict(Outcome Outcome, string? Error = null)
    {
        public static implicit operator Verdict(Outcome outcome) => new(outcome);

        public static Verdict FromOutcome(Outcome outcome) => new(outcome);
    }

    /// <summary>What Grape makes of one parameter's value.</summary>
    private enum Validity
    {
        Valid,
        Invalid,
        Empty,

        /// <summary>Not known for certain (or GitLab and this app are known to differ: docs/customersdot.md): not judged.</summary>
        Uncertain,
    }

    /// <summary>Wrong JSON values for any parameter, as raw JSON text.</summary>
    internal static readonly string[] WrongValues =
    [
        "\"text\"", "\"\"", "\" \"", "0", "1", "-1", "-0", "1.5", "-1.5", "1e400", "-1e400", "1e-400", "99999999999999999999999",
        "-99999999999999999999999", "9223372036854775808", "1.0", "5e0", "true", "false", "null", "[]", "[1]", "[\"a\",\"b\"]", "[[]]", "[null]",
        "{}", "{\"a\":1}", "{\"\":\"\"}", "\"NaN\"", "\"Infinity\"", "\"-0\"", "\"1e400\"", "\"0x10\"", "\"1,5\"", "\" 5 \"", "\"+5\"", "\"-5\"",
        "\"99999999999999999999999\"", "\"true\"", "\"null\"",
    ];

    /// <summary>Injection-shaped and otherwise hostile strings (valid UTF-16; a few contain NUL).</summary>
    internal static readonly string[] Injections =
    [
        "' or 1 eq 1", "' or ''='", "PartitionKey eq 'x'", "') or (PartitionKey ne '", "x' or RowKey gt '", "'", "''", "\"", "\\", "/", "#", "?", "%",
        "../../../../etc/passwd", "..\\..\\windows\\win.ini", "%2e%2e%2f%2e%2e%2f", "a%00b", "a\0b", "\0", "line1\r\nSet-Cookie: x=y", "\r\n\r\n", "\n",
        "<script>alert(1)</script>", "<?xml version=\"1.0\"?><!DOCTYPE x [<!ENTITY e SYSTEM \"file:///etc/passwd\">]><x>&e;</x>",
        "${jndi:ldap://127.0.0.1/a}", "{{7*7}}", "$(id)", "`id`", "; DROP TABLE users; --", "user-", "key-", "user-x", "key-0", "user--1",
        "project-", "project-0", "project--1", "wiki-", "snippet-", "group-", "project-99999999999999999999999", "user-1e400", "\u202Egnp.exe", "😀",
        "\uFEFF", "  ", "\t", "_any", "git-receive-pack\0", "ssh-ed25519 AAAA", "\uFFFD", "é", "ǅ",
        new string('a', 5000), new string('/', 3000), new string('\'', 2000), new string('%', 1000), new string('\\', 1000), new string('é', 3000),
        "ssh-ed25519 " + new string('A', 8000), string.Concat(Enumerable.Repeat("../", 700)),
    ];

    /// <summary>Invalid UTF-8 byte sequences.</summary>
    internal static readonly byte[][] BadUtf8 =
    [
        [0xFF], [0xFE], [0xC3, 0x28], [0xC0, 0xAF], [0xC0, 0x80], [0xE0, 0x80, 0xAF], [0xED, 0xA0, 0x80], [0xED, 0xBF, 0xBF], [0xF4, 0x90, 0x80, 0x80],
        [0xF8, 0x88, 0x80, 0x80, 0x80], [0xE2, 0x82], [0x80], [0xBF, 0xBF],
    ];

    /// <summary>Lone surrogates as JSON escapes: valid JSON grammar, invalid text.</summary>
    internal static readonly string[] LoneSurrogateEscapes = ["\\ud800", "\\udfff", "\\ud800\\u0041", "a\\udc00b", "\\ud83d"];

    /// <summary>Builds one target's cases.</summary>
    private sealed class TargetCases(MalformedTarget target, Profile profile, Random random, int numberOffset)
    {
        /// <summary>dry-types' boolean words (<c>Params::Bool</c>), exactly as they are matched.</summary>
        private static readonly HashSet<string> BooleanWords = new(StringComparer.Ordinal)
        {
            "1", "on", "On", "ON", "t", "true", "True", "TRUE", "T", "y", "yes", "Yes", "YES", "Y",
            "0", "off", "Off", "OFF", "f", "false", "False", "FALSE", "F", "n", "no", "No", "NO", "N",
        };

        private readonly HashSet<string> _seen = [];
        private readonly bool _isGet = target.Method is "GET" or "HEAD";

        public List<MalformedRequest> Requests { get; } = [];

        private IReadOnlyList<Param> Params => profile.Parameters.Count > 0 ? profile.Parameters : [new("id", Kind.Text)];

        public void AddSystematic()
        {
            DuplicateKeys();
            InvalidUtf8();
            LyingContentTypes();
            WrongTypes();
            DeepNesting();
            Oversize();
            BrokenForms();
            Injection();
            Credentials();
        }

        /// <summary>Random combinations of the same ingredients until the target has <paramref name="count"/> requests (at least 100 of them).</summary>
        public void FillRandom(int count)
        {
            count = Math.Max(count, Requests.Count + 100);
            for (var attempt = 0; Requests.Count < count && attempt < count * 200; attempt++)
            {
                RandomCase();
            }
        }

        private void DuplicateKeys()
        {
            foreach (var p in Params)
            {
                foreach (var (a, b) in new[] { ("\"a\"", "\"b\""), ("1", "2"), ("null", "\"x\""), ("[]", "{}"), ("\"x\"", "\"x\"") })
                {
                    Json("duplicate-keys", $"{{\"{p.Name}\":{a},\"{p.Name}\":{b}}}", Outcome.Rejected);
                }

                // Equal once unescaped.
                Json("duplicate-keys", $"{{\"{p.Name}\":\"a\",\"{Escaped(p.Name)}\":\"b\"}}", Outcome.Rejected);
                Json("duplicate-keys", $"{{\"{p.Name}\":{{\"k\":1,\"k\":2}}}}", Outcome.Rejected);
                var filler = string.Join(",", Enumerable.Range(0, 50).Select(i => $"\"f{i}\":{i}"));
                Json("duplicate-keys", $"{{\"{p.Name}\":\"a\",{filler},\"{p.Name}\":\"b\"}}", Outcome.Rejected);
            }

            Json("duplicate-keys", "{\"x\":{\"y\":[{\"z\":1,\"z\":2}]}}", Outcome.Rejected);
            Json("duplicate-keys", "{\"a\":1,\"b\":2,\"a\":3}", Outcome.Rejected);
            Json("duplicate-keys", "{\"\":1,\"\":2}", Outcome.Rejected);
        }

        private void InvalidUtf8()
        {
            foreach (var p in Params)
            {
                foreach (var bad in BadUtf8)
                {
                    Send("invalid-utf8-json", null, "application/json", Concat($"{{\"{p.Name}\":\"ab", bad, "cd\"}"), Outcome.Rejected);
                    Send("invalid-utf8-form", null, "application/x-www-form-urlencoded", Encoding.ASCII.GetBytes($"{p.Name}=ab{PercentBytes(bad)}cd"), Outcome.Rejected);
                    Send("invalid-utf8-query", $"{p.Name}=ab{PercentBytes(bad)}cd", null, null, Outcome.Rejected);
                }

                foreach (var escape in LoneSurrogateEscapes)
                {
                    Json("invalid-utf16-json", $"{{\"{p.Name}\":\"{escape}\"}}", Outcome.Rejected);
                }

                Send("invalid-utf8-form", null, "application/x-www-form-urlencoded", Concat($"{p.Name}=ab", [0xFF, 0xFE], "cd"), Outcome.Rejected);
                Send("invalid-utf8-form", null, "application/x-www-form-urlencoded", Concat($"{p.Name}", [0xC3], "=1"), Outcome.Rejected);
                Send("invalid-utf8-query", $"{p.Name}%FF=1", null, null, Outcome.Rejected);
            }

            foreach (var bad in BadUtf8.Take(5))
            {
                Send("invalid-utf8-json", null, "application/json", Concat("{\"", bad, "\":1}"), Outcome.Rejected);
                Send("invalid-utf8-json", null, "application/json", Concat("{\"a\":1", bad, "}"), Outcome.Rejected);
                Send("invalid-utf8-json", null, null, Concat("{\"a\":\"", bad, "\"}"), Outcome.Rejected);
                Send("invalid-utf8-form", null, "application/x-www-form-urlencoded", Encoding.ASCII.GetBytes($"{PercentBytes(bad)}=1"), Outcome.Rejected);
            }

            Json("invalid-utf16-json", "{\"\\ud800\":1}", Outcome.Rejected);
        }

        private void LyingContentTypes()
        {
            var p = Params[0];
            var json = $"{{\"{p.Name}\":\"x\"}}";
            var bodyIgnored = Judge([]);
            var parsedAsX = Judge([(p, JsonValue.Create("x"))]);

            // text/plain is a type GitLab registers without a parser: the body is not read.
            Send("content-type", null, "text/plain", Encoding.UTF8.GetBytes(json), bodyIgnored);
            Send("content-type", null, "text/plain; charset=utf-8", Encoding.UTF8.GetBytes($"{p.Name}=x"), bodyIgnored);

            // Types nobody can read: 415 for a method with a body (GET ignores bodies it cannot read).
            var unreadable = _isGet ? bodyIgnored : Outcome.Rejected;
            foreach (var (type, body) in new[]
                     {
                         ("application/xml", $"<?xml version=\"1.0\"?><{p.Name}>x</{p.Name}>"), ("text/xml", $"<r><{p.Name}>x</{p.Name}></r>"),
                         ("application/octet-stream", json), ("image/png", "\u0089PNG"), ("text/html", "<html><body>x</body></html>"),
                         ("foo", json), ("application/", json), ("/", json), ("*/*", json), ("application/jsonx", json), ("text/json", json),
                         ("application/x-www-form-urlencodedx", $"{p.Name}=x"), ("multipart/mixed; boundary=b", "--b--\r\n"), (";;;", json),
                         ("application/json-seq", json), ("text/javascript", json),
                     })
            {
                Send("content-type", null, type, Encoding.UTF8.GetBytes(body), unreadable);
            }

            // Multipart/form-data without a boundary, with the wrong one, truncated, or over the boundary length limit.
            var part = $"--b\r\nContent-Disposition: form-data; name=\"{p.Name}\"\r\n\r\nx\r\n";
            Send("multipart", null, "multipart/form-data", Encoding.UTF8.GetBytes(part + "--b--\r\n"), Outcome.Rejected);
            Send("multipart", null, "multipart/form-data; boundary=", Encoding.UTF8.GetBytes(part + "--b--\r\n"), Outcome.Rejected);
            Send("multipart", null, "multipart/form-data; boundary=\"\"", Encoding.UTF8.GetBytes(part + "--b--\r\n"), Outcome.Rejected);
            Send("multipart", null, "multipart/form-data; boundary=other", Encoding.UTF8.GetBytes(part + "--b--\r\n"), Outcome.Rejected);
            Send("multipart", null, "multipart/form-data; boundary=b", Encoding.UTF8.GetBytes(json), Outcome.Rejected);
            Send("multipart", null, "multipart/form-data; boundary=b", Encoding.UTF8.GetBytes(part), Outcome.Rejected);
            Send("multipart", null, "multipart/form-data; boundary=b", Encoding.UTF8.GetBytes(part[..^8]), Outcome.Rejected);
            Send("multipart", null, "multipart/form-data; boundary=b", Encoding.UTF8.GetBytes("--b\r\nno header line\r\n\r\nx\r\n--b--\r\n"), Outcome.Rejected);
            Send("multipart", null, "multipart/form-data; boundary=" + new string('b', 80), Encoding.UTF8.GetBytes(part), Outcome.Rejected);
            Send("multipart", null, "multipart/form-data; boundary=b", Encoding.UTF8.GetBytes("--b--\r\n"), bodyIgnored);
            Send("multipart", null, "multipart/form-data; boundary=b", [], bodyIgnored);
            Send("multipart", null, "multipart/form-data; boundary=b", Encoding.UTF8.GetBytes(part + "--b--\r\n"), parsedAsX);
            Send("multipart", null, "multipart/form-data; boundary=b", Encoding.UTF8.GetBytes(part.Replace("\r\nx\r\n", "\r\na\0b\r\n", StringComparison.Ordinal) + "--b--\r\n"), Outcome.Rejected);
            Send("multipart", null, "multipart/form-data; boundary=b", Encoding.UTF8.GetBytes(part.Replace(p.Name, p.Name + "[]", StringComparison.Ordinal) + "--b--\r\n"),
                Judge([(p, new JsonArray("x"))]));

            // JSON with a charset it does not have: the bytes are read as UTF-8, as GitLab reads them.
            Send("charset", null, "application/json; charset=latin1", Encoding.Latin1.GetBytes($"{{\"{p.Name}\":\"café\"}}"), Outcome.Rejected);
            Send("charset", null, "application/json; charset=iso-8859-1", Encoding.Latin1.GetBytes($"{{\"{p.Name}\":\"\u00ff\"}}"), Outcome.Rejected);
            Send("charset", null, "application/json; charset=latin1", Encoding.Latin1.GetBytes(json), parsedAsX);
            Send("charset", null, "application/json; charset=utf-16", Encoding.Unicode.GetBytes(json), Outcome.Rejected);
            Send("charset", null, "application/json; charset=utf-16", [.. Encoding.Unicode.GetPreamble(), .. Encoding.Unicode.GetBytes(json)], Outcome.Rejected);
            Send("charset", null, "application/json; charset=utf-16be", Encoding.BigEndianUnicode.GetBytes(json), Outcome.Rejected);
            Send("charset", null, "application/json; charset=utf-32", Encoding.UTF32.GetBytes(json), Outcome.Rejected);
            Send("charset", null, "application/json; charset=utf-16", Encoding.UTF8.GetBytes(json), parsedAsX);
            Send("charset", null, "application/json; charset=\"", Encoding.UTF8.GetBytes(json), parsedAsX);

            // Form declared, JSON sent (one odd key, no value) and the other way round.
            Send("content-type", null, "application/x-www-form-urlencoded", Encoding.UTF8.GetBytes(json), bodyIgnored);
            Send("content-type", null, "application/json", Encoding.UTF8.GetBytes($"{p.Name}=x&other=y"), Outcome.Rejected);
            Send("content-type", null, null, Encoding.UTF8.GetBytes($"{p.Name}=x"), Outcome.Rejected);
            Send("content-type", null, "application/json", Encoding.UTF8.GetBytes($"<{p.Name}>x</{p.Name}>"), Outcome.Rejected);
            Send("content-type", null, "application/json, text/plain", Encoding.UTF8.GetBytes(json), parsedAsX);
            Send("content-type", null, "APPLICATION/JSON", Encoding.UTF8.GetBytes(json), parsedAsX);
        }

        private void WrongTypes()
        {
            foreach (var p in Params)
            {
                foreach (var value in WrongValues)
                {
                    Json("wrong-type-json", $"{{\"{p.Name}\":{value}}}", Judge([(p, Parse(value))]));
                    if (p.Kind == Kind.Counts)
                    {
                        foreach (var name in Profiles.KnownCounters)
                        {
                            Json("wrong-type-json", $"{{\"{p.Name}\":{{\"{name}\":{value}}}}}", JudgeMember(p, value));
                        }
                    }

                    if (p.Kind == Kind.IdSets)
                    {
                        foreach (var name in Profiles.KnownIdSets)
                        {
                            Json("wrong-type-json", $"{{\"{p.Name}\":{{\"{name}\":{value}}}}}", JudgeMember(p, value));
                            Json("wrong-type-json", $"{{\"{p.Name}\":{{\"{name}\":[{value}]}}}}", JudgeMember(p, $"[{value}]"));
                        }
                    }
                }

                // Form and query forms of the same: arrays, hashes, empty and valueless keys, odd numbers.
                foreach (var (form, received) in FormShapes(p.Name))
                {
                    Form("wrong-type-form", form, Judge([(p, received)]));
                    Query("wrong-type-query", form, Judge([(p, received)]));
                }

                if (p.Kind is Kind.Counts or Kind.IdSets)
                {
                    var names = p.Kind == Kind.Counts ? Profiles.KnownCounters : Profiles.KnownIdSets;
                    foreach (var text in new[] { "x", "1e400", "-1", "99999999999999999999999", "1.5", "", "0", "5" })
                    {
                        var form = p.Kind == Kind.Counts ? $"{p.Name}[{names[0]}]={Uri.EscapeDataString(text)}" : $"{p.Name}[{names[0]}][]={Uri.EscapeDataString(text)}";
                        var received = p.Kind == Kind.Counts ? JsonSerializer.Serialize(text) : $"[{JsonSerializer.Serialize(text)}]";
                        Form("wrong-type-form", form, JudgeMember(p, received));
                        Query("wrong-type-query", form, JudgeMember(p, received));
                    }
                }
            }

            // Bodies that are JSON but not an object.
            foreach (var value in WrongValues.Where(v => !v.StartsWith('{')))
            {
                Json("wrong-type-json", value, Outcome.Rejected);
            }
        }

        private void DeepNesting()
        {
            var p = Params[0];
            Json("deep-nesting", $"{{\"{p.Name}\":{new string('[', 5000)}{new string(']', 5000)}}}", Outcome.Rejected);
            Json("deep-nesting", $"{{\"{p.Name}\":{string.Concat(Enumerable.Repeat("{\"a\":", 5000))}1{new string('}', 5000)}}}", Outcome.Rejected);
            Json("deep-nesting", new string('[', 5000) + new string(']', 5000), Outcome.Rejected);
            Json("deep-nesting", string.Concat(Enumerable.Repeat("{\"a\":", 5000)), Outcome.Rejected);
            Json("deep-nesting", new string('[', 5000), Outcome.Rejected);
            Json("deep-nesting", $"{{\"{p.Name}\":{new string('[', 40)}{new string(']', 40)}}}", Outcome.Rejected);
            Json("deep-nesting", $"{{\"other\":{new string('[', 20)}{new string(']', 20)}}}", Judge([]));

            // Deep form keys: far too long, then just too deep (Rack's depth limit), then fine.
            Form("deep-nesting", p.Name + string.Concat(Enumerable.Repeat("[a]", 5000)) + "=1", Outcome.Rejected);
            Form("deep-nesting", p.Name + string.Concat(Enumerable.Repeat("[a]", 40)) + "=1", Outcome.Rejected);
            Query("deep-nesting", p.Name + string.Concat(Enumerable.Repeat("[a]", 40)) + "=1", Outcome.Rejected);
            Query("deep-nesting", p.Name + string.Concat(Enumerable.Repeat("[]", 40)) + "=1", Outcome.Rejected);
            Form("deep-nesting", p.Name + string.Concat(Enumerable.Repeat("[a]", 10)) + "=1", Judge([(p, new JsonObject())]));
        }

        private void Oversize()
        {
            var p = Params[0];
            var big = new string('x', BodyLimit + 10);
            var json = Encoding.UTF8.GetBytes($"{{\"{p.Name}\":\"{big}\"}}");
            Send("oversize", null, "application/json", json, Outcome.Rejected);
            Send("oversize", null, "application/json", json, Outcome.Rejected, chunked: true);
            Send("oversize", null, null, json, Outcome.Rejected);
            Send("oversize", null, "application/x-www-form-urlencoded", Encoding.ASCII.GetBytes($"{p.Name}={big}"), Outcome.Rejected);
            Send("oversize", null, "application/x-www-form-urlencoded", Encoding.ASCII.GetBytes($"{p.Name}={big}"), Outcome.Rejected, chunked: true);
            Send("oversize", null, "multipart/form-data; boundary=b", Encoding.ASCII.GetBytes($"--b\r\nContent-Disposition: form-data; name=\"{p.Name}\"\r\n\r\n{big}\r\n--b--\r\n"), Outcome.Rejected);
            Send("oversize", null, "application/json", Encoding.UTF8.GetBytes("{" + string.Join(",", Enumerable.Range(0, 8000).Select(i => $"\"k{i}\":1")) + "}"), Outcome.Rejected);
            Send("oversize", null, "application/json", Encoding.UTF8.GetBytes(new string('[', BodyLimit + 1)), Outcome.Rejected, chunked: true);
            Send("oversize", null, "application/xml", Encoding.UTF8.GetBytes($"<a>{big}</a>"), _isGet ? Judge([]) : Outcome.Rejected);
        }

        private void BrokenForms()
        {
            var p = Params[0];
            var scalar = Judge([(p, JsonValue.Create("1"))]);
            var nothing = Judge([]);
            foreach (var (form, outcome) in new (string, Verdict)[]
                     {
                         ("%zz=1", Outcome.Rejected), ($"{p.Name}=%zz", Outcome.Rejected), ($"{p.Name}=%", Outcome.Rejected), ($"{p.Name}=%4", Outcome.Rejected),
                         ("%=1", Outcome.Rejected), ($"{p.Name}=a%g0b", Outcome.Rejected), ($"{p.Name}%=1", Outcome.Rejected),
                         ($"{p.Name}=1&" + string.Join("&", Enumerable.Repeat("a=1", 1100)), Outcome.Rejected),
                         (new string('k', 3000) + "=1", Outcome.Rejected),
                         ($"{p.Name}[=1", scalar), ($"{p.Name}]]=1", nothing), ("a[=1", nothing), ("a]]=", nothing), ("=1", nothing), ("=", nothing),
                         ("&&&", nothing), ("&=&=&", nothing), ("[]=1", nothing), ($"[{p.Name}]=1", nothing), ("[=1", nothing), ("]=1", nothing),
                         ($"{p.Name}=1&{p.Name}[]=2", Judge([(p, new JsonArray("2"))])), ($"{p.Name}[]=1&{p.Name}=2", Judge([(p, JsonValue.Create("2"))])),
                         ($"{p.Name}[a]=1&{p.Name}[]=2", Judge([(p, new JsonArray("2"))])), ($"{p.Name}[]=1&{p.Name}[a]=2", Judge([(p, new JsonObject())])),
                         ($"{p.Name}[a]b=1", Judge([(p, new JsonObject())])), ($"{p.Name}[]][=1", Judge([(p, new JsonArray("1"))])),
                         ($"{p.Name}=1=2", Judge([(p, JsonValue.Create("1=2"))])), ($"{p.Name}=a+b%2B", Judge([(p, JsonValue.Create("a b+"))])),
                     })
            {
                Form("broken-form", form, outcome);
                if (form.Length < 2500)
                {
                    Query("broken-form", form, outcome);
                }
            }
        }

        private void Injection()
        {
            foreach (var p in Params)
            {
                for (var i = 0; i < Injections.Length; i++)
                {
                    var text = Injections[i];
                    var outcome = Judge([(p, JsonValue.Create(text))]);
                    Json("injection", $"{{\"{p.Name}\":{JsonSerializer.Serialize(text)}}}", outcome);

                    // Form and query renderings alternate: the decoding is shared, the run stays short.
                    if (i % 2 == 0)
                    {
                        Form("injection", $"{p.Name}={Uri.EscapeDataString(text)}", outcome);
                    }
                    else if (Uri.EscapeDataString(text).Length < 2500)
                    {
                        Query("injection", $"{p.Name}={Uri.EscapeDataString(text)}", outcome);
                    }
                }
            }
        }

        private void Credentials()
        {
            if (target.Auth == MalformedAuth.Anonymous)
            {
                return;
            }

            var p = Params[0];
            MalformedCredential[] credentials = target.Auth switch
            {
                MalformedAuth.KasAgent => [MalformedCredential.None, MalformedCredential.Wrong, MalformedCredential.WrongSecond, MalformedCredential.FirstOnly],

                // Any Gitlab-Workhorse value will do (it is Workhorse's version): only its absence is refused.
                MalformedAuth.Workhorse => [MalformedCredential.None, MalformedCredential.Wrong, MalformedCredential.FirstOnly],
                _ => [MalformedCredential.None, MalformedCredential.Wrong],
            };
            foreach (var credential in credentials)
            {
                Json("credentials", $"{{\"{p.Name}\":\"x\"}}", Outcome.Rejected, credential);
                Json("credentials", "{\"a\":", Outcome.Rejected, credential);
                Send("credentials", null, "application/json", Encoding.UTF8.GetBytes($"{{\"{p.Name}\":\"{new string('x', BodyLimit + 10)}\"}}"), Outcome.Rejected, credential: credential);
                Send("credentials", $"{p.Name}=%FF", null, null, Outcome.Rejected, credential: credential);
                Send("credentials", null, "application/xml", Encoding.UTF8.GetBytes("<a/>"), Outcome.Rejected, credential: credential);
            }
        }

        private void RandomCase()
        {
            var chosen = Enumerable.Range(0, random.Next(1, 4)).Select(_ => random.Next(4) == 0 ? new Param("extra" + random.Next(3), Kind.Text) : Params[random.Next(Params.Count)])
                .DistinctBy(p => p.Name).ToList();
            var values = chosen.Select(p => (Param: p, Json: RandomValue(p))).ToList();
            var judged = values.Select(v => (v.Param, Parse(v.Json))).ToList();
            var credential = random.Next(25) == 0 ? MalformedCredential.None : random.Next(25) == 0 ? MalformedCredential.Wrong : MalformedCredential.Valid;
            var encoding = random.Next(10);
            if (encoding < 6)
            {
                var text = "{" + string.Join(",", values.Select(v => $"\"{v.Param.Name}\":{v.Json}")) + "}";
                var outcome = JudgeRandom(values);
                switch (random.Next(8))
                {
                    case 0:
                        text = text[..random.Next(1, text.Length - 1)];
                        outcome = Outcome.Rejected;
                        break;
                    case 1:
                        text = text.Insert(1, $"\"{values[0].Param.Name}\":{WrongValues[random.Next(WrongValues.Length)]},");
                        outcome = Outcome.Rejected;
                        break;
                    case 2:
                        text = text.Insert(random.Next(1, text.Length), ((char)random.Next(0x21, 0x7F)).ToString());
                        outcome = Outcome.Unknown;
                        break;
                    case 3:
                        Send("random", null, "application/json", Concat("{\"zz\":\"", BadUtf8[random.Next(BadUtf8.Length)], "\"," + text[1..]), Outcome.Rejected, credential: credential);
                        return;
                    case 4:
                        var depth = random.Next(33, 200);
                        text = text[..^1] + $",\"deep\":{new string('[', depth)}{new string(']', depth)}}}";
                        outcome = Outcome.Rejected;
                        break;
                    case 5:
                        text += new[] { "x", ",", "}", "{}", " 1", "\0" }[random.Next(6)];
                        outcome = Outcome.Rejected;
                        break;
                }

                Json("random", text, outcome, credential);
                return;
            }

            var pairs = values.SelectMany(v => FormPairs(v.Param.Name, Parse(v.Json))).ToList();
            var formText = string.Join("&", pairs);
            // Form values arrive as text, and the judge reads the JSON they were made from: right for the lenient kinds,
            // not for Grape's types ("1" is a date there, 1 is not), which are therefore left open.
            Verdict formOutcome = profile.Parameters.Any(p => p.Kind is Kind.Integer or Kind.Date or Kind.DateTime or Kind.Boolean or Kind.Objects or Kind.Json)
                ? Outcome.Unknown
                : JudgeRandom(values).Outcome;
            if (random.Next(3) == 0)
            {
                // Each of these is refused wherever it lands (a bare "%" could complete a valid escape).
                formText = formText.Insert(random.Next(formText.Length + 1), new[] { "%zz", "%G", "%-1", "%FF", "%00", "%C3%28" }[random.Next(6)]);
                formOutcome = Outcome.Rejected;
            }

            if (encoding < 9)
            {
                Send("random", null, "application/x-www-form-urlencoded", Encoding.ASCII.GetBytes(formText), formOutcome, credential: credential);
            }
            else if (formText.Length < 2500)
            {
                Send("random", formText, null, null, formOutcome, credential: credential);
            }
        }

        private Verdict JudgeRandom(List<(Param Param, string Json)> values) => Judge([.. values.Select(v => (v.Param, Parse(v.Json)))]);

        private string RandomValue(Param p) => random.Next(6) switch
        {
            0 or 1 => WrongValues[random.Next(WrongValues.Length)],
            2 => JsonSerializer.Serialize(Injections[random.Next(Injections.Length)]),
            3 when p.Kind is Kind.Counts or Kind.IdSets => $"{{\"{(p.Kind == Kind.Counts ? Profiles.KnownCounters : Profiles.KnownIdSets)[random.Next(2)]}\":{WrongValues[random.Next(WrongValues.Length)]}}}",
            _ => JsonSerializer.Serialize(RandomText()),
        };

        private string RandomText()
        {
            const string alphabet = "abcXYZ019 -_./\\'\"%&=?#[]{}<>:;,+*!~`\r\n\t\0éß€😀\u202E\uFEFF";
            var text = new StringBuilder();
            for (var i = random.Next(0, random.Next(2) == 0 ? 20 : 600); i > 0; i--)
            {
                var c = alphabet[random.Next(alphabet.Length)];
                if (char.IsHighSurrogate(c))
                {
                    text.Append("😀");
                }
                else if (!char.IsLowSurrogate(c))
                {
                    text.Append(c);
                }
            }

            return text.ToString();
        }

        /// <summary>Form renderings of a parameter and what the app receives for each.</summary>
        private static IEnumerable<(string Form, JsonNode? Received)> FormShapes(string name) =>
        [
            ($"{name}[]=a", new JsonArray("a")), ($"{name}[]=1&{name}[]=2", new JsonArray("1", "2")), ($"{name}[a]=1", new JsonObject { ["a"] = "1" }),
            ($"{name}[a][b]=1", new JsonObject()), ($"{name}[][]=1", new JsonObject()), ($"{name}=", JsonValue.Create("")), ($"{name}", JsonValue.Create("")),
            ($"{name}=1e400", JsonValue.Create("1e400")), ($"{name}=-0", JsonValue.Create("-0")), ($"{name}=NaN", JsonValue.Create("NaN")),
            ($"{name}=99999999999999999999999", JsonValue.Create("99999999999999999999999")), ($"{name}=null", JsonValue.Create("null")),
        ];

        /// <summary>A JSON value as form pairs (scalars as text, arrays as <c>name[]</c>, objects as <c>name[key]</c>).</summary>
        private static IEnumerable<string> FormPairs(string name, JsonNode? value) => value switch
        {
            JsonArray array => array.Count == 0 ? [$"{name}[]"] : array.SelectMany(item => item is JsonValue ? FormPairs(name + "[]", item) : FormPairs(name + "[]", JsonValue.Create("x"))),
            JsonObject obj => obj.Count == 0 ? [$"{name}[x]"] : obj.SelectMany(kv => FormPairs($"{name}[{kv.Key}]", kv.Value)),
            null => [name],
            _ => [$"{name}={Uri.EscapeDataString(value.GetValueKind() == JsonValueKind.String ? value.GetValue<string>() : value.ToJsonString())}"],
        };

        /// <summary>
        /// The verdict on a request the shared layer can read, from the values the function receives (form values
        /// arrive as text): NUL anywhere is refused (as GitLab's malformed-strings check does), then each kind's rules.
        /// </summary>
        private Verdict Judge(IReadOnlyList<(Param Param, JsonNode? Value)> received)
        {
            if (received.Any(r => HasNul(r.Value)))
            {
                return Outcome.Rejected;
            }

            var counted = false;
            foreach (var (p, value) in received)
            {
                switch (p.Kind)
                {
                    case Kind.Object when value is not JsonObject:
                        return Outcome.Rejected;
                    case Kind.Counts or Kind.IdSets when value is not (null or JsonObject):
                        return Outcome.Rejected;
                    case Kind.Counts or Kind.IdSets when value is JsonObject members:
                        var known = p.Kind == Kind.Counts ? Profiles.KnownCounters : Profiles.KnownIdSets;
                        foreach (var name in known.Where(members.ContainsKey))
                        {
                            switch (JudgeMember(p, members[name]?.ToJsonString() ?? "null"))
                            {
                                case Outcome.Rejected:
                                    return Outcome.Rejected;
                                case Outcome.Counted:
                                    counted = true;
                                    break;
                            }
                        }

                        break;
                }
            }

            if (GrapeErrors(received) is { } grape)
            {
                return grape;
            }

            return profile.Writes switch
            {
                Writes.Always => Outcome.Accepted,
                Writes.WhenCounted when counted => Outcome.Counted,
                _ => Outcome.Accepted,
            };
        }

        /// <summary>
        /// Grape's verdict on the declared parameters, in declaration order (as Grape runs its validators and joins its
        /// messages): null when none is certainly refused. The words are kept only for a <see cref="Profile.Grape"/> route
        /// where every value is judged with certainty.
        /// </summary>
        private Verdict? GrapeErrors(IReadOnlyList<(Param Param, JsonNode? Value)> received)
        {
            var problems = new List<string>();
            var uncertain = false;
            foreach (var p in profile.Parameters)
            {
                var sent = received.LastOrDefault(r => r.Param.Name == p.Name);
                var validity = sent.Param is null ? (p.Required ? Validity.Empty : Validity.Valid) : Check(p, sent.Value);
                switch (validity)
                {
                    case Validity.Empty when sent.Param is null:
                        problems.Add(p.Name + " is missing");
                        break;
                    case Validity.Empty:
                        problems.Add(p.Name + " is empty");
                        break;
                    case Validity.Invalid:
                        problems.Add(p.Name + " is invalid");
                        break;
                    case Validity.Uncertain:
                        uncertain = true;
                        break;
                }
            }

            return problems.Count == 0 ? null : new Verdict(Outcome.Rejected, profile.Grape && !uncertain ? string.Join(", ", problems) : null);
        }

        /// <summary>
        /// One sent value as Grape's coercion (and <c>allow_blank: false</c>) reads it. Grape reads <c>""</c> as nil for
        /// every type but String, where this app refuses it as invalid (docs/customersdot.md): left open.
        /// </summary>
        private static Validity Check(Param p, JsonNode? value)
        {
            if (p.Kind is Kind.Text or Kind.TextList or Kind.Counts or Kind.IdSets or Kind.Object)
            {
                // Not Grape-typed (or judged in Judge).
                return Validity.Valid;
            }

            if (value is null || (value is JsonValue blank && blank.GetValueKind() == JsonValueKind.String && blank.GetValue<string>().Length == 0 && p.Kind != Kind.StrictText))
            {
                // nil: "is empty" where blanks are not allowed; a required value may be nil (what follows is the handler's).
                return !p.AllowBlank && value is null ? Validity.Empty : p.Required || !p.AllowBlank || value is not null ? Validity.Uncertain : Validity.Valid;
            }

            var kind = value.GetValueKind();
            var text = kind == JsonValueKind.String ? value.GetValue<string>() : null;
            switch (p.Kind)
            {
                case Kind.StrictText:
                    return kind is JsonValueKind.Array or JsonValueKind.Object ? Validity.Invalid : Validity.Valid;
                case Kind.Integer when kind is JsonValueKind.Array or JsonValueKind.Object:
                    // Invalid, and also blank when empty: both messages where blanks are not allowed.
                    return p.AllowBlank ? Validity.Invalid : Validity.Uncertain;
                case Kind.Integer when kind is JsonValueKind.True or JsonValueKind.False:
                    return Validity.Invalid;
                case Kind.Integer when kind == JsonValueKind.Number:
                    // Ruby's Integer() of a float truncates it, of 1e400 fails: only integer literals are judged.
                    return long.TryParse(value.ToJsonString(), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out _) ? Validity.Valid : Validity.Uncertain;
                case Kind.Integer:
                    return IntegerText(text!);
                case Kind.Date or Kind.DateTime:
                    return kind == JsonValueKind.String ? Validity.Uncertain : Validity.Invalid;
                case Kind.Boolean:
                    return BooleanValue(value, kind, text);
                case Kind.Objects:
                    return kind is JsonValueKind.String or JsonValueKind.Number or JsonValueKind.True or JsonValueKind.False ? Validity.Invalid : Validity.Uncertain;
                case Kind.Json:
                    return Validity.Uncertain;
                default:
                    return Validity.Valid;
            }
        }

        /// <summary>
        /// Text as Ruby's <c>Integer(text, 10)</c> reads it: digits with a sign and ASCII spaces around are valid; any
        /// other character makes it invalid; underscores, lone signs, Unicode spaces and numbers past 64 bits are left open.
        /// </summary>
        private static Validity IntegerText(string text)
        {
            if (text.Any(c => !(char.IsAsciiDigit(c) || c is '+' or '-' or '_' || char.IsWhiteSpace(c))))
            {
                return Validity.Invalid;
            }

            var trimmed = text.Trim(' ', '\t', '\r', '\n');
            var digits = trimmed.Length > 0 && trimmed[0] is '+' or '-' ? trimmed[1..] : trimmed;
            return digits.Length > 0 && digits.All(char.IsAsciiDigit) && long.TryParse(trimmed, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out _)
                ? Validity.Valid
                : Validity.Uncertain;
        }

        /// <summary>
        /// A value as dry-types' <c>Params::Bool</c> reads it (its text, case as listed). Text this app accepts and GitLab
        /// does not (other case, spaces around) is left open.
        /// </summary>
        private static Validity BooleanValue(JsonNode value, JsonValueKind kind, string? text)
        {
            if (kind is JsonValueKind.True or JsonValueKind.False)
            {
                return Validity.Valid;
            }

            if (kind is JsonValueKind.Array or JsonValueKind.Object)
            {
                return Validity.Invalid;
            }

            if (kind == JsonValueKind.Number)
            {
                return value.ToJsonString() is "1" or "0" or "-0" ? Validity.Valid : Validity.Invalid;
            }

            if (BooleanWords.Contains(text!))
            {
                return Validity.Valid;
            }

            return text!.Trim().ToLowerInvariant() is "true" or "t" or "1" or "yes" or "y" or "false" or "f" or "0" or "no" or "n" ? Validity.Uncertain : Validity.Invalid;
        }


        /// <summary><c>counters[name]</c> / <c>unique_counters[name]</c> given as raw JSON, judged as the usage_metrics validator does.</summary>
        private static Outcome JudgeMember(Param p, string json)
        {
            var node = Parse(json);
            if (node is null)
            {
                return Outcome.Accepted;
            }

            if (p.Kind == Kind.Counts)
            {
                return Integer(node) switch
                {
                    null => Outcome.Rejected,
                    < 0 => Outcome.Rejected,
                    0 => Outcome.Accepted,
                    _ => Outcome.Counted,
                };
            }

            if (node is not JsonArray array || array.Any(item => item is null || Integer(item) is null))
            {
                return Outcome.Rejected;
            }

            return array.Count == 0 ? Outcome.Accepted : Outcome.Counted;
        }

        /// <summary>An integer the way the validator reads one: a long, an integral double below 9e15, or integer text.</summary>
        private static long? Integer(JsonNode node)
        {
            if (node is not JsonValue v)
            {
                return null;
            }

            var text = v.GetValueKind() == JsonValueKind.String ? v.GetValue<string>().Trim() : v.ToJsonString();
            if (v.GetValueKind() == JsonValueKind.String)
            {
                return long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var s) ? s : null;
            }

            if (v.GetValueKind() != JsonValueKind.Number)
            {
                return null;
            }

            if (long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var n))
            {
                return n;
            }

            return double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var d) && double.IsFinite(d) && d == Math.Floor(d) && Math.Abs(d) < 9e15
                ? (long)d
                : null;
        }

        private static JsonNode? Parse(string json) => JsonNode.Parse(json);

        private static bool HasNul(JsonNode? node) => node switch
        {
            JsonObject obj => obj.Any(kv => kv.Key.Contains('\0', StringComparison.Ordinal) || HasNul(kv.Value)),
            JsonArray array => array.Any(HasNul),
            JsonValue v => v.GetValueKind() == JsonValueKind.String && v.GetValue<string>().Contains('\0', StringComparison.Ordinal),
            _ => false,
        };

        private void Json(string family, string json, Verdict outcome, MalformedCredential credential = MalformedCredential.Valid) =>
            Send(family, null, "application/json", Encoding.UTF8.GetBytes(json), outcome, credential: credential);

        private void Form(string family, string form, Verdict outcome) =>
            Send(family, null, "application/x-www-form-urlencoded", Encoding.ASCII.GetBytes(form), outcome);

        private void Query(string family, string query, Verdict outcome) => Send(family, query, null, null, outcome);

        /// <summary>Adds a case unless it could succeed on a function that writes; decides what it may get.</summary>
        private void Send(string family, string? query, string? contentType, byte[]? body, Verdict verdict, bool chunked = false, MalformedCredential credential = MalformedCredential.Valid)
        {
            var outcome = verdict.Outcome;
            var error = verdict.Error;
            if (credential != MalformedCredential.Valid && target.Auth != MalformedAuth.Anonymous)
            {
                outcome = Outcome.Rejected;
                error = null;
            }
            else if (!profile.ReadsParameters && outcome == Outcome.Rejected)
            {
                // It never reads the query or the body, so nothing there is refused.
                outcome = Outcome.Accepted;
                error = null;
            }

            var mayWrite = outcome switch
            {
                Outcome.Rejected => false,
                Outcome.Counted => true,
                _ => profile.Writes == Writes.Always || (profile.Writes == Writes.WhenCounted && outcome == Outcome.Unknown),
            };
            if (mayWrite)
            {
                return;
            }

            var path = target.Route + (query is null ? "" : "?" + query);
            var key = $"{path}\n{contentType}\n{chunked}\n{credential}\n{(body is null ? "-" : Convert.ToBase64String(System.Security.Cryptography.SHA256.HashData(body)))}";
            if (!_seen.Add(key))
            {
                return;
            }

            Requests.Add(new MalformedRequest(
                numberOffset + Requests.Count + 1,
                target,
                family,
                path,
                contentType,
                body,
                chunked,
                credential,
                outcome == Outcome.Rejected ? MalformedExpectation.Rejected : MalformedExpectation.Tolerated,
                outcome switch
                {
                    Outcome.Rejected when error is not null => MalformedAnswer.GrapeError(error),
                    Outcome.Accepted when credential == MalformedCredential.Valid && profile.ReadsParameters => profile.Answer,
                    _ => null,
                }));
        }

        private static string Escaped(string name) => string.Concat(name.Select(c => $"\\u{(int)c:x4}"));

        private static string PercentBytes(byte[] bytes) => string.Concat(bytes.Select(b => $"%{b:X2}"));

        private static byte[] Concat(string before, byte[] middle, string after) => [.. Encoding.UTF8.GetBytes(before), .. middle, .. Encoding.UTF8.GetBytes(after)];
    }
}
