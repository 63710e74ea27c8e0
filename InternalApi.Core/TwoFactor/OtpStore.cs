using System.Globalization;
using Azure;
using Azure.Data.Tables;
using InternalApi.Core.Storage;

namespace InternalApi.Core.TwoFactor;

/// <summary>A user's stored OTP secret (still encrypted), the last time step a code was accepted for, and the row's ETag.</summary>
public sealed record StoredOtpSecret(long UserId, ProtectedOtpSecret Secret, long? LastUsedStep, ETag ETag);

/// <summary>Reads and writes OTP secrets and OTP sessions (point reads and ETag-conditional updates).</summary>
public sealed class OtpStore(TwoFactorTables tables)
{
    /// <summary>The user's secret, or null when the user has none.</summary>
    public async Task<StoredOtpSecret?> GetSecretAsync(long userId, CancellationToken cancellationToken = default)
    {
        var e = await tables.OtpSecrets.FindAsync(Key(userId), "", cancellationToken: cancellationToken);
        return e is null || e.GetString("KeyId") is not { } keyId || e.GetBinary("Payload") is not { } payload
            ? null
            : new StoredOtpSecret(userId, new ProtectedOtpSecret(keyId, payload), e.GetInt64("LastUsedStep"), e.ETag);
    }

    /// <summary>Stores (or replaces) a user's secret; a new secret starts with no used step.</summary>
    public Task PutSecretAsync(long userId, ProtectedOtpSecret secret, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(secret);
        return tables.OtpSecrets.UpsertEntityAsync(
            new TableEntity(Key(userId), "") { ["KeyId"] = secret.KeyId, ["Payload"] = secret.Payload, ["LastUsedStep"] = null },
            TableUpdateMode.Replace,
            cancellationToken);
    }

    /// <summary>
    /// Records <paramref name="step"/> as spent, and the secret re-encrypted under the active key, only if the
    /// row is unchanged since it was read. False when another check got there first (the caller re-reads, so
    /// two concurrent uses of one code cannot both succeed).
    /// </summary>
    public async Task<bool> TryConsumeAsync(StoredOtpSecret read, long step, ProtectedOtpSecret rewritten, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(read);
        ArgumentNullException.ThrowIfNull(rewritten);
        try
        {
            await tables.OtpSecrets.UpdateEntityAsync(
                new TableEntity(Key(read.UserId), "") { ["KeyId"] = rewritten.KeyId, ["Payload"] = rewritten.Payload, ["LastUsedStep"] = step },
                read.ETag,
                TableUpdateMode.Replace,
                cancellationToken);
            return true;
        }
        catch (RequestFailedException ex) when (ex.IsConcurrencyConflict() || ex.Status == 404)
        {
            return false;
        }
    }

    /// <summary>Lets the key through until <paramref name="until"/> (GitLab's OTP session for the key).</summary>
    public Task GrantSessionAsync(long keyId, DateTimeOffset until, CancellationToken cancellationToken = default) =>
        tables.OtpSessions.UpsertEntityAsync(new TableEntity(Key(keyId), "") { ["ExpiresAt"] = until }, TableUpdateMode.Replace, cancellationToken);

    /// <summary>Whether the key has an OTP session that is still valid at <paramref name="now"/>.</summary>
    public async Task<bool> HasSessionAsync(long keyId, DateTimeOffset now, CancellationToken cancellationToken = default) =>
        await tables.OtpSessions.FindAsync(Key(keyId), "", cancellationToken: cancellationToken) is { } e &&
        e.GetDateTimeOffset("ExpiresAt") is { } expires && expires > now;

    private static string Key(long id) => id.ToString(CultureInfo.InvariantCulture);
}
