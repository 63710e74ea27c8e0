using System.Reflection;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Schema;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;
using System.Text.RegularExpressions;
using InternalApi.Core;
using InternalApi.Core.Kubernetes;
using InternalApi.Functions.Hosting;

namespace InternalApi.Functions.OpenApi;

/// <summary>
/// Builds an OpenAPI 3.1 document of every HTTP function from what the build already holds: routes and
/// methods from <c>functions.metadata</c>, the auth each function declares, the wire types found in its code
/// (<see cref="WireContracts"/>), their JSON schemas from the source-generated serializer contexts, and the
/// classes' XML summaries. Nothing in it is written by hand, so it cannot fall behind the functions.
/// </summary>
public static partial class OpenApiDocumentBuilder
{
    private static readonly string[] BodyMethods = ["post", "put", "patch"];

    /// <summary>The security scheme(s) a caller must present for each auth kind; none for the others.</summary>
    public static IReadOnlyList<string> SchemesFor(FunctionAuth auth) => auth switch
    {
        FunctionAuth.ShellJwt => ["shell_jwt"],
        FunctionAuth.ShellOrWorkhorseJwt => ["shell_jwt"],
        FunctionAuth.KasJwt => ["kas_jwt"],
        FunctionAuth.PagesJwt => ["pages_jwt"],
        FunctionAuth.KasAgentToken => ["kas_jwt", "agent_token"],
        FunctionAuth.ScimGroupToken or FunctionAuth.ScimInstanceToken => ["scim_token"],
        FunctionAuth.AdminToken or FunctionAuth.PersonalToken or FunctionAuth.GitLabComAdminToken => ["private_token"],
        FunctionAuth.CustomersDotToken => ["customers_dot_jwt"],
        _ => [],
    };

    /// <summary>Alternatives to <see cref="SchemesFor"/>: each is enough on its own (OpenAPI's list of requirement objects).</summary>
    public static IReadOnlyList<string> AlternativeSchemesFor(FunctionAuth auth) => auth switch
    {
        // GitLab still takes an administrator's token where no CustomersDot JWT is sent (deprecated).
        FunctionAuth.CustomersDotToken => ["private_token"],

        // shellhorse/git_audit_event: gitlab-shell's JWT, or Workhorse's where no shell JWT is sent.
        FunctionAuth.ShellOrWorkhorseJwt => ["workhorse_jwt"],
        _ => [],
    };

    /// <summary>Builds the document; <paramref name="routePrefix"/> is host.json's (<c>api</c>).</summary>
    public static JsonObject Build(IEnumerable<FunctionMetadata> functions, string routePrefix)
    {
        ArgumentNullException.ThrowIfNull(functions);
        var assembly = typeof(OpenApiDocumentBuilder).Assembly;
        var summaries = XmlDocSummaries.For(assembly);
        var schemas = new SchemaSet(assembly);
        var paths = new SortedDictionary<string, JsonObject>(StringComparer.Ordinal);

        // The catch-all (RouteNotFound) is no endpoint of the API: it answers what no endpoint serves.
        foreach (var function in functions.Where(f => f.IsHttp && !(f.Trigger!.Route ?? "").StartsWith("{*", StringComparison.Ordinal)).OrderBy(f => f.Trigger!.Route, StringComparer.Ordinal))
        {
            var entry = FunctionEntryPoints.Resolve(function.EntryPoint);
            var contract = WireContracts.Of(entry.Type);
            var (path, pathParameters) = PathOf(routePrefix, function.Trigger!.Route ?? "");
            if (!paths.TryGetValue(path, out var item))
            {
                paths[path] = item = [];
            }

            foreach (var method in function.Trigger.Methods ?? ["get"])
            {
                item[method.ToLowerInvariant()] = Operation(function, entry, contract, method.ToLowerInvariant(), pathParameters, summaries, schemas);
            }
        }

        var pathsNode = new JsonObject();
        foreach (var (path, item) in paths)
        {
            pathsNode[path] = item;
        }

        return new JsonObject
        {
            ["openapi"] = "3.1.0",
            ["info"] = new JsonObject
            {
                ["title"] = "InternalApi — GitLab internal API",
                ["version"] = BuildInfo.Version,
                ["description"] = "The GitLab internal API as Azure Functions, generated from the build's function metadata and wire types.",
            },
            ["servers"] = new JsonArray(new JsonObject { ["url"] = "/" }),
            ["paths"] = pathsNode,
            ["components"] = new JsonObject
            {
                ["schemas"] = schemas.ToJson(),
                ["securitySchemes"] = SecuritySchemes(),
            },
        };
    }

