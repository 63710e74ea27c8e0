using System.Globalization;
using InternalApi.Core.Identity;
using InternalApi.Core.Model;
using Microsoft.Extensions.Options;

namespace InternalApi.Core.TwoFactor;

/// <summary>
/// GitLab EE's <c>check_otp_session!</c> in <c>/allowed</c>: with the license feature and
/// <see cref="TwoFactorOptions.OtpCheckForGitOverSsh"/> on, Git over SSH with a user key of a 2FA user needs an
/// OTP session for that key (opened by <c>2fa_verify</c>). Reads storage only when all of that holds.
/// </summary>
public sealed class OtpSessionGate(OtpStore store, IOptions<TwoFactorOptions> options, IOptions<GitLabOptions> gitlab, TimeProvider time)
{
    /// <summary>
    /// Starts the session read when the check applies (null otherwise: nothing to read, nothing to refuse).
    /// The task's result is true when the key may go on.
    /// </summary>
    public Task<bool>? Start(string protocol, Actor actor, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(actor);
        var settings = options.Value;
        if (!settings.GitTwoFactorEnforcementLicensed || !settings.OtpCheckForGitOverSsh || protocol != "ssh" ||
            actor.Kind != ActorKind.User || actor.Key is not { Kind: SshKeyKind.User } key || actor.User is not { TwoFactorEnabled: true })
        {
            return null;
        }

        return store.HasSessionAsync(key.Id, time.GetUtcNow(), cancellationToken);
    }

    /// <summary>GitLab's denial, with the command that opens a session.</summary>
    public string DenialMessage()
    {
        var port = options.Value.SshPort;
        var command = port == 22
            ? $"ssh {gitlab.Value.SshHost} 2fa_verify"
            : string.Create(CultureInfo.InvariantCulture, $"ssh {gitlab.Value.SshHost} -p {port} 2fa_verify");
        return "OTP verification is required to access the repository.\n\n   Use: " + command;
    }
}
