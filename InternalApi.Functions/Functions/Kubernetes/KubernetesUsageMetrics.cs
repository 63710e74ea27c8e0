using InternalApi.Functions.Hosting;

namespace InternalApi.Functions.Functions.Kubernetes;

/// <summary><c>POST /api/v4/internal/kubernetes/usage_metrics</c>.</summary>
public static class KubernetesUsageMetrics
{
    /// <summary>Declaration.</summary>
    public static HttpFunction Function { get; } = new("KubernetesUsageMetrics", ["POST"], "v4/internal/kubernetes/usage_metrics", FunctionAuth.KasJwt, Handle);

    /// <summary>Not written yet.</summary>
    public static IResult Handle() => NotImplementedYet.Result();
}