    private static JsonObject Operation(
        FunctionMetadata function, FunctionEntryPoint entry, WireContract contract, string method,
        IReadOnlyList<string> pathParameters, XmlDocSummaries summaries, SchemaSet schemas)
    {
        var auth = entry.Auth ?? FunctionAuth.Anonymous;
        var operation = new JsonObject
        {
            ["operationId"] = function.Name,
            ["tags"] = new JsonArray(Tag(entry.Type)),
        };
        if (summaries.Of(entry.Type) is { } summary)
        {
            operation["summary"] = summary;
        }

        // Served for older callers only: say so, and what replaced it.
        if (entry.Type.GetCustomAttributes(typeof(LegacyEndpointAttribute), false) is [LegacyEndpointAttribute legacy])
        {
            operation["deprecated"] = true;
            operation["description"] = "Legacy: kept for older callers. " + legacy.Note;
        }

        var parameters = new JsonArray();
        foreach (var name in pathParameters)
        {
            parameters.Add(new JsonObject { ["name"] = name, ["in"] = "path", ["required"] = true, ["schema"] = new JsonObject { ["type"] = "string" } });
        }

        if (BodyMethods.Contains(method))
        {
            if (contract.Parameters.Count > 0)
            {
                var body = OneOf(contract.Parameters.Select(schemas.Reference));
                operation["requestBody"] = new JsonObject
                {
                    // gitlab-shell sends JSON; the doc's curl examples send forms; both bind the same way.
                    ["content"] = new JsonObject
                    {
                        ["application/json"] = new JsonObject { ["schema"] = body.DeepClone() },
                        ["application/x-www-form-urlencoded"] = new JsonObject { ["schema"] = body },
                    },
                };
            }
        }
        else
        {
            foreach (var type in contract.Parameters)
            {
                foreach (var (name, schema) in schemas.PropertiesOf(type))
                {
                    if (!pathParameters.Contains(name, StringComparer.Ordinal))
                    {
                        parameters.Add(new JsonObject { ["name"] = name, ["in"] = "query", ["schema"] = schema });
                    }
                }
            }
        }

        if (parameters.Count > 0)
        {
            operation["parameters"] = parameters;
        }

        var schemes = SchemesFor(auth);
        operation["security"] = schemes.Count == 0
            ? new JsonArray()
            : new JsonArray(new JsonObject(schemes.Select(s => KeyValuePair.Create<string, JsonNode?>(s, new JsonArray()))));
        foreach (var alternative in AlternativeSchemesFor(auth))
        {
            operation["security"]!.AsArray().Add(new JsonObject { [alternative] = new JsonArray() });
        }

        if (auth == FunctionAuth.Custom)
        {
            operation["description"] = "The function checks its own credential (see the endpoint's documentation).";
        }

        var responses = new JsonObject();
        var success = new JsonObject { ["description"] = "Success (GitLab's status for the method and outcome)." };
        if (StreamsBytes(entry.Type))
        {
            // The JSON types such a function names are its error bodies; its success is the bytes themselves.
            success["content"] = new JsonObject { ["application/octet-stream"] = new JsonObject { ["schema"] = new JsonObject { ["type"] = "string", ["contentMediaType"] = "application/octet-stream" } } };
        }
        else if (contract.Responses.Count > 0)
        {
            success["content"] = new JsonObject { ["application/json"] = new JsonObject { ["schema"] = OneOf(contract.Responses.Select(schemas.Reference)) } };
        }

        responses["2XX"] = success;
        if (auth != FunctionAuth.Anonymous)
        {
            responses["401"] = ErrorResponse("Missing or invalid credentials: {\"message\":\"401 Unauthorized\"}.", schemas.Reference(typeof(MessageError)));
        }

        if (auth == FunctionAuth.CustomersDotToken)
        {
            responses["503"] = ErrorResponse("The issuer's keys cannot be fetched to check the JWT: {\"message\":\"503 Service Unavailable\"}, with Retry-After.", schemas.Reference(typeof(MessageError)));
        }

        responses["4XX"] = ErrorResponse(
            "GitLab's error bodies: {\"message\":…} or, for parameters, {\"error\":…}.",
            OneOf([schemas.Reference(typeof(MessageError)), schemas.Reference(typeof(ParameterError))]));
        operation["responses"] = responses;
        return operation;
    }

    /// <summary>Whether a function answers a stream of bytes: one of its methods returns a <c>FileStreamHttpResult</c> (alone or among typed results).</summary>
    public static bool StreamsBytes(Type functionType)
    {
        ArgumentNullException.ThrowIfNull(functionType);
        const BindingFlags all = BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Instance | BindingFlags.Static | BindingFlags.DeclaredOnly;
        return functionType.GetMethods(all).Any(m => Mentions(m.ReturnType, typeof(Microsoft.AspNetCore.Http.HttpResults.FileStreamHttpResult)));

        static bool Mentions(Type type, Type wanted) =>
            type == wanted || (type.IsGenericType && type.GetGenericArguments().Any(a => Mentions(a, wanted)));
    }

