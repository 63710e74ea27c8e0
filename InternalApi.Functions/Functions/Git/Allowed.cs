using System.Globalization;
using System.Text.Json;
using InternalApi.Core;
using InternalApi.Core.Access;
using InternalApi.Core.Audit;
using InternalApi.Core.Identity;
using InternalApi.Core.Model;
using InternalApi.Core.Shell;
using InternalApi.Functions.Hosting;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.Options;

namespace InternalApi.Functions.Functions.Git;

/// <summary>
/// <c>POST /api/v4/internal/allowed</c> (spec §3.1): may this actor run this Git command on this repository?
/// Called by gitlab-shell for every SSH Git command (<c>changes=_any</c>) and by Gitaly's pre-receive hook
/// with the real ref updates. EE's group limits apply: a group certificate's <c>namespace_path</c> and the
/// top-level group's IP allow-list against <c>check_ip</c>.
/// </summary>
public sealed class Allowed(GitAccessService access, IOptions<GitLabOptions> gitlab, IOptions<GitalyOptions> gitaly, IOptions<ShellFeatureOptions> shell)
{
    private static readonly string[] UploadPackOptions = ["uploadpack.allowFilter=true", "uploadpack.allowAnySHA1InWant=true"];

    /// <summary>The HTTP trigger; auth is checked before this runs.</summary>
    [Function(nameof(Allowed))]
    [FunctionAuth(FunctionAuth.ShellJwt)]
    public async Task<IActionResult> RunAsync(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "v4/internal/allowed")] HttpRequest request,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        return (await HandleAsync(request.HttpContext, cancellationToken)).AsAction();
    }

    /// <summary>200 with the Gitaly payload, or <c>{"status":false,"message":...}</c> with 401/404/422/503.</summary>
    private async Task<Results<JsonHttpResult<AllowedResponse>, JsonHttpResult<StatusMessageError>>> HandleAsync(HttpContext context, CancellationToken cancellationToken)
    {
        var request = await RequestBinder.BindAsync(context, GitJsonContext.Default.AllowedRequest);
        ValidateClientContext(request.GitalyClientContextBin);

        var result = await access.CheckAsync(new AccessRequest
        {
            Action = request.Action,
            Protocol = request.Protocol,
            Changes = request.Changes,
            Project = request.Project,
            GlRepository = request.GlRepository,
            Actor = new ActorQuery(request.KeyId, request.UserId, request.Identifier, request.Username),
            CheckIp = request.CheckIp,
            NamespacePath = request.NamespacePath,
        }, cancellationToken);

        return result switch
        {
            // need_audit asks gitlab-shell to report the finished command to shellhorse/git_audit_event.
            AccessGranted granted => TypedResults.Json(
                Payload(granted, gitlab.Value, gitaly.Value) with { NeedAudit = GitAuditEventService.Applies(shell.Value.GitAuditEvents, granted.Actor, granted.Project) },
                GitJsonContext.Wire.AllowedResponse),
            AccessDenied denied => TypedResults.Json(StatusMessageError.Refused(denied.Message), WireJsonContext.Wire.StatusMessageError, statusCode: denied.Kind.StatusCode()),
            _ => TypedResults.Json(StatusMessageError.Refused("Unknown check result"), WireJsonContext.Wire.StatusMessageError, statusCode: 500),
        };
    }

    /// <summary>Builds the success payload of spec §3.1.2.</summary>
    public static AllowedResponse Payload(AccessGranted granted, GitLabOptions gitlab, GitalyOptions gitaly)
    {
        ArgumentNullException.ThrowIfNull(granted);
        var project = granted.Project;
        var repository = granted.Repository;
        var glRepository = repository.GlRepository!;
        var glProjectPath = repository.RepositoryPath!;

        // gl_id names the key's user even for a deploy key (its creator), as GitLab builds it from actor.user.
        var user = granted.Actor.User;
        var key = granted.Actor.Key;

        List<string> configOptions = [.. UploadPackOptions];
        if (gitlab.ReceiveMaxInputSizeMb > 0)
        {
            configOptions.Add(string.Create(CultureInfo.InvariantCulture, $"receive.maxInputSize={gitlab.ReceiveMaxInputSizeMb * 1_048_576L}"));
        }

        gitaly.Storages.TryGetValue(project.StorageName, out var storage);
        var features = gitaly.Features.ToDictionary(f => "gitaly-feature-" + f.Key, f => f.Value ? "true" : "false", StringComparer.Ordinal);

        return new AllowedResponse
        {
            GlRepository = glRepository,
            GlProjectPath = glProjectPath,
            GlProjectId = project.Id,
            GlRootNamespaceId = granted.RootNamespaceId,
            GlId = user is null ? "" : "user-" + user.Id.ToString(CultureInfo.InvariantCulture),
            GlUsername = user?.Username,
            GitConfigOptions = configOptions,
            Gitaly = new GitalyPayload(
                new GitalyRepositoryMessage(project.StorageName, repository.DiskPath!, "", [], glRepository, glProjectPath),
                storage?.Address ?? "",
                // An unset token (empty in app settings) is null on the wire, as GitLab renders it.
                string.IsNullOrEmpty(storage?.Token) ? null : storage.Token,
                features),
            GlConsoleMessages = granted.ConsoleMessages,
            NeedAudit = false,
            GlKeyType = key is null ? null : key.Kind == SshKeyKind.Deploy ? "deploy_key" : "key",
            GlKeyId = key?.Id,
        };
    }

    /// <summary>
    /// Gitaly's <c>gitaly_client_context_bin</c>: base64 of a JSON object. The only parameter that answers 400,
    /// with GitLab's two texts.
    /// </summary>
    private static void ValidateClientContext(string? value)
    {
        if (string.IsNullOrEmpty(value))
        {
            return;
        }

        var buffer = new byte[value.Length];
        if (!Convert.TryFromBase64String(value.Trim(), buffer, out var written))
        {
            throw ApiErrorException.WithMessage(400, "400 Bad request - malformed gitaly_client_context_bin");
        }

        JsonValueKind kind;
        try
        {
            using var document = JsonDocument.Parse(buffer.AsMemory(0, written));
            kind = document.RootElement.ValueKind;
        }
        catch (JsonException)
        {
            throw ApiErrorException.WithMessage(400, "400 Bad request - malformed gitaly_client_context_bin");
        }

        if (kind != JsonValueKind.Object)
        {
            throw ApiErrorException.WithMessage(400, "400 Bad request - Decoded gitaly_client_context_bin is not a valid JSON object");
        }
    }
}
