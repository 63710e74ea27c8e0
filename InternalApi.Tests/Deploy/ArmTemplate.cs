using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace InternalApi.Tests.Deploy;

/// <summary>
/// A compiled ARM template read just far enough to assert on it: every resource of the main template and
/// of its module deployments (arrays or symbolic-name objects, both of which Bicep emits), and a resolver
/// that follows <c>parameters('x')</c> into the value the parent deployment passes and <c>variables('x')</c>
/// into the template's variables, so that a test can see where a value really comes from.
/// </summary>
public sealed partial class ArmTemplate
{
    private ArmTemplate(JsonObject root)
    {
        Root = root;
        Main = new DeploymentScope(null, root, null, null);
        var resources = new List<TemplateResource>();
        var scopes = new List<DeploymentScope> { Main };
        Collect(Main, resources, scopes);
        Resources = resources;
        Scopes = scopes;
    }

    /// <summary>The whole compiled template.</summary>
    public JsonObject Root { get; }

    /// <summary>The main template's scope.</summary>
    public DeploymentScope Main { get; }

    /// <summary>The main template and each module deployment.</summary>
    public IReadOnlyList<DeploymentScope> Scopes { get; }

    /// <summary>Every resource declaration at every level, <c>existing</c> references included (flagged).</summary>
    public IReadOnlyList<TemplateResource> Resources { get; }

    /// <summary>Parses <c>bicep build --stdout</c> output.</summary>
    public static ArmTemplate Parse(string json) =>
        new(JsonNode.Parse(json)?.AsObject() ?? throw new InvalidOperationException("bicep build printed no JSON object"));

    /// <summary>The deployed (not <c>existing</c>) resources of a type.</summary>
    public IEnumerable<TemplateResource> OfType(string type) =>
        Resources.Where(r => !r.IsExisting && string.Equals(r.Type, type, StringComparison.OrdinalIgnoreCase));

    /// <summary>The one deployed resource of a type.</summary>
    public TemplateResource Only(string type) => Assert.Single(OfType(type));

    /// <summary>Follows parameter and variable references until a literal or another kind of expression remains.</summary>
    public static JsonNode? Resolve(DeploymentScope scope, JsonNode? value)
    {
        for (var depth = 0; depth < 16; depth++)
        {
            if (value is not JsonValue v || !v.TryGetValue<string>(out var text) || ExpressionBody(text) is not { } body)
            {
                return value;
            }

            var reference = ReferencePattern().Match(body);
            if (!reference.Success)
            {
                return value;
            }

            var kind = reference.Groups["kind"].Value;
            var name = reference.Groups["name"].Value;
            var path = reference.Groups["path"].Value.Split('.', StringSplitOptions.RemoveEmptyEntries);
            JsonNode? target;
            if (kind == "variables")
            {
                target = scope.Template["variables"]?[name];
            }
            else if (scope.Parent is not null && scope.Parameters?[name] is JsonObject passed)
            {
                target = passed["value"];
                (scope, value) = (scope.Parent, target);
                if (path.Length > 0 && IsExpression(target))
                {
                    // A property of an expression the parent passes: resolve "[expr.prop]" in the parent.
                    value = JsonValue.Create($"[{ExpressionBody(target!.GetValue<string>())}.{string.Join('.', path)}]");
                    continue;
                }
            }
            else
            {
                return value;
            }

            foreach (var segment in path)
            {
                if (target is JsonObject o && o.TryGetPropertyValue(segment, out var next))
                {
                    target = next;
                }
                else if (IsExpression(target))
                {
                    target = JsonValue.Create($"[{ExpressionBody(target!.GetValue<string>())}.{segment}]");
                }
                else
                {
                    return value;
                }
            }

            value = target;
        }

        throw new InvalidOperationException("reference chain too deep");
    }

    /// <summary>The string a value resolves to (literal, or an ARM expression in brackets).</summary>
    public static string? ResolveString(DeploymentScope scope, JsonNode? value) =>
        Resolve(scope, value) is JsonValue v && v.TryGetValue<string>(out var s) ? s : null;

