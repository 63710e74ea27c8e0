using System.Text.Json.Nodes;
using InternalApi.Core.Subscriptions;
using InternalApi.Functions.Hosting;

namespace InternalApi.Functions.Functions.Admin;

/// <summary>
/// GitLab's answers to the subscription services' refusals (spec §1.4): each kind's status and exact body, in one
/// place. The texts are Grape's helpers (<c>not_found!</c>, <c>bad_request!</c>, <c>forbidden!</c>), the model's
/// errors as <c>{"message":{"attribute":["error"]}}</c>, and a service's error as <c>{"message":{"error":"..."}}</c>.
/// </summary>
internal static class SubscriptionRefusals
{
    /// <summary>The error to answer <paramref name="refusal"/> with.</summary>
    public static ApiErrorException Error(SubscriptionException refusal)
    {
        ArgumentNullException.ThrowIfNull(refusal);
        return refusal.Kind switch
        {
            SubscriptionRefusal.NotFound => ApiErrorException.WithMessage(
                StatusCodes.Status404NotFound, refusal.Subject is null ? "404 Not Found" : $"404 {refusal.Subject} Not Found"),
            SubscriptionRefusal.BadRequest => ApiErrorException.WithMessage(StatusCodes.Status400BadRequest, "400 Bad request - " + refusal.Subject),
            SubscriptionRefusal.Forbidden => ApiErrorException.WithMessage(StatusCodes.Status403Forbidden, "403 Forbidden - " + refusal.Subject),
            SubscriptionRefusal.Invalid => ApiErrorException.WithMessage(
                StatusCodes.Status400BadRequest, new JsonObject { [refusal.Subject!] = new JsonArray(refusal.Error) }, refusal.Message),
            SubscriptionRefusal.ServiceError => ApiErrorException.WithMessage(
                StatusCodes.Status400BadRequest, new JsonObject { ["error"] = refusal.Error }, refusal.Message),
            _ => throw new ArgumentOutOfRangeException(nameof(refusal), refusal.Kind, "Unknown refusal."),
        };
    }
}
