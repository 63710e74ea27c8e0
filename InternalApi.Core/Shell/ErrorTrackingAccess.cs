using InternalApi.Core.Data;
using InternalApi.Core.Identity;
using InternalApi.Core.Model;
using Microsoft.Extensions.Options;

namespace InternalApi.Core.Shell;

/// <summary>How an error-tracking check ends.</summary>
public enum ErrorTrackingOutcome
{
    /// <summary><c>project_id</c> or <c>public_key</c> blank: 422.</summary>
    Unprocessable,

    /// <summary>No such project: 404.</summary>
    ProjectNotFound,

    /// <summary>Answered: 200 with <see cref="ErrorTrackingDecision.Enabled"/>.</summary>
    Answered,
}

/// <summary>The answer to an error-tracking check.</summary>
public sealed record ErrorTrackingDecision(ErrorTrackingOutcome Outcome, bool Enabled = false);

/// <summary>
/// <c>/internal/error_tracking/allowed</c> (spec §3.9): the ingestion service asks whether a project's
/// client key may send events. It authenticates with the instance's error tracking access token, not
/// with the shell JWT (the doc is wrong there; GitLab's source is followed).
/// </summary>
public sealed class ErrorTrackingAccess(ProjectStore projects, ErrorTrackingKeyStore errorTrackingKeys, IOptions<GitLabOptions> options)
{
    /// <summary>
    /// Whether <paramref name="presented"/> is the configured token. One trailing newline is stripped
    /// first (Ruby's <c>chomp</c>); the comparison is constant-time; an unset token or an empty
    /// credential never matches.
    /// </summary>
    public bool IsAuthorized(string? presented)
    {
        var expected = options.Value.ErrorTrackingAccessToken;
        if (string.IsNullOrEmpty(expected) || presented is null)
        {
            return false;
        }

        var input = Chomp(presented);
        return input.Length > 0 && SecretDigest.FixedTimeEquals(expected, input);
    }

    /// <summary>Decides for a project and public key, as sent (ids may be text).</summary>
    public async Task<ErrorTrackingDecision> CheckAsync(string? projectId, string? publicKey, CancellationToken cancellationToken = default)
    {
        if (string.IsNullOrWhiteSpace(projectId) || string.IsNullOrWhiteSpace(publicKey))
        {
            return new ErrorTrackingDecision(ErrorTrackingOutcome.Unprocessable);
        }

        if (ActorResolver.ParseId(projectId) is not { } id || await projects.GetProjectAsync(id, cancellationToken) is not { } project)
        {
            return new ErrorTrackingDecision(ErrorTrackingOutcome.ProjectNotFound);
        }

        // Instance switch, then the project's feature, then an active key of that project.
        var enabled = options.Value.ErrorTrackingEnabled &&
                      project.ErrorTrackingEnabled &&
                      await errorTrackingKeys.GetErrorTrackingKeyAsync(project.Id, publicKey, cancellationToken) is { Active: true };
        return new ErrorTrackingDecision(ErrorTrackingOutcome.Answered, enabled);
    }

    private static string Chomp(string value) =>
        value.EndsWith("\r\n", StringComparison.Ordinal) ? value[..^2]
        : value.EndsWith('\n') || value.EndsWith('\r') ? value[..^1]
        : value;
}
