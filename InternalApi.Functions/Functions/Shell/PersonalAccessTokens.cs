using System.Globalization;
using InternalApi.Core.Identity;
using InternalApi.Core.Shell;
using InternalApi.Functions.Hosting;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;

namespace InternalApi.Functions.Functions.Shell;

/// <summary><c>POST /api/v4/internal/personal_access_token</c> (spec §3.7): gitlab-shell's <c>personal_access_token</c>.</summary>
public sealed class PersonalAccessTokens(PersonalAccessTokenService service)
{
    /// <summary>The HTTP trigger; auth is checked before this runs.</summary>
    [Function(nameof(PersonalAccessTokens))]
    [FunctionAuth(FunctionAuth.ShellJwt)]
    public async Task<IActionResult> RunAsync(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "v4/internal/personal_access_token")] HttpRequest request,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        return (await HandleAsync(request.HttpContext, cancellationToken)).AsAction();
    }

    /// <summary>Always 200: the new token (shown once), or <c>{"success":false,"message":...}</c>.</summary>
    private async Task<Results<JsonHttpResult<PersonalAccessTokenResponse>, JsonHttpResult<ShellCommandFailure>>> HandleAsync(HttpContext context, CancellationToken cancellationToken)
    {
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
