using InternalApi.Functions.Hosting;

namespace InternalApi.Functions.Functions.Receive;

/// <summary><c>POST /api/v4/internal/pre_receive</c>.</summary>
public static class PreReceive
{
    /// <summary>Declaration.</summary>
    public static HttpFunction Function { get; } = new("PreReceive", ["POST"], "v4/internal/pre_receive", FunctionAuth.ShellJwt, Handle);

    /// <summary>Not written yet.</summary>
    public static IResult Handle() => NotImplementedYet.Result();
}
