using InternalApi.Functions.Hosting;

namespace InternalApi.Functions.Functions.Git;

/// <summary><c>POST /api/v4/internal/allowed</c>.</summary>
public static class Allowed
{
    /// <summary>Declaration.</summary>
    public static HttpFunction Function { get; } = new("Allowed", ["POST"], "v4/internal/allowed", FunctionAuth.ShellJwt, Handle);

    /// <summary>Not written yet.</summary>
    public static IResult Handle() => NotImplementedYet.Result();
}
