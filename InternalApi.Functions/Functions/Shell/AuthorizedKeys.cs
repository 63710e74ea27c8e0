using InternalApi.Functions.Hosting;

namespace InternalApi.Functions.Functions.Shell;

/// <summary><c>GET /api/v4/internal/authorized_keys</c>.</summary>
public static class AuthorizedKeys
{
    /// <summary>Declaration.</summary>
    public static HttpFunction Function { get; } = new("AuthorizedKeys", ["GET"], "v4/internal/authorized_keys", FunctionAuth.ShellJwt, Handle);

    /// <summary>Not written yet.</summary>
    public static IResult Handle() => NotImplementedYet.Result();
}
