using System.Security.Cryptography;
using InternalApi.Core.Data;
using InternalApi.Core.Identity;
using InternalApi.Core.Model;
using Microsoft.Extensions.Logging;

namespace InternalApi.Core.Shell;

/// <summary>The outcome of <c>2fa_recovery_codes</c>: fresh codes, or the message gitlab-shell prints.</summary>
public sealed record RecoveryCodesResult(bool Success, string? Message, IReadOnlyList<string> Codes)
{
    /// <summary>A refusal with GitLab's message.</summary>
    public static RecoveryCodesResult Failure(string message) => new(false, message, []);
}

/// <summary>
/// <c>/internal/two_factor_recovery_codes</c> (spec §3.6): regenerates a user's OTP backup codes.
/// The clear codes exist only in the answer; the user record keeps their SHA-256 digests.
/// </summary>
public sealed partial class RecoveryCodeService(ShellActorLookup actors, UserStore users, ILogger<RecoveryCodeService> logger)
{
    /// <summary>How many codes a set has (GitLab: 10).</summary>
    public const int CodeCount = 10;

    /// <summary>Length of a code in hex characters (GitLab: 16).</summary>
    public const int CodeLength = 16;

    /// <summary>
    /// Checks the actor in GitLab's current order, then replaces the user's codes. Running it twice
    /// (gitlab-shell retries) simply issues another set; only the last one answered is valid.
    /// </summary>
    public async Task<RecoveryCodesResult> RegenerateAsync(ShellActorQuery query, CancellationToken cancellationToken = default)
    {
        var actor = await actors.ResolveAsync(query, cancellationToken);
        if (actor.UserIdGiven && actor.User is null && !actor.IsDeployKey)
        {
            return RecoveryCodesResult.Failure(ShellMessages.UserNotFound);
        }

        if (actor.KeyProblem is { } problem)
        {
            return RecoveryCodesResult.Failure(problem);
        }

        if (actor.IsDeployKey)
        {
            return RecoveryCodesResult.Failure(ShellMessages.DeployKeyRecoveryCodes);
        }

        var user = actor.User!;
        if (!user.TwoFactorEnabled)
        {
            return RecoveryCodesResult.Failure(ShellMessages.TwoFactorNotEnabled);
        }

        var codes = Enumerable.Range(0, CodeCount).Select(_ => RandomNumberGenerator.GetHexString(CodeLength, lowercase: true)).ToList();
        await users.ReplaceRecoveryCodesAsync(user.Id, codes.Select(SecretDigest.Sha256Hex).ToList(), cancellationToken);
        Log.Regenerated(logger, user.Id, actor.Key?.Id);
        return new RecoveryCodesResult(true, null, codes);
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 3100, Level = LogLevel.Information, Message = "Regenerated two-factor recovery codes for user {UserId} (key {KeyId})")]
        public static partial void Regenerated(ILogger logger, long userId, long? keyId);
    }
}
