using InternalApi.Core.Kubernetes;
using InternalApi.Functions.Hosting;

namespace InternalApi.Functions.Functions.Kubernetes;

/// <summary>GitLab's answers to the kas modules' refusals: the status code and its <c>{"message"}</c> text.</summary>
public static class KasRefusals
{
    /// <summary>The error to throw for <paramref name="refusal"/>; <paramref name="message"/> is GitLab's own text for an invalid payload.</summary>
    public static ApiErrorException Error(KasRefusal refusal, string? message = null) => refusal switch
    {
        KasRefusal.NotFound => ApiErrorException.WithMessage(StatusCodes.Status404NotFound, "404 Not Found"),
        KasRefusal.Forbidden => ApiErrorException.WithMessage(StatusCodes.Status403Forbidden, "403 Forbidden"),
        KasRefusal.Invalid => ApiErrorException.WithMessage(StatusCodes.Status400BadRequest, message ?? "400 Bad request"),
        KasRefusal.NotLicensed => ApiErrorException.WithMessage(StatusCodes.Status402PaymentRequired, "Payment Required"),
        _ => throw new ArgumentOutOfRangeException(nameof(refusal), refusal, null),
    };
}
