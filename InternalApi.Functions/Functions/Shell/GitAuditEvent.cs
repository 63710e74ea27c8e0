using InternalApi.Core.Access;
using InternalApi.Core.Audit;
using InternalApi.Core.Identity;
using InternalApi.Functions.Functions.Git;
using InternalApi.Functions.Hosting;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;

namespace InternalApi.Functions.Functions.Shell;

/// <summary>
/// <c>POST /api/v4/internal/shellhorse/git_audit_event</c>: gitlab-shell reports a finished Git command when
/// <c>/allowed</c> answered <c>need_audit: true</c> (EE; called by gitlab-shell, not in the internal API doc), and
/// Workhorse does the same for Git over HTTP, with its own JWT.
/// The event is queued for <see cref="GitAuditEvents"/>, which records it per project.
/// </summary>
public sealed class GitAuditEvent(GitAuditEventService service)
{
    /// <summary>The HTTP trigger; auth is checked before this runs.</summary>
    [Function(nameof(GitAuditEvent))]
    [FunctionAuth(FunctionAuth.ShellOrWorkhorseJwt)]
    public async Task<IActionResult> RunAsync(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "v4/internal/shellhorse/git_audit_event")] HttpRequest request,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        return (await HandleAsync(request.HttpContext, cancellationToken)).AsAction();
    }

    /// <summary>
    /// 200 <c>{"status":true,"message":{"protocol","action","verb"}}</c> when recorded; otherwise
    /// <c>{"status":false,"message":"..."}</c> with 200 (nothing to record), 400 (not an audited command) or
    /// the access check's 401/404/503.
    /// </summary>
    private async Task<Results<JsonHttpResult<GitAuditEventRecorded>, JsonHttpResult<StatusMessageError>>> HandleAsync(HttpContext context, CancellationToken cancellationToken)
    {
        var request = await RequestBinder.BindAsync(context, ShellExtrasJsonContext.Default.GitAuditEventParameters);
        var outcome = await service.HandleAsync(new GitAuditEventRequest
        {
            Action = request.Action,
            Protocol = request.Protocol,
            GlRepository = request.GlRepository,
            Changes = request.Changes,
            CheckIp = request.CheckIp,
            Wants = request.PackfileStats?.Wants,
            Haves = request.PackfileStats?.Haves,
            Actor = new ActorQuery(request.KeyId, request.UserId, request.Identifier, request.Username),
        }, cancellationToken);

        return outcome.Recorded is { } recorded
            ? TypedResults.Json(new GitAuditEventRecorded(true, new GitAuditEventSummary(recorded.Protocol, recorded.Action, recorded.Verb)), ShellExtrasJsonContext.Wire.GitAuditEventRecorded)
            : TypedResults.Json(StatusMessageError.Refused(outcome.Message!), WireJsonContext.Wire.StatusMessageError, statusCode: outcome.Result switch
            {
                GitAuditEventResult.InvalidAction => StatusCodes.Status400BadRequest,
                GitAuditEventResult.Denied => outcome.Denial!.Value.StatusCode(),
                _ => StatusCodes.Status200OK,
            });
    }
}
