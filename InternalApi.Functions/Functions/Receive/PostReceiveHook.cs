using InternalApi.Functions.Hosting;

namespace InternalApi.Functions.Functions.Receive;

/// <summary><c>POST /api/v4/internal/post_receive</c>.</summary>
public static class PostReceiveHook
{
    /// <summary>Declaration.</summary>
    public static HttpFunction Function { get; } = new("PostReceiveHook", ["POST"], "v4/internal/post_receive", FunctionAuth.ShellJwt, Handle);

    /// <summary>Not written yet.</summary>
    public static IResult Handle() => NotImplementedYet.Result();
}
