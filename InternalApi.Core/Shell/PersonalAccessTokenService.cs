using System.Globalization;
using System.Security.Cryptography;
using InternalApi.Core.Data;
using InternalApi.Core.Identity;
using InternalApi.Core.Model;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace InternalApi.Core.Shell;

/// <summary>What gitlab-shell's <c>personal_access_token</c> command asks for, as sent.</summary>
/// <param name="Actor">Who asks.</param>
/// <param name="Name">Token name.</param>
/// <param name="Scopes">Requested scopes; null when absent.</param>
/// <param name="ExpiresAt">Expiry date text, any form <see cref="RubyDate"/> reads; null or blank for none.</param>
public sealed record PersonalAccessTokenRequest(ShellActorQuery Actor, string? Name, IReadOnlyList<string>? Scopes, string? ExpiresAt);

/// <summary>The outcome: the new token (shown once), or the message gitlab-shell prints.</summary>
public sealed record PersonalAccessTokenResult(bool Success, string? Message, string? Token, IReadOnlyList<string> Scopes, DateOnly? ExpiresAt)
{
    /// <summary>A refusal with GitLab's message.</summary>
    public static PersonalAccessTokenResult Failure(string message) => new(false, message, null, [], null);
}

/// <summary>
/// <c>/internal/personal_access_token</c> (spec §3.7): checks in GitLab's current order, then creates a
/// token for the user (who is both creator and owner). Only the token's SHA-256 digest is stored.
/// </summary>
public sealed partial class PersonalAccessTokenService(
    ShellActorLookup actors,
    PersonalAccessTokenStore accessTokens,
    SequenceStore sequences,
    IOptions<GitLabOptions> options,
    TimeProvider time,
    ILogger<PersonalAccessTokenService> logger)
{
    /// <summary>Sequence the token ids come from.</summary>
    public const string IdSequence = "personal_access_tokens";

    /// <summary>Random characters after the prefix (GitLab: 20).</summary>
    public const int TokenLength = 20;

    /// <summary>
    /// GitLab's token alphabet: URL-safe base64 without the look-alike characters <c>l I O 0</c>
    /// (its generator maps them to other letters).
    /// </summary>
    public const string TokenAlphabet = "ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz123456789-_";

    /// <summary>
    /// Creates the token. Every refusal happens before anything is written; once the token is stored
    /// nothing else can fail, so a retried request never follows a token that was created but not shown.
    /// </summary>
    public async Task<PersonalAccessTokenResult> CreateAsync(PersonalAccessTokenRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        var actor = await actors.ResolveAsync(request.Actor, cancellationToken);
        if (actor.IsDeployKey)
        {
            return PersonalAccessTokenResult.Failure(ShellMessages.DeployKeyPersonalAccessToken);
        }

        if (actor.UserIdGiven && actor.User is null)
        {
            return PersonalAccessTokenResult.Failure(ShellMessages.UserNotFound);
        }

        if (actor.KeyProblem is { } problem)
        {
            return PersonalAccessTokenResult.Failure(problem);
        }

        if (string.IsNullOrWhiteSpace(request.Name))
        {
            return PersonalAccessTokenResult.Failure(ShellMessages.NoTokenName);
        }

        if (request.Scopes is not { Count: > 0 } scopes)
        {
            return PersonalAccessTokenResult.Failure(ShellMessages.NoTokenScopes);
        }

        if (PersonalAccessTokenScopes.FirstInvalid(scopes) is { } invalid)
        {
            return PersonalAccessTokenResult.Failure(PersonalAccessTokenScopes.InvalidScopeMessage(invalid));
        }

        var today = DateOnly.FromDateTime(time.GetUtcNow().UtcDateTime);
        DateOnly? expiresAt = null;
        if (!string.IsNullOrWhiteSpace(request.ExpiresAt))
        {
            if (!RubyDate.TryParse(request.ExpiresAt, today, out var parsed))
            {
                return PersonalAccessTokenResult.Failure($"Invalid token expiry date: '{request.ExpiresAt}'");
            }

            expiresAt = parsed;
        }

        var user = actor.User!;
        if (!user.CanCreatePersonalAccessToken || user.State != UserState.Active)
        {
            return PersonalAccessTokenResult.Failure(ShellMessages.FailedToCreateToken + ShellMessages.NotPermittedToCreate);
        }

        // GitLab validates only the upper bound on create: a date in the past is accepted (the token is
        // simply expired), as the doc's own example with 2020-07-24 shows. A limit of 0 means none.
        var maxDays = options.Value.PersonalAccessTokenMaxLifetimeDays;
        if (expiresAt is { } expiry && maxDays > 0 && expiry > today.AddDays(maxDays))
        {
            var limit = today.AddDays(maxDays).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
            return PersonalAccessTokenResult.Failure($"{ShellMessages.FailedToCreateToken}Expires at must be before {limit}");
        }

        var id = await sequences.NextIdAsync(IdSequence, cancellationToken: cancellationToken);
        var token = options.Value.PersonalAccessTokenPrefix + RandomNumberGenerator.GetString(TokenAlphabet, TokenLength);
        await accessTokens.UpsertPersonalAccessTokenAsync(
            new PersonalAccessToken
            {
                Id = id,
                UserId = user.Id,
                Name = request.Name,
                Digest = SecretDigest.Sha256Hex(token),
                Scopes = scopes,
                ExpiresAt = expiresAt,
                CreatedAt = time.GetUtcNow(),
            },
            cancellationToken);
        Log.Created(logger, id, user.Id, actor.Key?.Id);
        return new PersonalAccessTokenResult(true, null, token, scopes, expiresAt);
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 3200, Level = LogLevel.Information, Message = "Created personal access token {TokenId} for user {UserId} (key {KeyId})")]
        public static partial void Created(ILogger logger, long tokenId, long userId, long? keyId);
    }
}
