using System.Net;
using System.Text.Json.Nodes;
using InternalApi.Functions.Hosting;
using InternalApi.Functions.OpenApi;
using InternalApi.Tests.Infrastructure;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace InternalApi.Tests.OpenApi;

/// <summary>The served OpenAPI document against the build's own function metadata and the routes the host serves.</summary>
[Collection(AppCollection.Name)]
public sealed class OpenApiDocumentTests(AppFixture fixture)
{
    private static readonly string[] Methods = ["get", "put", "post", "delete", "patch", "head", "options"];

    private static IReadOnlyList<FunctionMetadata> Build =>
        FunctionMetadata.Load(Path.Combine(AppContext.BaseDirectory, "functions.metadata"));

    private async Task<(string Text, JsonObject Document)> FetchAsync()
    {
        using var response = await fixture.App.Client.GetAsync("/api/openapi.json");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        var text = await response.Content.ReadAsStringAsync();
        return (text, JsonNode.Parse(text)!.AsObject());
    }

    [Fact]
    public async Task Every_Http_Function_Of_The_Build_Is_Documented_With_Its_Methods_And_Auth()
    {
        var (_, document) = await FetchAsync();
        var paths = document["paths"]!.AsObject();
        var http = Build.Where(f => f.IsHttp && f.Name != nameof(global::InternalApi.Functions.Functions.RouteNotFound)).ToList();
        Assert.NotEmpty(http);
        foreach (var function in http)
        {
            var (path, _) = OpenApiDocumentBuilder.PathOf("api", function.Trigger!.Route!);
            var item = paths[path]?.AsObject();
            Assert.True(item is not null, $"{function.Name}: {path} missing");
            var auth = FunctionEntryPoints.Resolve(function.EntryPoint).Auth!.Value;
            foreach (var method in function.Trigger.Methods!)
            {
                var operation = item[method]?.AsObject();
                Assert.True(operation is not null, $"{function.Name}: {method} {path} missing");
                Assert.Equal(function.Name, operation["operationId"]!.GetValue<string>());
                var schemes = operation["security"]!.AsArray().SelectMany(r => r!.AsObject().Select(p => p.Key)).ToList();
                Assert.Equal([.. OpenApiDocumentBuilder.SchemesFor(auth), .. OpenApiDocumentBuilder.AlternativeSchemesFor(auth)], schemes);
                Assert.Equal(auth != FunctionAuth.Anonymous, operation["responses"]!["401"] is not null);
            }
        }

        var documented = paths.Sum(p => p.Value!.AsObject().Count(o => Methods.Contains(o.Key)));
        Assert.Equal(http.Sum(f => f.Trigger!.Methods!.Count), documented);
    }

    [Fact]
    public async Task CustomersDot_Routes_Take_The_Jwt_Or_An_Admin_Token_And_The_Seed_Era_Routes_Are_Deprecated()
    {
        var (_, document) = await FetchAsync();
        var paths = document["paths"]!.AsObject();
        var current = paths["/api/v4/internal/gitlab_subscriptions/namespaces/{id}/gitlab_subscription"]!["get"]!;
        Assert.Equal("""[{"customers_dot_jwt":[]},{"private_token":[]}]""", current["security"]!.ToJsonString());
        Assert.NotNull(current["responses"]!["503"]);
        Assert.Null(current["deprecated"]);
        Assert.Equal("X-Customers-Dot-Internal-Token", (string?)document["components"]!["securitySchemes"]!["customers_dot_jwt"]!["name"]);

        string[] deprecated =
        [
            "/api/v4/namespaces/{id}/gitlab_subscription", "/api/v4/namespaces/{id}/subscription_add_on_purchase/{addOnName}",
            "/api/v4/namespaces/{id}/minutes", "/api/v4/namespaces/{id}/minutes/move/{targetId}", "/api/v4/internal/upcoming_reconciliations",
        ];
        foreach (var path in deprecated)
        {
            foreach (var (method, operation) in paths[path]!.AsObject())
            {
                Assert.True(operation!["deprecated"]?.GetValue<bool>() == true, $"{method} {path} is not marked deprecated");
                Assert.Contains("/api/v4/internal/gitlab_subscriptions/", (string?)operation["description"], StringComparison.Ordinal);
            }
        }

        // Not deprecated by GitLab: the Admin Area's storage limit exclusions.
        Assert.Null(paths["/api/v4/namespaces/storage/limit_exclusions"]!["get"]!["deprecated"]);
    }

