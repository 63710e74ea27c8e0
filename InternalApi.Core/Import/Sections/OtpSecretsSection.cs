using InternalApi.Core.TwoFactor;

namespace InternalApi.Core.Import;

/// <summary>A user's OTP secret as the file gives it (decoded; never stored like this).</summary>
public sealed record OtpSecretRecord(long UserId, byte[] Secret);

/// <summary>
/// <c>otp_secrets</c>: a user's TOTP secret (<c>user_id</c>, <c>secret</c> in base32 as authenticator apps show
/// it). Encrypted with the active OTP encryption key before it is written; it starts with no used code.
/// </summary>
public sealed class OtpSecretsSection(OtpStore store, OtpSecretProtector protector) : ImportSection<OtpSecretRecord>
{
    /// <summary>RFC 4226's minimum secret length (128 bits).</summary>
    public const int MinSecretBytes = 16;

    /// <inheritdoc/>
    public override string Name => "otp_secrets";

    /// <inheritdoc/>
    protected override OtpSecretRecord Read(ImportReader record)
    {
        ArgumentNullException.ThrowIfNull(record);
        var userId = record.Id("user_id", required: true) ?? 0;
        var text = record.Text("secret", required: true);
        var secret = text is null ? null : Base32.Decode(text);
        if (text is not null && (secret is null || secret.Length < MinSecretBytes))
        {
            record.Error("secret", $"is not a base32 secret of at least {MinSecretBytes} bytes");
            secret = null;
        }

        return new OtpSecretRecord(userId, secret ?? []);
    }

    /// <inheritdoc/>
    protected override void CheckFile(IEnumerable<ImportItem<OtpSecretRecord>> items, ImportContext context)
    {
        ArgumentNullException.ThrowIfNull(items);
        ArgumentNullException.ThrowIfNull(context);
        context.Duplicates(items, s => ImportContext.Key(s.UserId), "user_id", StringComparer.Ordinal);
        if (!protector.CanProtect && items.FirstOrDefault() is { } first)
        {
            context.Error(first.Path, "secret", protector.ConfigurationError is { } problem
                ? "cannot be encrypted: " + problem
                : "no OTP encryption key is configured (TwoFactor:OtpEncryptionKeys or TwoFactor:OtpEncryptionKeyFile, and TwoFactor:OtpActiveEncryptionKey when there are several)");
        }
    }

    /// <inheritdoc/>
    protected override async Task CheckAsync(ImportItem<OtpSecretRecord> item, ImportContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(item);
        ArgumentNullException.ThrowIfNull(context);
        if (item.Value.UserId > 0 && !await context.UserExistsAsync(item.Value.UserId, cancellationToken))
        {
            context.Error(item.Path, "user_id", $"unknown user {item.Value.UserId}");
        }
    }

    /// <inheritdoc/>
    protected override Task WriteAsync(OtpSecretRecord value, ImportContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(value);
        return store.PutSecretAsync(value.UserId, protector.Protect(value.UserId, value.Secret), cancellationToken);
    }
}
