using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization.Metadata;

namespace InternalApi.Functions.Hosting;

/// <summary>
/// The one way functions read parameters. Both entry points start from the merged parameters
/// (<see cref="RequestParameters"/>: query, form and JSON body as Grape merges them, malformed input refused):
/// <list type="bullet">
/// <item><see cref="BindAsync{T}"/> binds them to a request record with the source-generated serializer (the
/// shell, kas and Pages endpoints, whose parameters are a flat record). A value of the wrong type answers 400
/// <c>{"error":"&lt;param&gt; is invalid"}</c>, a missing required one 400 <c>{"error":"&lt;param&gt; is missing"}</c>.</item>
/// <item><see cref="ParametersAsync"/> hands out a <see cref="GrapeParameters"/> for endpoints that declare typed
/// parameters one by one (CustomersDot, Admin Area, the kas modules and usage metrics, the receive hooks): Grape's
/// coercions, nested hashes and arrays, every problem reported in one 400, and an absent key kept apart from an
/// explicit <c>null</c>.</item>
/// <item><see cref="DocumentAsync"/> hands SCIM's free-form resources to their reader.</item>
/// </list>
/// Either way the function hands Core a typed request; Core never sees JSON.
/// </summary>
public static class RequestBinder
{
    /// <summary>
    /// The merged parameters as Grape-declared values. <paramref name="routeValues"/> are the route's parameters,
    /// which win over query and body as in Grape. "Today" (for relative dates) is the app's clock.
    /// </summary>
    public static async ValueTask<GrapeParameters> ParametersAsync(HttpContext context, params (string Name, string Value)[] routeValues)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(routeValues);
        var parameters = await RequestParameters.ReadAsync(context);
        if (routeValues.Length > 0)
        {
            // The merged set is cached for the request: the route's values go into a copy.
            parameters = (JsonObject)parameters.DeepClone();
            foreach (var (name, value) in routeValues)
            {
                parameters[name] = value;
            }
        }

        var time = context.RequestServices?.GetService<TimeProvider>() ?? TimeProvider.System;
        return new GrapeParameters(parameters, DateOnly.FromDateTime(time.GetUtcNow().UtcDateTime));
    }

    /// <summary>Reads, binds and validates the request.</summary>
    public static async ValueTask<T> BindAsync<T>(HttpContext context, JsonTypeInfo<T> typeInfo)
    {
        ArgumentNullException.ThrowIfNull(typeInfo);
        var parameters = await RequestParameters.ReadAsync(context);
        T? value;
        try
        {
            value = parameters.Deserialize(typeInfo);
        }
        catch (JsonException ex)
        {
            throw ApiErrorException.Parameters([$"{ParameterName(ex.Path)} is invalid"]);
        }

        if (value is null)
        {
            throw ApiErrorException.WithMessage(400, "400 Bad request");
        }

        if (value is IValidatedRequest validated)
        {
            var errors = new ParameterErrors();
            validated.Validate(errors);
            errors.ThrowIfAny();
        }

        return value;
    }

    /// <summary>
    /// The merged parameters as a JSON object, for bodies that are free-form documents rather than declared
    /// parameters: the SCIM resources, read by <c>ScimRequestReader</c> as GitLab maps them; never by Core.
    /// </summary>
    public static ValueTask<JsonObject> DocumentAsync(HttpContext context) => RequestParameters.ReadAsync(context);

    /// <summary>Route values alone as Grape-declared values (for a function that reads nothing else of the request).</summary>
    public static GrapeParameters RouteParameters(HttpContext context, params (string Name, string? Value)[] routeValues)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(routeValues);
        var parameters = new JsonObject();
        foreach (var (name, value) in routeValues)
        {
            parameters[name] = value;
        }

        var time = context.RequestServices?.GetService<TimeProvider>() ?? TimeProvider.System;
        return new GrapeParameters(parameters, DateOnly.FromDateTime(time.GetUtcNow().UtcDateTime));
    }

    /// <summary>JSON path <c>$.counters.gitops_sync</c> → Grape's <c>counters[gitops_sync]</c>; <c>$.packs[0].n</c> → <c>packs[0][n]</c>.</summary>
    public static string ParameterName(string? jsonPath)
    {
        if (string.IsNullOrEmpty(jsonPath) || jsonPath == "$")
        {
            return "body";
        }

        var segments = new List<string>();
        var path = jsonPath.StartsWith("$.", StringComparison.Ordinal) ? jsonPath[2..] : jsonPath.TrimStart('$');
        foreach (var dotted in path.Split('.', StringSplitOptions.RemoveEmptyEntries))
        {
            var bracket = dotted.IndexOf('[', StringComparison.Ordinal);
            if (bracket < 0)
            {
                segments.Add(dotted);
                continue;
            }

            if (bracket > 0)
            {
                segments.Add(dotted[..bracket]);
            }

            foreach (var index in dotted[bracket..].Split(['[', ']'], StringSplitOptions.RemoveEmptyEntries))
            {
                segments.Add(index.Trim('\''));
            }
        }

        return segments.Count == 0 ? "body" : segments[0] + string.Concat(segments.Skip(1).Select(s => $"[{s}]"));
    }
}
