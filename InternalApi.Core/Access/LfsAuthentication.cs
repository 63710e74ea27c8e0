using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using InternalApi.Core.Auth;
using InternalApi.Core.Data;
using InternalApi.Core.Identity;
using Microsoft.Extensions.Options;

namespace InternalApi.Core.Access;

/// <summary>An LFS credential for gitlab-shell's <c>git-lfs-authenticate</c>.</summary>
public sealed record LfsCredentials(string Username, string LfsToken, string RepositoryHttpPath, int ExpiresIn);

/// <summary>Why no credential was issued.</summary>
public enum LfsFailure
{
    /// <summary>No container, a snippet, or LFS disabled: <c>404 Not Found</c>.</summary>
    ContainerNotFound,

    /// <summary>No actor: <c>404 Not found</c>.</summary>
    ActorNotFound,
}

/// <summary>
/// <c>lfs_authenticate</c> (spec §3.2): container first, then actor; no re-authorization (the preceding
/// <c>/allowed</c> call did that). The token is an HS256 JWT whose key is derived from the shell secret:
/// <c>HMAC-SHA256(key: shell secret, message: "</c><see cref="SigningLabel"/><c>")</c>. Deriving keeps the
/// shell secret itself from ever signing tokens that leave the internal network, while our own LFS server
/// (which holds the same secret) can verify them.
/// </summary>
public sealed class LfsAuthentication(
    SshKeyStore keys,
    ActorResolver actors,
    RepositoryResolver repositories,
    InternalSecrets secrets,
    IOptions<GitLabOptions> gitlab,
    TimeProvider time)
{
    /// <summary>The fixed label the LFS signing key is derived with.</summary>
    public const string SigningLabel = "gitlab-internal-api/lfs-token/v1";

    /// <summary>The LFS signing key for a shell secret.</summary>
    public static byte[] DeriveSigningKey(byte[] shellKey)
    {
        ArgumentNullException.ThrowIfNull(shellKey);
        return HMACSHA256.HashData(shellKey, Encoding.UTF8.GetBytes(SigningLabel));
    }

    /// <summary>Issues the credential, or says why not.</summary>
    public async Task<(LfsCredentials? Credentials, LfsFailure? Failure)> AuthenticateAsync(string? projectPath, ActorQuery actorQuery, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(actorQuery);

        // Both are read together (they do not depend on each other); the container is still judged first.
        var resolvingTarget = repositories.ResolveAsync(projectPath, null, cancellationToken);
        var resolvingActor = actors.ResolveAsync(actorQuery, cancellationToken);
        await Task.WhenAll(resolvingTarget, resolvingActor);
        var target = await resolvingTarget;
        if (target.Project is not { LfsEnabled: true } project || target.Type == RepositoryType.Snippet)
        {
            return (null, LfsFailure.ContainerNotFound);
        }

        var actor = await resolvingActor;
        string username;
        if (actor.Kind == ActorKind.DeployKey && actor.Key is { } deployKey)
        {
            username = "lfs+deploy-key-" + deployKey.Id.ToString(CultureInfo.InvariantCulture);
        }
        else if (actor.User is { } user)
        {
            username = user.Username;
        }
        else
        {
            return (null, LfsFailure.ActorNotFound);
        }

        if (actor.Key is { } key)
        {
            await keys.TouchKeyUsedAsync(key, cancellationToken);
        }

        var settings = gitlab.Value;
        var lifetime = settings.LfsTokenLifetimeSeconds;
        var token = CreateToken(username, "gid://gitlab/Project/" + project.Id.ToString(CultureInfo.InvariantCulture), lifetime);
        var path = GitAccessService.ExternalUrl(settings) + "/" + target.RepositoryPath + ".git";
        return (new LfsCredentials(username, token, path, lifetime), null);
    }

    private string CreateToken(string actor, string containerGid, int lifetime)
    {
        var iat = time.GetUtcNow().ToUnixTimeSeconds();
        using var payload = new MemoryStream();
        using (var w = new Utf8JsonWriter(payload))
        {
            w.WriteStartObject();
            w.WriteString("jti", Guid.NewGuid().ToString());
            w.WriteNumber("iat", iat);
            w.WriteNumber("nbf", iat - 5);
            w.WriteNumber("exp", iat + lifetime);
            w.WriteStartObject("data");
            w.WriteString("actor", actor);
            w.WriteString("container_gid", containerGid);
            w.WriteEndObject();
            w.WriteEndObject();
        }

        return InternalJwt.Sign(DeriveSigningKey(secrets.ShellKey), """{"typ":"JWT","alg":"HS256"}"""u8.ToArray(), payload.ToArray());
    }
}
