using InternalApi.Functions.Hosting;

namespace InternalApi.Functions.Functions.ErrorTracking;

/// <summary><c>POST /api/v4/internal/error_tracking/allowed</c>.</summary>
public static class ErrorTrackingAllowed
{
    /// <summary>Declaration.</summary>
    public static HttpFunction Function { get; } = new("ErrorTrackingAllowed", ["POST"], "v4/internal/error_tracking/allowed", FunctionAuth.Custom, Handle);

    /// <summary>Not written yet.</summary>
    public static IResult Handle() => NotImplementedYet.Result();
}