    [Fact]
    public async Task Legacy_Kas_Routes_Are_Deprecated_And_Their_Successors_Are_Not()
    {
        var (_, document) = await FetchAsync();
        var paths = document["paths"]!.AsObject();
        foreach (var (path, method) in new[]
        {
            ("/api/v4/internal/kubernetes/agent_info", "get"),
            ("/api/v4/internal/kubernetes/project_info", "get"),
            ("/api/v4/internal/kubernetes/modules/cilium_alert", "post"),
            ("/api/v4/internal/kubernetes/modules/starboard_vulnerability/scan_execution_policies", "get"),
        })
        {
            var operation = paths[path]![method]!;
            Assert.True(operation["deprecated"]?.GetValue<bool>(), $"{method} {path} is not deprecated");
            Assert.StartsWith("Legacy: kept for older callers.", operation["description"]!.GetValue<string>(), StringComparison.Ordinal);
        }

        foreach (var (path, method) in new[]
        {
            ("/api/v4/internal/agents/agentk/agent_info", "get"),
            ("/api/v4/internal/kubernetes/verify_project_access", "get"),
            ("/api/v4/internal/kubernetes/agent_configuration", "post"),
            ("/api/v4/internal/kubernetes/authorize_proxy_user", "post"),
            ("/api/v4/internal/kubernetes/agent_events", "post"),
            ("/api/v4/internal/kubernetes/receptive_agents", "get"),
            ("/api/v4/internal/autoflow/repository_info", "get"),
        })
        {
            Assert.Null(paths[path]![method]!["deprecated"]);
        }

        // The new endpoints' wire types are read from the code like every other's.
        var proxy = paths["/api/v4/internal/kubernetes/authorize_proxy_user"]!["post"]!;
        Assert.NotNull(Resolve(document, proxy["requestBody"]!["content"]!["application/json"]!["schema"]!)["properties"]!["access_type"]);
        Assert.NotNull(Resolve(document, proxy["responses"]!["2XX"]!["content"]!["application/json"]!["schema"]!)["properties"]!["access_as"]);
    }

    [Fact]
    public async Task Every_Documented_Route_Is_Served_By_The_Host()
    {
        var (_, document) = await FetchAsync();
        // What the local host mapped, in OpenAPI's spelling (parameter constraints dropped).
        var served = fixture.App.Services.GetRequiredService<EndpointDataSource>().Endpoints
            .OfType<RouteEndpoint>()
            .SelectMany(e => (e.Metadata.GetMetadata<IHttpMethodMetadata>()?.HttpMethods ?? []).Select(m =>
                (Method: m.ToLowerInvariant(), Path: OpenApiDocumentBuilder.PathOf("", e.RoutePattern.RawText!).Path)))
            .ToHashSet();
        foreach (var (path, item) in document["paths"]!.AsObject())
        {
            foreach (var method in item!.AsObject().Select(o => o.Key).Where(Methods.Contains))
            {
                Assert.True(served.Contains((method, path)), $"{method} {path} is documented but not served");
            }
        }
    }

    [Fact]
    public async Task The_Document_Is_Valid_OpenApi_With_Wire_Schemas_Read_From_The_Code()
    {
        var (text, document) = await FetchAsync();
        var read = Microsoft.OpenApi.OpenApiDocument.Parse(text, "json");
        Assert.Empty(read.Diagnostic!.Errors);
        Assert.Equal(Build.Count(f => f.IsHttp && f.Name != nameof(global::InternalApi.Functions.Functions.RouteNotFound)), read.Document!.Paths.Sum(p => p.Value.Operations!.Count));

        var allowed = document["paths"]!["/api/v4/internal/allowed"]!["post"]!;
        Assert.Equal("Git", allowed["tags"]![0]!.GetValue<string>());
        Assert.Contains("/api/v4/internal/allowed", allowed["summary"]!.GetValue<string>(), StringComparison.Ordinal);
        var body = allowed["requestBody"]!["content"]!;
        Assert.NotNull(body["application/x-www-form-urlencoded"]);
        var request = Resolve(document, body["application/json"]!["schema"]!);
        Assert.NotNull(request["properties"]!["changes"]);
        Assert.NotNull(request["properties"]!["gl_repository"]);

        // GET parameters become query parameters; snake_case as on the wire.
        var keys = document["paths"]!["/api/v4/internal/authorized_keys"]!["get"]!["parameters"]!.AsArray();
        Assert.Contains(keys, p => p!["name"]!.GetValue<string>() == "key" && p["in"]!.GetValue<string>() == "query");
        var answer = Resolve(document, document["paths"]!["/api/v4/internal/authorized_keys"]!["get"]!["responses"]!["2XX"]!["content"]!["application/json"]!["schema"]!);
        Assert.Contains(answer is JsonObject { } o && o["oneOf"] is JsonArray one ? one.Select(s => Resolve(document, s!)) : [answer],
            s => s["properties"]?["authorized_keys"] is not null || s["properties"]?["key"] is not null);
    }

    [Fact]
    public async Task The_Lfs_Object_Is_Bytes_With_Its_Query_And_Git_Audit_Events_Take_Either_Jwt()
    {
        var (_, document) = await FetchAsync();
        var lfs = document["paths"]!["/api/v4/internal/lfs"]!["get"]!;
        Assert.NotNull(lfs["responses"]!["2XX"]!["content"]!["application/octet-stream"]);
        Assert.Null(lfs["responses"]!["2XX"]!["content"]!["application/json"]);
        Assert.Equal(["oid", "gl_repository"], lfs["parameters"]!.AsArray().Select(p => p!["name"]!.GetValue<string>()));

        // Shell or Workhorse: two requirement objects, either of which will do.
        var audit = document["paths"]!["/api/v4/internal/shellhorse/git_audit_event"]!["post"]!;
        Assert.Equal(["shell_jwt", "workhorse_jwt"], audit["security"]!.AsArray().Select(r => Assert.Single(r!.AsObject()).Key));
        Assert.Equal(RequestAuthenticator.WorkhorseHeader, document["components"]!["securitySchemes"]!["workhorse_jwt"]!["name"]!.GetValue<string>());
    }

    private static JsonNode Resolve(JsonObject document, JsonNode schema) =>
        schema["$ref"]?.GetValue<string>() is { } reference
            ? document["components"]!["schemas"]![reference["#/components/schemas/".Length..]]!
            : schema;
}
