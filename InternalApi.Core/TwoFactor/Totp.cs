using System.Buffers.Binary;
using System.Security.Cryptography;

namespace InternalApi.Core.TwoFactor;

/// <summary>
/// Time-based one-time passwords (RFC 6238 over RFC 4226 HOTP) as authenticator apps and GitLab's
/// devise-two-factor compute them: HMAC-SHA1, 30-second steps counted from the Unix epoch, 6 digits.
/// </summary>
public static class Totp
{
    /// <summary>Seconds per time step.</summary>
    public const int StepSeconds = 30;

    /// <summary>Digits of a code.</summary>
    public const int Digits = 6;

    /// <summary>
    /// Steps accepted on either side of the current one (GitLab's devise-two-factor drift of 30 seconds),
    /// for clocks that differ a little and codes typed near the end of their step.
    /// </summary>
    public const int AllowedDrift = 1;

    /// <summary>The time step that contains <paramref name="time"/>.</summary>
    public static long StepAt(DateTimeOffset time) => Math.DivRem(time.ToUnixTimeSeconds(), StepSeconds, out var rest) - (rest < 0 ? 1 : 0);

    /// <summary>The HOTP code of <paramref name="step"/> (RFC 4226 dynamic truncation), zero-padded to <paramref name="digits"/>.</summary>
    public static string Code(ReadOnlySpan<byte> secret, long step, int digits = Digits)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(digits, 6);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(digits, 9);
        Span<byte> counter = stackalloc byte[8];
        BinaryPrimitives.WriteInt64BigEndian(counter, step);
        Span<byte> hash = stackalloc byte[HMACSHA1.HashSizeInBytes];
#pragma warning disable CA5350 // RFC 6238 and every authenticator app use HMAC-SHA1; HOTP truncation keeps it sound here.
        HMACSHA1.HashData(secret, counter, hash);
#pragma warning restore CA5350
        var offset = hash[^1] & 0x0f;
        var binary = BinaryPrimitives.ReadInt32BigEndian(hash[offset..]) & 0x7fffffff;
        var modulus = (int)Math.Pow(10, digits);
        return (binary % modulus).ToString(new string('0', digits), System.Globalization.CultureInfo.InvariantCulture);
    }

    /// <summary>
    /// The step whose code is <paramref name="attempt"/>, searched within <see cref="AllowedDrift"/> of the step
    /// at <paramref name="now"/> and only after <paramref name="lastUsedStep"/> (a code, once accepted, is
    /// spent together with every earlier one, as devise-two-factor's consumed time step works); null when none.
    /// Codes are compared in constant time.
    /// </summary>
    public static long? Match(ReadOnlySpan<byte> secret, string? attempt, DateTimeOffset now, long? lastUsedStep)
    {
        var typed = attempt?.Trim() ?? "";
        if (typed.Length != Digits || !typed.All(char.IsAsciiDigit))
        {
            return null;
        }

        var current = StepAt(now);
        long? found = null;
        for (var step = current - AllowedDrift; step <= current + AllowedDrift; step++)
        {
            // Every candidate is computed and compared, so the time taken does not tell which step matched.
            var equal = CryptographicOperations.FixedTimeEquals(
                System.Text.Encoding.ASCII.GetBytes(Code(secret, step)), System.Text.Encoding.ASCII.GetBytes(typed));
            if (equal && found is null && (lastUsedStep is not { } used || step > used))
            {
                found = step;
            }
        }

        return found;
    }
}
