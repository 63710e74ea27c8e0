using System.Security.Cryptography;
using System.Text;
using InternalApi.Core.Auth;
using Microsoft.Extensions.Options;

namespace InternalApi.Benchmarks;

/// <summary>Keys shaped like the ones <c>./run.sh</c> creates: a 64-hex-character shell secret, a 32-byte KAS key.</summary>
internal static class Secrets
{
    public static byte[] ShellKey { get; } = Encoding.UTF8.GetBytes(Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32)));

    public static byte[] KasKey { get; } = RandomNumberGenerator.GetBytes(InternalSecrets.KasSecretLength);

    /// <summary>The authenticator as the app registers it (defaults: no rotation, no legacy secret, 60 s leeway).</summary>
    public static InternalAuthenticator Authenticator() => new(
        new InternalSecrets(ShellKey, KasKey), Options.Create(new ShellAuthOptions()), Options.Create(new KasAuthOptions()), TimeProvider.System);
}
