using InternalApi.Functions.Hosting;

namespace InternalApi.Functions.Functions.Shell;

/// <summary><c>POST /api/v4/internal/personal_access_token</c>.</summary>
public static class PersonalAccessTokens
{
    /// <summary>Declaration.</summary>
    public static HttpFunction Function { get; } = new("PersonalAccessTokens", ["POST"], "v4/internal/personal_access_token", FunctionAuth.ShellJwt, Handle);

    /// <summary>Not written yet.</summary>
    public static IResult Handle() => NotImplementedYet.Result();
}
