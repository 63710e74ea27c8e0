using InternalApi.Functions.Hosting;

namespace InternalApi.Functions.Functions.Shell;

/// <summary><c>GET /api/v4/internal/discover</c>.</summary>
public static class Discover
{
    /// <summary>Declaration.</summary>
    public static HttpFunction Function { get; } = new("Discover", ["GET"], "v4/internal/discover", FunctionAuth.ShellJwt, Handle);

    /// <summary>Not written yet.</summary>
    public static IResult Handle() => NotImplementedYet.Result();
}
