using BenchmarkDotNet.Attributes;
using InternalApi.Core.Auth;

namespace InternalApi.Benchmarks;

/// <summary>
/// The JWT every shell and KAS request carries, validated as <c>RequestAuthenticator</c> validates it
/// (<see cref="InternalAuthenticator"/> → <see cref="InternalJwt"/>). The tokens are made at setup the way
/// gitlab-shell and kas make theirs (HS256, iss, iat, exp; kas adds aud), valid for the whole run.
/// </summary>
[MemoryDiagnoser]
public class JwtBenchmarks
{
    private InternalAuthenticator _authenticator = null!;
    private string _shellToken = null!;
    private string _kasToken = null!;

    /// <summary>Builds the authenticator and fresh tokens.</summary>
    [GlobalSetup]
    public void Setup()
    {
        _authenticator = Secrets.Authenticator();
        _shellToken = InternalJwt.Create(Secrets.ShellKey, InternalJwt.ShellIssuer, null, TimeProvider.System, TimeSpan.FromHours(1));
        _kasToken = InternalJwt.Create(Secrets.KasKey, InternalJwt.KasIssuer, InternalJwt.KasAudience, TimeProvider.System, TimeSpan.FromHours(1));
    }

    /// <summary><c>Gitlab-Shell-Api-Request</c> of gitlab-shell/Gitaly.</summary>
    [Benchmark]
    public Task<JwtValidation> ShellJwt() => _authenticator.AuthenticateShellAsync(_shellToken, null, null);

    /// <summary><c>Gitlab-Kas-Api-Request</c> of kas.</summary>
    [Benchmark]
    public Task<JwtValidation> KasJwt() => _authenticator.AuthenticateKasAsync(_kasToken);
}
