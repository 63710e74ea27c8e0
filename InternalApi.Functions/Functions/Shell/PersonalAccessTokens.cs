using System.Globalization;
using InternalApi.Core.Shell;
using InternalApi.Functions.Hosting;
using Microsoft.AspNetCore.Http.HttpResults;

namespace InternalApi.Functions.Functions.Shell;

/// <summary><c>POST /api/v4/internal/personal_access_token</c> (spec §3.7): gitlab-shell's <c>personal_access_token</c>.</summary>
public static class PersonalAccessTokens
{
    /// <summary>Declaration.</summary>
    public static HttpFunction Function { get; } = new("PersonalAccessTokens", ["POST"], "v4/internal/personal_access_token", FunctionAuth.ShellJwt, HandleAsync);

    /// <summary>Always 200: the new token (shown once), or <c>{"success":false,"message":...}</c>.</summary>
    public static async Task<Results<JsonHttpResult<PersonalAccessTokenResponse>, JsonHttpResult<ShellCommandFailure>>> HandleAsync(
        HttpContext context, PersonalAccessTokenService service, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(service);
        var request = await RequestBinder.BindAsync(context, ShellJsonContext.Default.PersonalAccessTokenParameters);
        var result = await service.CreateAsync(
            new PersonalAccessTokenRequest(new ShellActorQuery(request.KeyId, request.UserId), request.Name, request.Scopes, request.ExpiresAt),
            cancellationToken);
        if (!result.Success)
        {
            return TypedResults.Json(new ShellCommandFailure(false, result.Message!), ShellJsonContext.Wire.ShellCommandFailure);
        }

        var expiresAt = result.ExpiresAt?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        return TypedResults.Json(new PersonalAccessTokenResponse(true, result.Token!, result.Scopes, expiresAt), ShellJsonContext.Wire.PersonalAccessTokenResponse);
    }
}
