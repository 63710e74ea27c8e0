namespace InternalApi.Core.Subscriptions;

/// <summary>A namespace's GitLab.com subscription as CustomersDot sets it.</summary>
public sealed record GitLabSubscription
{
    /// <summary>The namespace.</summary>
    public required long NamespaceId { get; init; }

    /// <summary>Plan name (<c>plan_code</c>); null when none or an unknown one was set.</summary>
    public string? PlanCode { get; init; }

    /// <summary>Start.</summary>
    public DateOnly? StartDate { get; init; }

    /// <summary>End.</summary>
    public DateOnly? EndDate { get; init; }

    /// <summary>Seats bought.</summary>
    public long Seats { get; init; }

    /// <summary>Stored high-water mark of seats used.</summary>
    public long MaxSeatsUsed { get; init; }

    /// <summary>Auto-renewal; null when never set.</summary>
    public bool? AutoRenew { get; init; }

    /// <summary>A trial.</summary>
    public bool Trial { get; init; }

    /// <summary>Trial start.</summary>
    public DateOnly? TrialStartsOn { get; init; }

    /// <summary>Trial end.</summary>
    public DateOnly? TrialEndsOn { get; init; }

    /// <summary>Extended/reactivated trial marker.</summary>
    public long? TrialExtensionType { get; init; }

    /// <summary>Created.</summary>
    public DateTimeOffset CreatedAt { get; init; }

    /// <summary>Last changed.</summary>
    public DateTimeOffset UpdatedAt { get; init; }
}

/// <summary>The subscription with what is computed at request time (the entity of spec §5.1).</summary>
/// <param name="Subscription">The stored subscription; null for GET on a namespace without one.</param>
/// <param name="SeatsInUse">Billable members now.</param>
/// <param name="SeatsOwed">Seats used beyond the subscription (0 unless paid).</param>
/// <param name="Upgradable">A higher paid plan exists and the subscription is current.</param>
/// <param name="ExcludeGuests">Guests are not billable on the plan.</param>
public sealed record SubscriptionView(GitLabSubscription? Subscription, long? SeatsInUse, long? SeatsOwed, bool? Upgradable, bool? ExcludeGuests);
