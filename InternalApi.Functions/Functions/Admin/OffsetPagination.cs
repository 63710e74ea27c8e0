using System.Globalization;
using InternalApi.Functions.Hosting;
using Microsoft.AspNetCore.WebUtilities;

namespace InternalApi.Functions.Functions.Admin;

/// <summary>A requested page.</summary>
internal sealed record PageRequest(int Page, int PerPage);

/// <summary>
/// GitLab's offset pagination: <c>page</c> (default 1) and <c>per_page</c> (default 20, at most 100) as Grape
/// integers, and the headers <c>X-Page</c>, <c>X-Per-Page</c>, <c>X-Total</c>, <c>X-Total-Pages</c> (at least 1),
/// <c>X-Next-Page</c> and <c>X-Prev-Page</c> (empty at the ends) and <c>Link</c> (<c>prev</c>, <c>next</c>,
/// <c>first</c>, <c>last</c>, each the request's URL with its page).
/// </summary>
internal static class OffsetPagination
{
    private const int DefaultPerPage = 20;
    private const int MaxPerPage = 100;

    /// <summary>Reads the paging parameters (400 <c>page is invalid</c> for a non-integer); out-of-range values are clamped.</summary>
    public static PageRequest Parse(GrapeParameters p)
    {
        ArgumentNullException.ThrowIfNull(p);
        var page = p.WholeNumber("page");
        var perPage = p.WholeNumber("per_page");
        p.ThrowIfAny();
        return new PageRequest(
            (int)Math.Clamp(page ?? 1, 1, int.MaxValue),
            perPage is { } n && n > 0 ? (int)Math.Min(n, MaxPerPage) : DefaultPerPage);
    }

    /// <summary>Adds the headers for <paramref name="total"/> items.</summary>
    public static void AddHeaders(HttpRequest request, PageRequest paging, int total)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(paging);
        var totalPages = Math.Max(1, (int)Math.Ceiling(total / (double)paging.PerPage));
        int? next = paging.Page < totalPages ? paging.Page + 1 : null;
        int? prev = paging.Page > 1 ? Math.Min(paging.Page - 1, totalPages) : null;
        var headers = request.HttpContext.Response.Headers;
        headers["X-Page"] = Text(paging.Page);
        headers["X-Per-Page"] = Text(paging.PerPage);
        headers["X-Total"] = Text(total);
        headers["X-Total-Pages"] = Text(totalPages);
        headers["X-Next-Page"] = next is { } n ? Text(n) : "";
        headers["X-Prev-Page"] = prev is { } p ? Text(p) : "";

        var links = new List<string>();
        if (prev is { } before)
        {
            links.Add($"<{Href(request, before, paging.PerPage)}>; rel=\"prev\"");
        }

        if (next is { } after)
        {
            links.Add($"<{Href(request, after, paging.PerPage)}>; rel=\"next\"");
        }

        links.Add($"<{Href(request, 1, paging.PerPage)}>; rel=\"first\"");
        links.Add($"<{Href(request, totalPages, paging.PerPage)}>; rel=\"last\"");
        headers["Link"] = string.Join(", ", links);
    }

    /// <summary>The request's URL with its other query parameters kept and <c>page</c>/<c>per_page</c> set.</summary>
    private static string Href(HttpRequest request, int page, int perPage)
    {
        var query = QueryHelpers.ParseQuery(request.QueryString.Value)
            .Where(q => q.Key is not ("page" or "per_page" or "private_token"))
            .SelectMany(q => q.Value.Select(v => new KeyValuePair<string, string?>(q.Key, v)))
            .Append(new("page", Text(page)))
            .Append(new("per_page", Text(perPage)));
        return QueryHelpers.AddQueryString($"{request.Scheme}://{request.Host}{request.PathBase}{request.Path}", query);
    }

    private static string Text(int n) => n.ToString(CultureInfo.InvariantCulture);
}