    /// <summary>
    /// Splits a call <c>[fn(a, b)]</c> into its function and top-level arguments (each returned as an
    /// expression or literal that <see cref="Resolve"/> understands); null when the value is not such a call.
    /// </summary>
    public static (string Function, IReadOnlyList<JsonNode> Arguments)? Call(string? expression)
    {
        if (expression is null || ExpressionBody(expression) is not { } body)
        {
            return null;
        }

        var open = body.IndexOf('(', StringComparison.Ordinal);
        if (open <= 0 || body[^1] != ')' || !Regex.IsMatch(body[..open], "^[A-Za-z.]+$"))
        {
            return null;
        }

        var arguments = new List<JsonNode>();
        var current = new StringBuilder();
        var (nesting, quoted) = (0, false);
        foreach (var c in body[(open + 1)..^1])
        {
            if (c == '\'')
            {
                quoted = !quoted;
            }
            else if (!quoted && c is '(' or '[')
            {
                nesting++;
            }
            else if (!quoted && c is ')' or ']')
            {
                nesting--;
            }
            else if (!quoted && nesting == 0 && c == ',')
            {
                arguments.Add(Argument(current.ToString()));
                current.Clear();
                continue;
            }

            current.Append(c);
        }

        if (current.Length > 0)
        {
            arguments.Add(Argument(current.ToString()));
        }

        return (body[..open], arguments);
    }

    private static JsonValue Argument(string text)
    {
        var trimmed = text.Trim();
        return trimmed.Length >= 2 && trimmed[0] == '\'' && trimmed[^1] == '\''
            ? JsonValue.Create(trimmed[1..^1].Replace("''", "'", StringComparison.Ordinal))
            : JsonValue.Create($"[{trimmed}]");
    }

    private static bool IsExpression(JsonNode? node) =>
        node is JsonValue v && v.TryGetValue<string>(out var s) && ExpressionBody(s) is not null;

    private static string? ExpressionBody(string text) =>
        text.Length >= 2 && text[0] == '[' && text[^1] == ']' && !text.StartsWith("[[", StringComparison.Ordinal) ? text[1..^1] : null;

    private static void Collect(DeploymentScope scope, List<TemplateResource> resources, List<DeploymentScope> scopes)
    {
        var declared = scope.Template["resources"] switch
        {
            JsonArray array => array.Select(r => (Symbol: (string?)null, Node: r!.AsObject())),
            JsonObject symbolic => symbolic.Select(p => (Symbol: (string?)p.Key, Node: p.Value!.AsObject())),
            _ => [],
        };
        foreach (var (symbol, node) in declared)
        {
            var resource = new TemplateResource(symbol, node["type"]!.GetValue<string>(), node, scope);
            resources.Add(resource);
            if (resource.Type == "Microsoft.Resources/deployments" && node["properties"]?["template"] is JsonObject template)
            {
                var child = new DeploymentScope(node["name"]?.GetValue<string>(), template, node["properties"]?["parameters"] as JsonObject, scope);
                scopes.Add(child);
                Collect(child, resources, scopes);
            }
        }
    }

    [GeneratedRegex(@"^(?<kind>parameters|variables)\('(?<name>[^']+)'\)(?<path>(\.[A-Za-z0-9_]+)*)$")]
    private static partial Regex ReferencePattern();
}

/// <summary>The main template or one module deployment, with the parameter values its parent passes.</summary>
public sealed record DeploymentScope(string? Name, JsonObject Template, JsonObject? Parameters, DeploymentScope? Parent)
{
    /// <summary>The scope's outputs (name to declaration).</summary>
    public IEnumerable<KeyValuePair<string, JsonNode?>> Outputs => Template["outputs"] as JsonObject ?? [];

    /// <summary>The scope's parameter declarations.</summary>
    public IEnumerable<KeyValuePair<string, JsonNode?>> ParameterDeclarations => Template["parameters"] as JsonObject ?? [];
}

/// <summary>A resource declaration and the deployment it belongs to.</summary>
public sealed record TemplateResource(string? Symbol, string Type, JsonObject Node, DeploymentScope Scope)
{
    /// <summary>An <c>existing</c> reference rather than a resource the template deploys.</summary>
    public bool IsExisting => Node["existing"]?.GetValue<bool>() == true;

    /// <summary>The resource's <c>properties</c>.</summary>
    public JsonObject Properties => Node["properties"]?.AsObject() ?? [];

    /// <summary>Resolves a value of this resource in its own scope.</summary>
    public string? Resolve(JsonNode? value) => ArmTemplate.ResolveString(Scope, value);
}
