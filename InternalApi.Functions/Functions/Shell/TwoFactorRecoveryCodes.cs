using InternalApi.Core.Identity;
using InternalApi.Core.Shell;
using InternalApi.Functions.Hosting;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;

namespace InternalApi.Functions.Functions.Shell;

/// <summary>
/// <c>POST /api/v4/internal/two_factor_recovery_codes</c> (spec §3.6): gitlab-shell's
/// <c>2fa_recovery_codes</c>. Only POST exists (the doc's heading says GET; GET answers 405).
/// </summary>
public sealed class TwoFactorRecoveryCodes(RecoveryCodeService service)
{
    /// <summary>The HTTP trigger; auth is checked before this runs.</summary>
    [Function(nameof(TwoFactorRecoveryCodes))]
    [FunctionAuth(FunctionAuth.ShellJwt)]
    public async Task<IActionResult> RunAsync(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "v4/internal/two_factor_recovery_codes")] HttpRequest request,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        return (await HandleAsync(request.HttpContext, cancellationToken)).AsAction();
    }

    /// <summary>Always 200: fresh codes, or <c>{"success":false,"message":...}</c>.</summary>
    private async Task<Results<JsonHttpResult<RecoveryCodesResponse>, JsonHttpResult<ShellCommandFailure>>> HandleAsync(HttpContext context, CancellationToken cancellationToken)
    {
        var request = await RequestBinder.BindAsync(context, ShellJsonContext.Default.ShellActorRequest);
        var result = await service.RegenerateAsync(new ShellActorQuery(request.KeyId, request.UserId), cancellationToken);
        return result.Success
            ? TypedResults.Json(new RecoveryCodesResponse(true, result.Codes), ShellJsonContext.Wire.RecoveryCodesResponse)
            : TypedResults.Json(new ShellCommandFailure(false, result.Message!), ShellJsonContext.Wire.ShellCommandFailure);
    }
}
