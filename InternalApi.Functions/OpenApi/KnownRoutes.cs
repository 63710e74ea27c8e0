using Microsoft.AspNetCore.Routing.Template;

namespace InternalApi.Functions.OpenApi;

/// <summary>
/// The build's HTTP routes and their methods, read once from the app's <c>functions.metadata</c>: what tells an unknown
/// path (GitLab's 404) from a known path asked with another method (GitLab's 405).
/// </summary>
public sealed class KnownRoutes
{
    private readonly Lazy<IReadOnlyList<(TemplateMatcher Matcher, IReadOnlyList<string> Methods)>> _routes;

    /// <summary>Reads the routes on first use.</summary>
    public KnownRoutes(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var root = configuration["FUNCTIONS_APPLICATION_DIRECTORY"] is { Length: > 0 } app ? app : AppContext.BaseDirectory;
        _routes = new(() =>
        {
            var prefix = HostJson.RoutePrefix(Path.Combine(root, "host.json"));
            return [.. FunctionMetadata.Load(Path.Combine(root, "functions.metadata"))
                .Where(f => f.IsHttp && f.Trigger!.Route is { } route && !route.StartsWith("{*", StringComparison.Ordinal))
                .Select(f => (
                    new TemplateMatcher(TemplateParser.Parse((prefix.Length == 0 ? "" : prefix + "/") + f.Trigger!.Route!.TrimStart('/')), new RouteValueDictionary()),
                    (IReadOnlyList<string>)[.. (f.Trigger.Methods ?? []).Select(m => m.ToUpperInvariant())]))];
        });
    }

    /// <summary>True when some function serves <paramref name="path"/> with a method other than <paramref name="method"/>.</summary>
    public bool ServedWithOtherMethods(PathString path, string method) =>
        _routes.Value.Any(r => r.Matcher.TryMatch(path, new RouteValueDictionary()) && !r.Methods.Contains(method, StringComparer.OrdinalIgnoreCase));
}
