using System.Globalization;
using System.Text.Json;
using InternalApi.Core;
using InternalApi.Core.Access;
using InternalApi.Core.Data;
using InternalApi.Core.Model;
using InternalApi.Functions.Hosting;
using Microsoft.Extensions.Options;

namespace InternalApi.Functions.Functions.Git;

/// <summary>
/// <c>POST /api/v4/internal/allowed</c> (spec §3.1): the Git access decision for gitlab-shell (every SSH
/// Git command, <c>changes=_any</c>) and Gitaly's pre-receive hook (real ref changes). Denials are
/// <c>{"status":false,"message":...}</c> with 401 (policy), 404 (not found or not visible), 422 (create on
/// push failed) or 503 (the decision ran out of time).
/// </summary>
public static class Allowed
{
    /// <summary>Declaration.</summary>
    public static HttpFunction Function { get; } = new("Allowed", ["POST"], "v4/internal/allowed", FunctionAuth.ShellJwt, HandleAsync);

    /// <summary>Decides and answers.</summary>
    public static async Task<IResult> HandleAsync(
        HttpContext context,
        GitAccessChecker checker,
        GitLabStore store,
        IOptions<GitLabOptions> gitlab,
        IOptions<GitalyOptions> gitaly,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(checker);
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(gitlab);
        ArgumentNullException.ThrowIfNull(gitaly);
        var parameters = await RequestParameters.ReadAsync(context);
        ValidateClientContext(parameters.Text("gitaly_client_context_bin"));
        var request = new GitAccessRequest
        {
            Action = parameters.Text("action"),
            Protocol = parameters.Text("protocol"),
            Changes = parameters.Text("changes"),
            Project = parameters.Text("project"),
            GlRepository = parameters.Text("gl_repository"),
            Actor = new ActorQuery(parameters.Text("key_id"), parameters.Text("user_id"), parameters.Text("identifier"), parameters.Text("username")),
        };

        GitAccessResult result;
        using (var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken))
        {
            deadline.CancelAfter(gitlab.Value.AccessCheckTimeout);
            try
            {
                result = await checker.CheckAsync(request, deadline.Token);
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                return Denial(503, GitAccessMessages.Timeout);
            }
        }

        if (!result.Allowed)
        {
            return Denial(result.Status, result.Message!);
        }

        var actor = result.Actor!;
        var target = result.Target!;
        var project = target.Project!;
        if (actor.Key is { } key)
        {
            await store.TouchKeyUsedAsync(key.Id, cancellationToken);
        }

        if (actor.User is { } user && request.Action is "git-upload-pack" or "git-upload-archive" && actor.Kind == ActorKind.User)
        {
            await store.TouchUserActivityAsync(user.Id, cancellationToken);
        }

        return TypedResults.Json(BuildResponse(result, actor, target, project, gitlab.Value, gitaly.Value), GitJsonContext.Default.AllowedResponse);
    }

    private static AllowedResponse BuildResponse(GitAccessResult result, Actor actor, RepositoryTarget target, Project project, GitLabOptions gitlab, GitalyOptions gitaly)
    {
        var storage = gitaly.Storages.GetValueOrDefault(project.StorageName) ?? new GitalyStorage();
        List<string> config = ["uploadpack.allowFilter=true", "uploadpack.allowAnySHA1InWant=true"];
        if (gitlab.ReceiveMaxInputSizeMb > 0)
        {
            config.Add(string.Create(CultureInfo.InvariantCulture, $"receive.maxInputSize={gitlab.ReceiveMaxInputSizeMb * 1_048_576L}"));
        }

        return new AllowedResponse
        {
            GlRepository = target.GlRepository!,
            GlProjectPath = target.RepositoryPath!,
            GlProjectId = project.Id,
            GlRootNamespaceId = result.RootNamespaceId,
            // A deploy key acts with its creator's identity; an orphaned key has none.
            GlId = actor.User is { } u ? "user-" + u.Id.ToString(CultureInfo.InvariantCulture) : "",
            GlUsername = actor.User?.Username,
            GitConfigOptions = config,
            Gitaly = new GitalyPayload(
                new GitalyRepository(project.StorageName, target.DiskPath!, "", [], target.GlRepository!, target.RepositoryPath!),
                storage.Address,
                string.IsNullOrEmpty(storage.Token) ? null : storage.Token,
                gitaly.Features.ToDictionary(f => "gitaly-feature-" + f.Key, f => f.Value ? "true" : "false", StringComparer.Ordinal)),
            GlConsoleMessages = result.ConsoleMessages,
            NeedAudit = false,
            GlKeyType = actor.Key is null ? null : actor.Kind == ActorKind.DeployKey ? "deploy_key" : "key",
            GlKeyId = actor.Key?.Id,
        };
    }

    private static Microsoft.AspNetCore.Http.HttpResults.JsonHttpResult<AllowedDenial> Denial(int status, string message) =>
        TypedResults.Json(new AllowedDenial(false, message), GitJsonContext.Default.AllowedDenial, statusCode: status);

    /// <summary>Newer Gitaly sends base64 JSON metadata; GitLab answers 400 when it is not a JSON object.</summary>
    private static void ValidateClientContext(string? value)
    {
        if (string.IsNullOrEmpty(value))
        {
            return;
        }

        try
        {
            using var doc = JsonDocument.Parse(Convert.FromBase64String(value));
            if (doc.RootElement.ValueKind != JsonValueKind.Object)
            {
                throw ApiErrorException.WithMessage(400, "400 Bad request - Decoded gitaly_client_context_bin is not a valid JSON object");
            }
        }
        catch (Exception ex) when (ex is FormatException or JsonException)
        {
            throw ApiErrorException.WithMessage(400, "400 Bad request - malformed gitaly_client_context_bin");
        }
    }
}
