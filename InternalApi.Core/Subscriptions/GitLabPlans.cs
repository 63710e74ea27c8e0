namespace InternalApi.Core.Subscriptions;

/// <summary>GitLab.com's hosted plans: name (the <c>plan_code</c>) → title, and the rules the subscription entity exposes.</summary>
public static class GitLabPlans
{
    private static readonly Dictionary<string, string> Titles = new(StringComparer.Ordinal)
    {
        ["free"] = "Free",
        ["bronze"] = "Bronze",
        ["silver"] = "Silver",
        ["premium"] = "Premium",
        ["gold"] = "Gold",
        ["ultimate"] = "Ultimate",
        ["premium_trial"] = "Premium Trial",
        ["ultimate_trial"] = "Ultimate Trial",
        ["ultimate_trial_paid_customer"] = "Ultimate Trial for Premium Customer",
        ["opensource"] = "Open Source Program",
    };

    // GitLab's PAID_HOSTED_PLANS (trials included; a trial subscription is excluded separately).
    private static readonly HashSet<string> Paid = new(StringComparer.Ordinal)
    {
        "bronze", "silver", "premium", "gold", "ultimate", "premium_trial", "ultimate_trial", "ultimate_trial_paid_customer",
    };

    // The top plans: nothing to upgrade to.
    private static readonly HashSet<string> Top = new(StringComparer.Ordinal) { "gold", "ultimate" };

    // Ultimate-style plans: guests are not billable.
    private static readonly HashSet<string> GuestsFree = new(StringComparer.Ordinal)
    {
        "gold", "ultimate", "ultimate_trial", "ultimate_trial_paid_customer", "opensource",
    };

    /// <summary>The plan's title, or null for a name GitLab has no plan for.</summary>
    public static string? Title(string? code) => code is not null && Titles.TryGetValue(code, out var title) ? title : null;

    /// <summary>A known plan name.</summary>
    public static bool IsKnown(string? code) => code is not null && Titles.ContainsKey(code);

    /// <summary>GitLab's <c>has_a_paid_hosted_plan?</c>: not a trial, seats bought, a paid plan.</summary>
    public static bool IsPaid(GitLabSubscription subscription)
    {
        ArgumentNullException.ThrowIfNull(subscription);
        return !subscription.Trial && subscription.Seats > 0 && subscription.PlanCode is { } code && Paid.Contains(code);
    }

    /// <summary>GitLab's <c>upgradable?</c>: paid, not expired, not a top plan.</summary>
    public static bool IsUpgradable(GitLabSubscription subscription, DateOnly today)
    {
        ArgumentNullException.ThrowIfNull(subscription);
        return subscription.PlanCode is { } code && !Top.Contains(code) && IsPaid(subscription) && !(subscription.EndDate < today);
    }

    /// <summary>Guests are not billable on this plan.</summary>
    public static bool ExcludesGuests(string? code) => code is not null && GuestsFree.Contains(code);
}
