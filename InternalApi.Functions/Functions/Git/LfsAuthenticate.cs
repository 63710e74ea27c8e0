using InternalApi.Functions.Hosting;

namespace InternalApi.Functions.Functions.Git;

/// <summary><c>POST /api/v4/internal/lfs_authenticate</c>.</summary>
public static class LfsAuthenticate
{
    /// <summary>Declaration.</summary>
    public static HttpFunction Function { get; } = new("LfsAuthenticate", ["POST"], "v4/internal/lfs_authenticate", FunctionAuth.ShellJwt, Handle);

    /// <summary>Not written yet.</summary>
    public static IResult Handle() => NotImplementedYet.Result();
}
