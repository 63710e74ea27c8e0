using InternalApi.Core.Identity;
using InternalApi.Core.TwoFactor;

namespace InternalApi.Core.Shell;

/// <summary>The user-visible messages of the shell commands, exactly as GitLab words them (gitlab-shell prints them).</summary>
public static class ShellMessages
{
    /// <summary><c>user_id</c> sent but no such user.</summary>
    public const string UserNotFound = "Could not find the given user";

    /// <summary>No key (or an unknown one).</summary>
    public const string KeyNotFound = ShellActor.KeyNotFound;

    /// <summary>A user key whose user is gone.</summary>
    public const string KeyWithoutUser = ShellActor.KeyWithoutUser;

    /// <summary>Deploy key asking for recovery codes.</summary>
    public const string DeployKeyRecoveryCodes = "Deploy keys cannot be used to retrieve recovery codes";

    /// <summary>User without 2FA asking for recovery codes.</summary>
    public const string TwoFactorNotEnabled = OtpMessages.TwoFactorNotEnabled;

    /// <summary>Deploy key asking for a token.</summary>
    public const string DeployKeyPersonalAccessToken = "Deploy keys cannot be used to create personal access tokens";

    /// <summary>Blank token name.</summary>
    public const string NoTokenName = "No token name specified";

    /// <summary>Blank or missing scopes.</summary>
    public const string NoTokenScopes = "No token scopes specified";

    /// <summary>The token service refused the user.</summary>
    public const string NotPermittedToCreate = "Not permitted to create";

    /// <summary>Prefix of every token creation failure reported by the token service.</summary>
    public const string FailedToCreateToken = "Failed to create token: ";
}
