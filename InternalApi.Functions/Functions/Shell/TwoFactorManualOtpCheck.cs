using InternalApi.Core.Identity;
using InternalApi.Core.Shell;
using InternalApi.Core.TwoFactor;
using InternalApi.Functions.Hosting;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;

namespace InternalApi.Functions.Functions.Shell;

/// <summary>
/// <c>POST /api/v4/internal/two_factor_manual_otp_check</c>: gitlab-shell's <c>2fa_verify</c> with a typed code
/// (EE; called by gitlab-shell, not in the internal API doc). Success opens the key's OTP session that
/// <c>/allowed</c> requires for Git over SSH when 2FA for Git over SSH is on.
/// </summary>
public sealed class TwoFactorManualOtpCheck(OtpCheckService service)
{
    /// <summary>The HTTP trigger; auth is checked before this runs.</summary>
    [Function(nameof(TwoFactorManualOtpCheck))]
    [FunctionAuth(FunctionAuth.ShellJwt)]
    public async Task<IActionResult> RunAsync(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "v4/internal/two_factor_manual_otp_check")] HttpRequest request,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        return (await HandleAsync(request.HttpContext, cancellationToken)).AsAction();
    }

    /// <summary>Always 200: <c>{"success":true}</c> or <c>{"success":false,"message":...}</c>.</summary>
    private async Task<Results<JsonHttpResult<OtpCheckSuccess>, JsonHttpResult<OtpCheckFailure>>> HandleAsync(HttpContext context, CancellationToken cancellationToken)
    {
        var request = await RequestBinder.BindAsync(context, ShellExtrasJsonContext.Default.OtpCheckRequest);
        var result = await service.CheckManualAsync(new ShellActorQuery(request.KeyId, request.UserId), request.OtpAttempt, cancellationToken);
        return OtpAnswer.From(result);
    }
}

/// <summary>The answer both OTP checks give.</summary>
internal static class OtpAnswer
{
    public static Results<JsonHttpResult<OtpCheckSuccess>, JsonHttpResult<OtpCheckFailure>> From(OtpCheckResult result) =>
        result.Success
            ? TypedResults.Json(new OtpCheckSuccess(true), ShellExtrasJsonContext.Wire.OtpCheckSuccess)
            : TypedResults.Json(new OtpCheckFailure(false, result.Message!), ShellExtrasJsonContext.Wire.OtpCheckFailure);
}
