using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using InternalApi.Core.Auth;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.Tokens;

namespace InternalApi.Core.Access;

/// <summary>
/// Short-lived LFS tokens (spec §3.2): HS256 JWTs with <c>jti</c>, <c>iat</c>, <c>nbf</c> (iat − 5 s), <c>exp</c>
/// and <c>data.actor</c> / <c>data.container_gid</c>, binding the token to its actor and repository. GitLab
/// derives its key from the actor; we derive ours from the shell secret with a fixed label, so tokens
/// verify only against this instance's LFS side and no second secret has to be managed.
/// </summary>
public sealed class LfsTokenIssuer(InternalSecrets secrets, IOptions<GitLabOptions> gitlab, TimeProvider time)
{
    private readonly byte[] _key = HMACSHA256.HashData(secrets.ShellKey, "internalapi lfs token v1"u8);

    /// <summary>Token lifetime in seconds (<c>expires_in</c>).</summary>
    public int LifetimeSeconds => gitlab.Value.LfsTokenLifetimeSeconds;

    /// <summary>Issues a token for an actor name and container GlobalID.</summary>
    public string Issue(string actor, string containerGid)
    {
        var now = time.GetUtcNow().ToUnixTimeSeconds();
        using var payload = new MemoryStream();
        using (var w = new Utf8JsonWriter(payload))
        {
            w.WriteStartObject();
            w.WriteStartObject("data");
            w.WriteString("actor", actor);
            w.WriteString("container_gid", containerGid);
            w.WriteEndObject();
            w.WriteString("jti", Guid.NewGuid().ToString("D", CultureInfo.InvariantCulture));
            w.WriteNumber("iat", now);
            w.WriteNumber("nbf", now - 5);
            w.WriteNumber("exp", now + LifetimeSeconds);
            w.WriteEndObject();
        }

        return InternalJwt.Sign(_key, """{"typ":"JWT","alg":"HS256"}"""u8.ToArray(), payload.ToArray());
    }

    /// <summary>Verifies a token's signature and lifetime and returns its payload, or null.</summary>
    public JsonDocument? Verify(string token)
    {
        ArgumentNullException.ThrowIfNull(token);
        var parts = token.Split('.');
        if (parts.Length != 3)
        {
            return null;
        }

        var expected = Base64UrlEncoder.Encode(HMACSHA256.HashData(_key, Encoding.ASCII.GetBytes(parts[0] + "." + parts[1])));
        if (!CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(expected), Encoding.ASCII.GetBytes(parts[2])))
        {
            return null;
        }

        var doc = JsonDocument.Parse(Base64UrlEncoder.DecodeBytes(parts[1]));
        if (doc.RootElement.GetProperty("exp").GetInt64() < time.GetUtcNow().ToUnixTimeSeconds())
        {
            doc.Dispose();
            return null;
        }

        return doc;
    }
}
