using System.Text;
using InternalApi.Core.TwoFactor;
using InternalApi.Tests.Infrastructure;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace InternalApi.Tests.Shell;

public sealed class TotpTests
{
    /// <summary>RFC 6238's SHA-1 seed (ASCII "12345678901234567890").</summary>
    private static readonly byte[] RfcSecret = Encoding.ASCII.GetBytes("12345678901234567890");

    // RFC 6238 appendix B, the SHA1 rows (8 digits).
    [Theory]
    [InlineData(59L, "94287082")]
    [InlineData(1111111109L, "07081804")]
    [InlineData(1111111111L, "14050471")]
    [InlineData(1234567890L, "89005924")]
    [InlineData(2000000000L, "69279037")]
    [InlineData(20000000000L, "65353130")]
    public void Codes_Match_The_Rfc_6238_Sha1_Vectors(long unixSeconds, string expected)
    {
        var clock = new FakeTimeProvider(DateTimeOffset.FromUnixTimeSeconds(unixSeconds));
        Assert.Equal(expected, Totp.Code(RfcSecret, Totp.StepAt(clock.GetUtcNow()), digits: 8));

        // Six digits are the same truncation modulo 10^6: the code GitLab users type.
        Assert.Equal(expected[2..], Totp.Code(RfcSecret, Totp.StepAt(clock.GetUtcNow())));
        Assert.Equal(Totp.StepAt(clock.GetUtcNow()), Totp.Match(RfcSecret, expected[2..], clock.GetUtcNow(), lastUsedStep: null));
    }

    [Fact]
    public void Match_Allows_One_Step_Of_Drift_And_Refuses_Spent_Steps()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.FromUnixTimeSeconds(1111111111));
        var step = Totp.StepAt(clock.GetUtcNow());
        var code = Totp.Code(RfcSecret, step);

        clock.Advance(TimeSpan.FromSeconds(Totp.StepSeconds));
        Assert.Equal(step, Totp.Match(RfcSecret, code, clock.GetUtcNow(), null));
        clock.Advance(TimeSpan.FromSeconds(Totp.StepSeconds));
        Assert.Null(Totp.Match(RfcSecret, code, clock.GetUtcNow(), null));

        // A code of the next step (a phone clock a little ahead) is accepted; the spent step and earlier ones are not.
        var now = DateTimeOffset.FromUnixTimeSeconds(1111111111);
        Assert.Equal(step + 1, Totp.Match(RfcSecret, Totp.Code(RfcSecret, step + 1), now, null));
        Assert.Null(Totp.Match(RfcSecret, code, now, lastUsedStep: step));
        Assert.Null(Totp.Match(RfcSecret, Totp.Code(RfcSecret, step - 1), now, lastUsedStep: step));
        Assert.Equal(step + 1, Totp.Match(RfcSecret, Totp.Code(RfcSecret, step + 1), now, lastUsedStep: step));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("12345")]
    [InlineData("1234567")]
    [InlineData("12a456")]
    [InlineData("١٢٣٤٥٦")]
    public void Match_Refuses_Anything_But_Six_Ascii_Digits(string? attempt) =>
        Assert.Null(Totp.Match(RfcSecret, attempt, DateTimeOffset.FromUnixTimeSeconds(59), null));

    [Fact]
    public void Base32_Decodes_Secrets_As_Authenticator_Apps_Show_Them()
    {
        Assert.Equal(RfcSecret, Base32.Decode("GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ"));
        Assert.Equal(RfcSecret, Base32.Decode("gezd gnbv gy3t qojq gezd gnbv gy3t qojq"));
        Assert.Equal("GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ", Base32.Encode(RfcSecret));
        Assert.Null(Base32.Decode("GEZDGNBV1"));
        Assert.Null(Base32.Decode("===="));
    }

    [Fact]
    public void Protector_Decrypts_With_Old_Keys_After_Rotation_And_Binds_The_User()
    {
        var oldKey = Convert.ToBase64String(Enumerable.Repeat((byte)1, 32).ToArray());
        var newKey = Convert.ToBase64String(Enumerable.Repeat((byte)2, 32).ToArray());
        var before = Protector(new() { ["k1"] = oldKey }, active: null);
        var stored = before.Protect(42, RfcSecret);
        Assert.Equal("k1", stored.KeyId);
        Assert.DoesNotContain(Convert.ToHexString(RfcSecret), Convert.ToHexString(stored.Payload), StringComparison.Ordinal);

        var after = Protector(new() { ["k1"] = oldKey, ["k2"] = newKey }, active: "k2");
        Assert.Equal(RfcSecret, after.Unprotect(42, stored));
        Assert.Equal("k2", after.Protect(42, RfcSecret).KeyId);

        // Another user's row, a key that is gone, or a damaged ciphertext decrypt to nothing.
        Assert.Null(after.Unprotect(43, stored));
        Assert.Null(Protector(new() { ["k2"] = newKey }, null).Unprotect(42, stored));
        var damaged = stored with { Payload = [.. stored.Payload] };
        damaged.Payload[^1] ^= 1;
        Assert.Null(after.Unprotect(42, damaged));
    }

    [Fact]
    public void Protector_Refuses_Bad_Configuration()
    {
        foreach (var broken in new[]
        {
            Protector(new() { ["k1"] = Convert.ToBase64String(new byte[16]) }, null),
            Protector(new() { ["k1"] = "not base64!" }, null),
            Protector(new() { ["k1"] = Convert.ToBase64String(new byte[32]) }, "k9"),
        })
        {
            Assert.NotNull(broken.ConfigurationError);
            Assert.False(broken.CanProtect);
            Assert.Throws<InvalidOperationException>(() => broken.Protect(1, RfcSecret));
        }

        var two = Protector(new() { ["a"] = Convert.ToBase64String(new byte[32]), ["b"] = Convert.ToBase64String(new byte[32]) }, null);
        Assert.False(two.CanProtect);
    }

    [Fact]
    public void Protector_Reads_Keys_From_The_Key_File()
    {
        var dir = Directory.CreateTempSubdirectory();
        try
        {
            File.WriteAllText(Path.Combine(dir.FullName, "keys"), "# rotated 2026-01\nold=" + Convert.ToBase64String(new byte[32]) + "\n");
            var options = new TwoFactorOptions { OtpEncryptionKeyFile = "keys" };
            var protector = new OtpSecretProtector(Options.Create(options), dir.FullName);
            Assert.Equal("old", protector.ActiveKeyId);
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }

    private static OtpSecretProtector Protector(Dictionary<string, string> keys, string? active)
    {
        var options = new TwoFactorOptions { OtpEncryptionKeyFile = "", OtpActiveEncryptionKey = active };
        foreach (var (id, key) in keys)
        {
            options.OtpEncryptionKeys[id] = key;
        }

        return new OtpSecretProtector(Options.Create(options), Path.GetTempPath());
    }
}