    private static JsonObject ErrorResponse(string description, JsonNode schema) => new()
    {
        ["description"] = description,
        ["content"] = new JsonObject { ["application/json"] = new JsonObject { ["schema"] = schema } },
    };

    private static JsonNode OneOf(IEnumerable<JsonNode> schemas)
    {
        var list = schemas.ToList();
        return list.Count == 1 ? list[0] : new JsonObject { ["oneOf"] = new JsonArray([.. list]) };
    }

    private static string Tag(Type functionType)
    {
        var ns = functionType.Namespace ?? "";
        var last = ns[(ns.LastIndexOf('.') + 1)..];
        return last == "Functions" ? "General" : last;
    }

    /// <summary><c>v4/x/{id:int}/{rest?}</c> → <c>/api/v4/x/{id}/{rest}</c> and its parameter names.</summary>
    internal static (string Path, IReadOnlyList<string> Parameters) PathOf(string routePrefix, string route)
    {
        var names = new List<string>();
        var path = RouteParameter().Replace(route, m =>
        {
            names.Add(m.Groups["name"].Value);
            return "{" + m.Groups["name"].Value + "}";
        });
        var prefix = string.IsNullOrEmpty(routePrefix) ? "" : "/" + routePrefix.Trim('/');
        return (prefix + "/" + path.TrimStart('/'), names);
    }

    private static JsonObject SecuritySchemes() => new()
    {
        ["shell_jwt"] = new JsonObject
        {
            ["type"] = "apiKey",
            ["in"] = "header",
            ["name"] = RequestAuthenticator.ShellHeader,
            ["description"] = "HS256 JWT signed with the shell secret (iss gitlab-shell), as gitlab-shell and Gitaly send it.",
        },
        ["kas_jwt"] = new JsonObject
        {
            ["type"] = "apiKey",
            ["in"] = "header",
            ["name"] = RequestAuthenticator.KasHeader,
            ["description"] = "HS256 JWT signed with the KAS secret (iss gitlab-kas, aud gitlab).",
        },
        ["pages_jwt"] = new JsonObject
        {
            ["type"] = "apiKey",
            ["in"] = "header",
            ["name"] = Core.Pages.PagesAuthenticator.Header,
            ["description"] = "HS256 JWT signed with the Pages secret (iss gitlab-pages), as the GitLab Pages daemon sends it.",
        },
        ["workhorse_jwt"] = new JsonObject
        {
            ["type"] = "apiKey",
            ["in"] = "header",
            ["name"] = RequestAuthenticator.WorkhorseHeader,
            ["description"] = "HS256 JWT signed with the Workhorse secret (iss gitlab-workhorse, iat at most 90 s old), sent with Workhorse's Gitlab-Workhorse header; "
                + "read only when no Gitlab-Shell-Api-Request is sent. A bad token is 403.",
        },
        ["agent_token"] = new JsonObject
        {
            ["type"] = "apiKey",
            ["in"] = "header",
            ["name"] = AgentTokenHeader.AgentHeader,
            ["description"] = "A Kubernetes agent token, with the KAS JWT. Older KAS versions send it in Gitlab-Agentk-Api-Request or Authorization: Bearer, "
                + "which are read when the newer headers are absent.",
        },
        ["private_token"] = new JsonObject
        {
            ["type"] = "apiKey",
            ["in"] = "header",
            ["name"] = "PRIVATE-TOKEN",
            ["description"] = "A personal access token (an administrator's with api for the CustomersDot and Admin Area endpoints); also accepted as the private_token parameter or Authorization: Bearer.",
        },
        ["customers_dot_jwt"] = new JsonObject
        {
            ["type"] = "apiKey",
            ["in"] = "header",
            ["name"] = InternalApi.Core.CustomersDot.CustomersDotTokenValidator.Header,
            ["description"] = "A JWT of the subscription portal (CustomersDot): signed with a key of the JWKS its OpenID Connect discovery document "
                + "(CustomersDot:MetadataAddress) names, iss that document's issuer, aud gitlab-subscriptions, sub customers-dot-internal-api, not expired.",
        },
        ["scim_token"] = new JsonObject
        {
            ["type"] = "http",
            ["scheme"] = "bearer",
            ["description"] = "A group SCIM token (valid for its own group only) or the instance SCIM token.",
        },
    };

    [GeneratedRegex(@"\{\*{0,2}(?<name>[A-Za-z_][A-Za-z0-9_]*)(:[^}?]*)?\??\}")]
    private static partial Regex RouteParameter();

