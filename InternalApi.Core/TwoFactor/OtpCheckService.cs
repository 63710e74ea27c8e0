using InternalApi.Core.Identity;
using InternalApi.Core.Model;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace InternalApi.Core.TwoFactor;

/// <summary>The outcome of an OTP check: success, or the message gitlab-shell prints.</summary>
public sealed record OtpCheckResult(bool Success, string? Message)
{
    /// <summary>Accepted.</summary>
    public static OtpCheckResult Accepted { get; } = new(true, null);

    /// <summary>Refused with GitLab's message.</summary>
    public static OtpCheckResult Refused(string message) => new(false, message);
}

/// <summary>GitLab's messages of the OTP checks (EE <c>API::Internal::Base</c>).</summary>
public static class OtpMessages
{
    /// <summary>A user without 2FA (also the recovery-codes command's answer).</summary>
    public const string TwoFactorNotEnabled = "Two-factor authentication is not enabled for this user";

    /// <summary>Without the <c>git_two_factor_enforcement</c> license feature.</summary>
    public const string FeatureNotAvailable = "Feature is not available";

    /// <summary>Without the <c>two_factor_for_cli</c> feature flag.</summary>
    public const string FeatureFlagDisabled = "Feature flag is disabled";

    /// <summary>A deploy key asking.</summary>
    public const string DeployKey = "Deploy keys cannot be used for Two Factor";

    /// <summary>A user who may not log in (blocked, pending approval, internal).</summary>
    public const string Locked = "Your account is locked";

    /// <summary>A wrong, replayed or unverifiable code (and every push approval: no push provider is configured).</summary>
    public const string InvalidOtp = "Invalid OTP";
}

/// <summary>
/// <c>two_factor_manual_otp_check</c> and <c>two_factor_push_otp_check</c> (gitlab-shell's <c>2fa_verify</c>).
/// A manual check verifies a TOTP code against the user's encrypted secret, spends its time step, and opens
/// an OTP session for the key, which <c>/allowed</c> asks for when <see cref="TwoFactorOptions.OtpCheckForGitOverSsh"/> is on.
/// </summary>
public sealed partial class OtpCheckService(
    ShellActorLookup actors,
    OtpStore store,
    OtpSecretProtector protector,
    IOptions<TwoFactorOptions> options,
    TimeProvider time,
    ILogger<OtpCheckService> logger)
{
    private const int MaxConcurrencyRetries = 5;

    /// <summary>Verifies <paramref name="attempt"/> for the actor, in GitLab's order of checks.</summary>
    public async Task<OtpCheckResult> CheckManualAsync(ShellActorQuery query, string? attempt, CancellationToken cancellationToken = default)
    {
        var (refusal, actor) = await ResolveAsync(query, cancellationToken);
        if (refusal is not null)
        {
            return refusal;
        }

        var user = actor!.User!;
        if (!CanLogIn(user))
        {
            return OtpCheckResult.Refused(OtpMessages.Locked);
        }

        for (var attemptNo = 0; attemptNo < MaxConcurrencyRetries; attemptNo++)
        {
            var stored = await store.GetSecretAsync(user.Id, cancellationToken);
            var secret = stored is null ? null : protector.Unprotect(user.Id, stored.Secret);
            if (stored is not null && secret is null)
            {
                Log.SecretUnreadable(logger, user.Id, stored.Secret.KeyId);
            }

            if (secret is null || Totp.Match(secret, attempt, time.GetUtcNow(), stored!.LastUsedStep) is not { } step)
            {
                Log.Refused(logger, user.Id, actor.Key?.Id);
                return OtpCheckResult.Refused(OtpMessages.InvalidOtp);
            }

            // Spending the step and moving the secret to the active key is one conditional write; losing the
            // race means another check used the row meanwhile, so read again (the same code is then refused).
            var rewritten = protector.CanProtect ? protector.Protect(user.Id, secret) : stored.Secret;
            if (await store.TryConsumeAsync(stored, step, rewritten, cancellationToken))
            {
                if (actor.Key is { } key)
                {
                    await store.GrantSessionAsync(key.Id, time.GetUtcNow() + options.Value.OtpSessionLifetime, cancellationToken);
                }

                Log.Accepted(logger, user.Id, actor.Key?.Id);
                return OtpCheckResult.Accepted;
            }
        }

        throw new InvalidOperationException($"The OTP secret of user {user.Id} kept changing during the check.");
    }

    /// <summary>
    /// Push approval. GitLab sends it to FortiAuthenticator when configured; this instance has no push
    /// provider, so after the same actor checks it answers GitLab's refusal for that case.
    /// </summary>
    public async Task<OtpCheckResult> CheckPushAsync(ShellActorQuery query, CancellationToken cancellationToken = default)
    {
        var (refusal, _) = await ResolveAsync(query, cancellationToken);
        return refusal ?? OtpCheckResult.Refused(OtpMessages.InvalidOtp);
    }

    /// <summary>The checks both commands share, in GitLab's order; null refusal when the actor is a 2FA user.</summary>
    private async Task<(OtpCheckResult? Refusal, ShellActor? Actor)> ResolveAsync(ShellActorQuery query, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(query);
        var settings = options.Value;
        if (!settings.GitTwoFactorEnforcementLicensed)
        {
            return (OtpCheckResult.Refused(OtpMessages.FeatureNotAvailable), null);
        }

        if (!settings.OtpCheckForGitOverSsh)
        {
            return (OtpCheckResult.Refused(OtpMessages.FeatureFlagDisabled), null);
        }

        // Records key use first, as GitLab does before any other check.
        // GitLab validates the actor here without a "user not found" case of its own: an unknown user_id
        // reads as a missing key.
        var actor = await actors.ResolveAsync(query, cancellationToken);
        if (actor.KeyProblem is { } problem)
        {
            return (OtpCheckResult.Refused(problem), actor);
        }

        if (actor.IsDeployKey)
        {
            return (OtpCheckResult.Refused(OtpMessages.DeployKey), actor);
        }

        return actor.User!.TwoFactorEnabled ? (null, actor) : (OtpCheckResult.Refused(OtpMessages.TwoFactorNotEnabled), actor);
    }

    /// <summary>GitLab's <c>can?(:log_in)</c>: not blocked, not awaiting approval, not an internal account.</summary>
    private static bool CanLogIn(User user) =>
        user.Type == UserType.Human && user.State is not (UserState.Blocked or UserState.BlockedPendingApproval);

    private static partial class Log
    {
        [LoggerMessage(EventId = 3200, Level = LogLevel.Information, Message = "OTP accepted for user {UserId} (key {KeyId})")]
        public static partial void Accepted(ILogger logger, long userId, long? keyId);

        [LoggerMessage(EventId = 3201, Level = LogLevel.Information, Message = "OTP refused for user {UserId} (key {KeyId})")]
        public static partial void Refused(ILogger logger, long userId, long? keyId);

        [LoggerMessage(EventId = 3202, Level = LogLevel.Error, Message = "The OTP secret of user {UserId} cannot be decrypted: key {KeyId} is not configured or the ciphertext is damaged")]
        public static partial void SecretUnreadable(ILogger logger, long userId, string keyId);
    }
}
