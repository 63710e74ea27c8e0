using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace InternalApi.Functions.Hosting;

/// <summary>
/// Binds the merged parameters (<see cref="RequestParameters"/>) to a request record with the
/// source-generated serializer. A value of the wrong type answers 400 <c>{"error":"&lt;param&gt; is invalid"}</c>,
/// a missing required one 400 <c>{"error":"&lt;param&gt; is missing"}</c>, as Grape does.
/// </summary>
public static class RequestBinder
{
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
