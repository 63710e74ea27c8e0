using System.Globalization;
using InternalApi.Core.Shell;
using InternalApi.Functions.Hosting;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;

namespace InternalApi.Functions.Functions.Shell;

/// <summary>
/// <c>GET /api/v4/internal/authorized_keys?key=&lt;base64 blob&gt;</c> (spec §3.3): OpenSSH's
/// <c>AuthorizedKeysCommand</c> (through gitlab-shell) asks whether a key offered at login is known.
/// </summary>
public sealed class AuthorizedKeys(AuthorizedKeyFinder finder)
{
    /// <summary>The HTTP trigger; auth is checked before this runs.</summary>
    [Function(nameof(AuthorizedKeys))]
    [FunctionAuth(FunctionAuth.ShellJwt)]
    public async Task<IActionResult> RunAsync(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "v4/internal/authorized_keys")] HttpRequest request,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        return (await HandleAsync(request.HttpContext, cancellationToken)).AsAction();
    }

    /// <summary>200 with the key, 404 <c>{"message":"404 Key Not Found"}</c>, 400 when <c>key</c> is missing.</summary>
    private async Task<Results<JsonHttpResult<AuthorizedKeyResponse>, JsonHttpResult<MessageError>>> HandleAsync(HttpContext context, CancellationToken cancellationToken)
    {
        var request = await RequestBinder.BindAsync(context, ShellJsonContext.Default.AuthorizedKeysRequest);
        if (await finder.FindAsync(request.Key!, cancellationToken) is not { } found)
        {
            return TypedResults.Json(new MessageError("404 Key Not Found"), WireJsonContext.Wire.MessageError, statusCode: StatusCodes.Status404NotFound);
        }

        var key = found.Key;
        var response = new AuthorizedKeyResponse(
            key.Id,
            key.Title,
            Timestamp(key.CreatedAt),
            key.ExpiresAt is { } expires ? Timestamp(expires) : null,
            found.PublishableKey,
            key.UsageType);
        return TypedResults.Json(response, ShellJsonContext.Wire.AuthorizedKeyResponse);
    }

    /// <summary>GitLab's timestamp form: ISO 8601 in UTC with milliseconds and <c>Z</c>.</summary>
    public static string Timestamp(DateTimeOffset value) =>
        value.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);
}
