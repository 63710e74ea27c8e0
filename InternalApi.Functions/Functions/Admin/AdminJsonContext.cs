using System.Globalization;
using System.Text.Json.Serialization;
using InternalApi.Core.Subscriptions;
using InternalApi.Functions.Hosting;

namespace InternalApi.Functions.Functions.Admin;

/// <summary><c>plan</c> of the subscription entity (spec §5.1).</summary>
public sealed record SubscriptionPlan(string? Code, string? Name, bool? Trial, bool? AutoRenew, bool? Upgradable, bool? ExcludeGuests);

/// <summary><c>usage</c> of the subscription entity.</summary>
public sealed record SubscriptionUsage(long? SeatsInSubscription, long? SeatsInUse, long? MaxSeatsUsed, long? SeatsOwed);

/// <summary><c>billing</c> of the subscription entity.</summary>
public sealed record SubscriptionBilling(string? SubscriptionStartDate, string? SubscriptionEndDate, string? TrialEndsOn);

/// <summary>The subscription entity; nulls are written, as GitLab writes them.</summary>
public sealed record SubscriptionResponse(SubscriptionPlan Plan, SubscriptionUsage Usage, SubscriptionBilling Billing)
{
    /// <summary>The entity of a view (every leaf null without a subscription).</summary>
    public static SubscriptionResponse From(SubscriptionView view)
    {
        ArgumentNullException.ThrowIfNull(view);
        var s = view.Subscription;
        return new SubscriptionResponse(
            new SubscriptionPlan(s?.PlanCode, GitLabPlans.Title(s?.PlanCode), s?.Trial, s?.AutoRenew, view.Upgradable, view.ExcludeGuests),
            new SubscriptionUsage(s?.Seats, view.SeatsInUse, s?.MaxSeatsUsed, view.SeatsOwed),
            new SubscriptionBilling(AdminJson.Date(s?.StartDate), AdminJson.Date(s?.EndDate), AdminJson.Date(s?.TrialEndsOn)));
    }
}

/// <summary>An add-on purchase (spec §5.4).</summary>
public sealed record AddOnPurchaseResponse(long NamespaceId, string NamespaceName, string AddOn, long Quantity, string ExpiresOn, string PurchaseXid);

/// <summary>A compute minutes pack (spec §5.10).</summary>
public sealed record MinutePackResponse(long NamespaceId, string ExpiresAt, long NumberOfMinutes, string PurchaseXid);

/// <summary>A storage limit exclusion (spec §5.7).</summary>
public sealed record StorageExclusionResponse(long Id, long NamespaceId, string? NamespaceName, string Reason);

/// <summary>Source-generated serialization for the CustomersDot and Admin Area endpoints: snake_case, nulls written.</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower)]
[JsonSerializable(typeof(SubscriptionResponse))]
[JsonSerializable(typeof(AddOnPurchaseResponse))]
[JsonSerializable(typeof(IReadOnlyList<MinutePackResponse>))]
[JsonSerializable(typeof(IReadOnlyList<StorageExclusionResponse>))]
[JsonSerializable(typeof(StorageExclusionResponse))]
[JsonSerializable(typeof(MinutesMoveMessage))]
[JsonSerializable(typeof(int))]
public sealed partial class AdminJsonContext : JsonSerializerContext
{
    /// <summary>The context answers are written with (only the escaping JSON requires, see <see cref="WireJsonOptions"/>).</summary>
    public static AdminJsonContext Wire { get; } = new(WireJsonOptions.Create());
}

/// <summary>Shapes the admin functions share.</summary>
internal static class AdminJson
{
    /// <summary>GitLab's date format.</summary>
    public static string? Date(DateOnly? date) => date?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    /// <summary>Runs a handler, answering a <see cref="SubscriptionException"/> with GitLab's status and body (<see cref="SubscriptionRefusals"/>).</summary>
    public static async Task<Microsoft.AspNetCore.Mvc.IActionResult> AnswerAsync(Func<Task<Microsoft.AspNetCore.Mvc.IActionResult>> handler)
    {
        ArgumentNullException.ThrowIfNull(handler);
        try
        {
            return await handler();
        }
        catch (SubscriptionException ex)
        {
            return SubscriptionRefusals.Error(ex).ToResult();
        }
    }

    /// <summary>An add-on purchase on the wire.</summary>
    public static AddOnPurchaseResponse Purchase(AddOnPurchase p, string namespaceName) =>
        new(p.NamespaceId, namespaceName, AddOnPurchaseService.AddOns[p.AddOn], p.Quantity, Date(p.ExpiresOn)!, p.PurchaseXid);
}