    /// <summary>Component schemas, from the source-generated contexts of this assembly.</summary>
    private sealed class SchemaSet(Assembly assembly)
    {
        private static readonly JsonSchemaExporterOptions ExporterOptions = new()
        {
            TreatNullObliviousAsNonNullable = true,
            // A value with a custom converter (the lenient parameter readers) exports as the boolean schema
            // `true`; OpenAPI tools want an object, so say what the property's type reads.
            TransformSchemaNode = static (context, node) => node is JsonValue ? ClrSchema(context.TypeInfo.Type) : node,
        };

        private static JsonObject ClrSchema(Type type)
        {
            type = Nullable.GetUnderlyingType(type) ?? type;
            if (type == typeof(string))
            {
                return new JsonObject { ["type"] = "string" };
            }

            if (type == typeof(bool))
            {
                return new JsonObject { ["type"] = "boolean" };
            }

            if (type == typeof(int) || type == typeof(long))
            {
                return new JsonObject { ["type"] = "integer" };
            }

            var element = type.IsArray ? type.GetElementType() : type.GetInterfaces().Append(type)
                .FirstOrDefault(i => i.IsGenericType && i.GetGenericTypeDefinition() == typeof(IEnumerable<>))?.GetGenericArguments()[0];
            return element is null ? new JsonObject() : new JsonObject { ["type"] = "array", ["items"] = ClrSchema(element) };
        }

        private readonly IReadOnlyList<JsonSerializerContext> _contexts = Contexts(assembly);
        private readonly SortedDictionary<string, JsonNode> _schemas = new(StringComparer.Ordinal);
        private readonly Dictionary<Type, string> _names = [];

        public JsonObject Reference(Type type)
        {
            if (!_names.TryGetValue(type, out var name))
            {
                name = UniqueName(type);
                _names[type] = name;
                _schemas[name] = TypeInfo(type) is { } info
                    ? JsonSchemaExporter.GetJsonSchemaAsNode(info, ExporterOptions)
                    : new JsonObject { ["type"] = "object" };
            }

            return new JsonObject { ["$ref"] = "#/components/schemas/" + name };
        }

        public IEnumerable<(string Name, JsonNode Schema)> PropertiesOf(Type type)
        {
            if (TypeInfo(type) is not { } info)
            {
                yield break;
            }

            var schema = JsonSchemaExporter.GetJsonSchemaAsNode(info, ExporterOptions);
            foreach (var property in info.Properties)
            {
                yield return (property.Name, schema["properties"]?[property.Name]?.DeepClone() ?? new JsonObject());
            }
        }

        public JsonObject ToJson()
        {
            var node = new JsonObject();
            foreach (var (name, schema) in _schemas)
            {
                node[name] = schema.DeepClone();
            }

            return node;
        }

        private JsonTypeInfo? TypeInfo(Type type)
        {
            foreach (var context in _contexts)
            {
                if (context.GetTypeInfo(type) is { } info)
                {
                    return info;
                }
            }

            return null;
        }

        private string UniqueName(Type type)
        {
            var name = Readable(type);
            if (_names.ContainsValue(name))
            {
                name = (type.Namespace?[(type.Namespace.LastIndexOf('.') + 1)..] ?? "") + name;
            }

            return name;
        }

        /// <summary><c>IReadOnlyList`1[Foo]</c> → <c>ListOfFoo</c>: component names allow letters, digits, <c>.-_</c> only.</summary>
        private static string Readable(Type type)
        {
            if (type.IsArray)
            {
                return "ListOf" + Readable(type.GetElementType()!);
            }

            if (!type.IsGenericType)
            {
                return type.Name;
            }

            var definition = type.Name[..type.Name.IndexOf('`', StringComparison.Ordinal)];
            var arguments = string.Join("And", type.GetGenericArguments().Select(Readable));
            return (definition.Contains("List", StringComparison.Ordinal) || definition.Contains("Enumerable", StringComparison.Ordinal) ? "List" : definition.TrimStart('I')) + "Of" + arguments;
        }

        private static List<JsonSerializerContext> Contexts(Assembly assembly)
        {
            // Each area's context; its snake_case "Wire" instance when it has one (what the answers use).
            var contexts = new List<JsonSerializerContext>();
            foreach (var type in assembly.GetTypes().Where(t => typeof(JsonSerializerContext).IsAssignableFrom(t) && !t.IsAbstract))
            {
                var instance = (type.GetProperty("Wire", BindingFlags.Public | BindingFlags.Static) ??
                                type.GetProperty("Default", BindingFlags.Public | BindingFlags.Static))?.GetValue(null);
                if (instance is JsonSerializerContext context && context.Options.PropertyNamingPolicy is not null)
                {
                    contexts.Add(context);
                }
            }

            return contexts;
        }
    }
}
