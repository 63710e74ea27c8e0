using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace InternalApi.Tests.CustomersDot;

/// <summary>
/// A real OpenID Connect issuer on loopback, as the subscription portal publishes one: a discovery document and a
/// JWKS of RS256 keys generated here. Keys can be added and removed while it runs (rotation), and it mints tokens
/// with any of them, or with anything else a test needs to be refused.
/// </summary>
public sealed class TestIssuer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly Lock _lock = new();
    private readonly Dictionary<string, RSA> _keys = [];
    private readonly List<string> _published = [];
    private int _jwksFetches;

    private TestIssuer(WebApplication app) => _app = app;

    /// <summary>The issuer URL (<c>iss</c>).</summary>
    public string Issuer { get; private set; } = "";

    /// <summary>The discovery document's URL (<c>CustomersDot:MetadataAddress</c>).</summary>
    public string MetadataAddress => Issuer + "/.well-known/openid-configuration";

    /// <summary>How often the JWKS was fetched.</summary>
    public int JwksFetches => Volatile.Read(ref _jwksFetches);

    /// <summary>Starts on a free loopback port with one published key.</summary>
    public static async Task<TestIssuer> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var issuer = new TestIssuer(app);
        app.MapGet("/.well-known/openid-configuration", () => Results.Text(issuer.Discovery(), "application/json"));
        app.MapGet("/oauth/discovery/keys", () =>
        {
            Interlocked.Increment(ref issuer._jwksFetches);
            return Results.Text(issuer.Jwks(), "application/json");
        });
        await app.StartAsync();
        issuer.Issuer = app.Urls.First().TrimEnd('/');
        issuer.Publish(issuer.NewKey());
        return issuer;
    }

    /// <summary>A new key, not yet published.</summary>
    public string NewKey()
    {
        var kid = "k" + Guid.NewGuid().ToString("N")[..12];
        lock (_lock)
        {
            _keys[kid] = RSA.Create(2048);
        }

        return kid;
    }

    /// <summary>Puts a key into the JWKS.</summary>
    public void Publish(string kid)
    {
        lock (_lock)
        {
            _published.Add(kid);
        }
    }

    /// <summary>Takes a key out of the JWKS.</summary>
    public void Withdraw(string kid)
    {
        lock (_lock)
        {
            _published.Remove(kid);
        }
    }

    /// <summary>The first published key.</summary>
    public string CurrentKey
    {
        get
        {
            lock (_lock)
            {
                return _published[0];
            }
        }
    }

    /// <summary>A token signed with <paramref name="kid"/> (the current key by default); every claim can be changed.</summary>
    public string Token(
        string? kid = null, string audience = "gitlab-subscriptions", string subject = "customers-dot-internal-api", string? issuer = null,
        DateTime? expires = null, RSA? signWith = null)
    {
        kid ??= CurrentKey;
        RSA rsa;
        lock (_lock)
        {
            rsa = signWith ?? _keys[kid];
        }

        var now = DateTime.UtcNow;
        var exp = expires ?? now.AddMinutes(5);
        var handler = new JsonWebTokenHandler { SetDefaultTimesOnTokenCreation = false };
        return handler.CreateToken(new SecurityTokenDescriptor
        {
            Issuer = issuer ?? Issuer,
            Audience = audience,
            Claims = new Dictionary<string, object> { ["sub"] = subject },
            IssuedAt = exp.AddMinutes(-10),
            NotBefore = exp.AddMinutes(-10),
            Expires = exp,
            SigningCredentials = new SigningCredentials(new RsaSecurityKey(rsa) { KeyId = kid }, SecurityAlgorithms.RsaSha256),
        });
    }

    /// <summary>An unsigned token (<c>alg: none</c>) with valid claims.</summary>
    public string UnsignedToken() =>
        Segment(new JsonObject { ["alg"] = "none", ["typ"] = "JWT" }) + "." + Segment(Claims()) + ".";

    /// <summary>
    /// The key confusion attack: HS256, its HMAC key the published RSA public key (as a PEM), the <c>kid</c> of that key.
    /// </summary>
    public string PublicKeyHmacToken()
    {
        string pem;
        lock (_lock)
        {
            pem = _keys[CurrentKey].ExportSubjectPublicKeyInfoPem();
        }

        var signed = Segment(new JsonObject { ["alg"] = "HS256", ["typ"] = "JWT", ["kid"] = CurrentKey }) + "." + Segment(Claims());
        return signed + "." + Base64UrlEncoder.Encode(HMACSHA256.HashData(Encoding.UTF8.GetBytes(pem), Encoding.ASCII.GetBytes(signed)));
    }

    /// <inheritdoc/>
    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
        lock (_lock)
        {
            foreach (var key in _keys.Values)
            {
                key.Dispose();
            }
        }
    }

    private JsonObject Claims() => new()
    {
        ["iss"] = Issuer,
        ["aud"] = "gitlab-subscriptions",
        ["sub"] = "customers-dot-internal-api",
        ["exp"] = DateTimeOffset.UtcNow.AddMinutes(5).ToUnixTimeSeconds(),
    };

    private static string Segment(JsonObject json) => Base64UrlEncoder.Encode(Encoding.UTF8.GetBytes(json.ToJsonString()));

    private string Discovery() => new JsonObject
    {
        ["issuer"] = Issuer,
        ["jwks_uri"] = Issuer + "/oauth/discovery/keys",
        ["id_token_signing_alg_values_supported"] = new JsonArray("RS256"),
        ["response_types_supported"] = new JsonArray("code"),
        ["subject_types_supported"] = new JsonArray("public"),
    }.ToJsonString();

    private string Jwks()
    {
        var keys = new JsonArray();
        lock (_lock)
        {
            foreach (var kid in _published)
            {
                var p = _keys[kid].ExportParameters(false);
                keys.Add(new JsonObject
                {
                    ["kty"] = "RSA",
                    ["use"] = "sig",
                    ["alg"] = "RS256",
                    ["kid"] = kid,
                    ["n"] = Base64UrlEncoder.Encode(p.Modulus),
                    ["e"] = Base64UrlEncoder.Encode(p.Exponent),
                });
            }
        }

        return new JsonObject { ["keys"] = keys }.ToJsonString(new JsonSerializerOptions());
    }
}
