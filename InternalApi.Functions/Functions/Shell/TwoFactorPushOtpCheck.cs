using InternalApi.Core.Identity;
using InternalApi.Core.Shell;
using InternalApi.Core.TwoFactor;
using InternalApi.Functions.Hosting;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;

namespace InternalApi.Functions.Functions.Shell;

/// <summary>
/// <c>POST /api/v4/internal/two_factor_push_otp_check</c>: gitlab-shell's <c>2fa_verify</c> push approval, raced
/// against the typed code (EE; called by gitlab-shell, not in the internal API doc). No push provider
/// (FortiAuthenticator) is configured here, so a valid actor gets GitLab's <c>Invalid OTP</c>, and gitlab-shell
/// keeps waiting for the typed code.
/// </summary>
public sealed class TwoFactorPushOtpCheck(OtpCheckService service)
{
    /// <summary>The HTTP trigger; auth is checked before this runs.</summary>
    [Function(nameof(TwoFactorPushOtpCheck))]
    [FunctionAuth(FunctionAuth.ShellJwt)]
    public async Task<IActionResult> RunAsync(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "v4/internal/two_factor_push_otp_check")] HttpRequest request,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        return (await HandleAsync(request.HttpContext, cancellationToken)).AsAction();
    }

    /// <summary>Always 200 <c>{"success":false,"message":...}</c>.</summary>
    private async Task<Results<JsonHttpResult<OtpCheckSuccess>, JsonHttpResult<OtpCheckFailure>>> HandleAsync(HttpContext context, CancellationToken cancellationToken)
    {
        var request = await RequestBinder.BindAsync(context, ShellExtrasJsonContext.Default.OtpCheckRequest);
        return OtpAnswer.From(await service.CheckPushAsync(new ShellActorQuery(request.KeyId, request.UserId), cancellationToken));
    }
}
