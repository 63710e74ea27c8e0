namespace InternalApi.Core.Auth;

/// <summary>
/// The Workhorse key, loaded once at start: GitLab's <c>.gitlab_workhorse_secret</c> is base64 of exactly 32 bytes,
/// and the key is the decoded bytes. Absent, Workhorse tokens are refused (nothing else needs it); present but
/// malformed, the app does not start.
/// </summary>
public sealed class WorkhorseSecret(RotatingKey? keys)
{
    /// <summary>Number of bytes the secret must decode to.</summary>
    public const int Length = 32;

    /// <summary>The keys, with the previous one during a rotation window; null when no secret is configured.</summary>
    public RotatingKey? Keys { get; } = keys;

    /// <summary>Loads the secret as the KAS secret is loaded (<see cref="InternalSecrets.LoadBase64Key"/>): value over file, a previous secret only with the end of its window; none leaves Workhorse tokens refused, a malformed one stops the app.</summary>
    public static WorkhorseSecret Load(WorkhorseAuthOptions options, string contentRoot)
    {
        ArgumentNullException.ThrowIfNull(options);
        return new WorkhorseSecret(InternalSecrets.LoadBase64Key(
            "Workhorse", "Workhorse", options.Secret, options.SecretFile, options.PreviousSecret, options.PreviousSecretFile, options.PreviousSecretValidUntil, contentRoot));
    }

    /// <summary>Decodes a Workhorse secret; throws when it is not base64 of exactly 32 bytes (or is an unresolved Key Vault reference).</summary>
    public static byte[] Decode(string base64) => InternalSecrets.DecodeBase64Key("Workhorse", base64);
}
