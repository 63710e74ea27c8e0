using InternalApi.Functions.Hosting;

namespace InternalApi.Functions.Functions.Shell;

/// <summary><c>POST /api/v4/internal/two_factor_recovery_codes</c>.</summary>
public static class TwoFactorRecoveryCodes
{
    /// <summary>Declaration.</summary>
    public static HttpFunction Function { get; } = new("TwoFactorRecoveryCodes", ["POST"], "v4/internal/two_factor_recovery_codes", FunctionAuth.ShellJwt, Handle);

    /// <summary>Not written yet.</summary>
    public static IResult Handle() => NotImplementedYet.Result();
}
