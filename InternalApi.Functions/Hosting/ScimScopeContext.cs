using InternalApi.Core.Scim;

namespace InternalApi.Functions.Hosting;

/// <summary>
/// What the SCIM auth kinds need from a request and give to the function: the bearer token, the group path of
/// the route, the refusal bodies, and the authenticated <see cref="Core.Scim.ScimScope"/>.
/// </summary>
public static class ScimScopeContext
{
    /// <summary>SCIM's media type, for answers of every status.</summary>
    public const string MediaType = "application/scim+json";

    /// <summary>The route parameter naming the group (<c>:group_path</c> in GitLab's docs).</summary>
    public const string GroupPathParameter = "groupPath";

    private const string GroupsPrefix = "/scim/v2/groups/";

    /// <summary>The scope the authenticator found; a function reached without one (a wrong declaration) fails closed with 401.</summary>
    public static ScimScope ScimScope(this HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        return context.Features.Get<ScimScope>()
            ?? throw ApiErrorException.WithMessage(StatusCodes.Status401Unauthorized, "401 Unauthorized");
    }

    /// <summary>
    /// The token: <c>Authorization: Bearer</c>, else the <c>access_token</c> / <c>bearer_token</c> query parameter,
    /// as GitLab's OAuth library reads it. Only the query is looked at here, so that a body is never parsed
    /// before the caller is known.
    /// </summary>
    public static string? Token(HttpRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var header = request.Headers.Authorization.FirstOrDefault();
        if (header is not null && header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
        {
            return header[7..].Trim();
        }

        return request.Query["access_token"].FirstOrDefault() ?? request.Query["bearer_token"].FirstOrDefault();
    }

    /// <summary>
    /// The group path: the route value where the host sets one, else the path segment after <c>/scim/v2/groups/</c>
    /// (the worker does not always run routing). A subgroup comes URL-encoded (<c>top%2Fsub</c>).
    /// </summary>
    public static string GroupPath(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var value = context.GetRouteValue(GroupPathParameter)?.ToString();
        if (value is null)
        {
            var path = context.Request.Path.Value ?? "";
            var start = path.IndexOf(GroupsPrefix, StringComparison.OrdinalIgnoreCase);
            if (start >= 0)
            {
                var rest = path[(start + GroupsPrefix.Length)..];
                var end = rest.IndexOf('/', StringComparison.Ordinal);
                value = end < 0 ? rest : rest[..end];
            }
        }

        return DecodeSlashes(value ?? "");
    }

    /// <summary>The server decodes every escape of a path except <c>%2F</c>; GitLab's route values have those decoded too.</summary>
    public static string DecodeSlashes(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        return value.Replace("%2F", "/", StringComparison.OrdinalIgnoreCase);
    }

    /// <summary>GitLab's answer to a refused SCIM caller, in its shape per reason.</summary>
    public static ApiErrorException Refusal(ScimAuthResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        return result.Failure switch
        {
            ScimAuthFailure.GroupSamlDisabled => ApiErrorException.WithMessage(StatusCodes.Status403Forbidden, "403 Forbidden - Group SAML not enabled."),
            ScimAuthFailure.GroupNotFound or ScimAuthFailure.NoSamlProvider =>
                ApiErrorException.Scim(StatusCodes.Status404NotFound, result.Detail ?? "404 Not Found"),
            ScimAuthFailure.InstanceDisabled => ApiErrorException.WithMessage(StatusCodes.Status404NotFound, "404 Not Found"),
            _ => ApiErrorException.WithMessage(StatusCodes.Status401Unauthorized, "401 Unauthorized"),
        };
    }
}
