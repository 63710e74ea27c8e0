using System.Globalization;
using Azure;
using Azure.Data.Tables;
using InternalApi.Core.Model;
using InternalApi.Core.Storage;

namespace InternalApi.Core.Subscriptions;

/// <summary>
/// The subscription parameters of a POST or PUT, as sent (null: not sent, or sent as <c>null</c>). Which keys came
/// as an explicit <c>null</c> is kept apart in <see cref="SentAsNull"/>: an absent key keeps the old value, a
/// <c>null</c> one is what GitLab's model then validates.
/// </summary>
public sealed record SubscriptionChanges
{
    /// <summary><c>start_date</c>.</summary>
    public DateOnly? StartDate { get; init; }

    /// <summary><c>end_date</c>.</summary>
    public DateOnly? EndDate { get; init; }

    /// <summary><c>plan_code</c>.</summary>
    public string? PlanCode { get; init; }

    /// <summary><c>seats</c>.</summary>
    public long? Seats { get; init; }

    /// <summary><c>max_seats_used</c>.</summary>
    public long? MaxSeatsUsed { get; init; }

    /// <summary><c>auto_renew</c>.</summary>
    public bool? AutoRenew { get; init; }

    /// <summary><c>trial</c>.</summary>
    public bool? Trial { get; init; }

    /// <summary><c>trial_starts_on</c>.</summary>
    public DateOnly? TrialStartsOn { get; init; }

    /// <summary><c>trial_ends_on</c>.</summary>
    public DateOnly? TrialEndsOn { get; init; }

    /// <summary><c>trial_extension_type</c>.</summary>
    public long? TrialExtensionType { get; init; }

    /// <summary>
    /// The parameters (wire names) sent as an explicit <c>null</c>: Grape passes them on as nil, and GitLab's model
    /// then refuses the save of one it requires (<c>seats can't be blank</c>), where an absent key keeps the old value.
    /// </summary>
    public IReadOnlyCollection<string> SentAsNull { get; init; } = [];
}

/// <summary>
/// <c>/namespaces/:id/gitlab_subscription</c> (spec §5.1–5.3): one subscription per namespace, created by POST,
/// changed by PUT (only the parameters sent), read by GET with the seats in use counted at request time.
/// </summary>
public sealed class GitLabSubscriptionService(SubscriptionTables tables, BillableMembers members, TimeProvider time)
{
    private const int MaxRetries = 20;

    /// <summary>The subscription's columns GitLab validates for presence (<c>validates :seats, :start_date, presence: true</c>).</summary>
    private static readonly string[] RequiredByTheModel = ["start_date", "seats"];

    /// <summary>The namespace's subscription, or null.</summary>
    public async Task<GitLabSubscription?> GetAsync(long namespaceId, CancellationToken cancellationToken = default) =>
        await tables.Subscriptions.FindAsync(Key(namespaceId), "", cancellationToken: cancellationToken) is { } e ? ToSubscription(e) : null;

    /// <summary>Creates the subscription; a second one for the namespace fails validation, as GitLab's uniqueness check does.</summary>
    public async Task<SubscriptionView> CreateAsync(GitLabNamespace ns, SubscriptionChanges changes, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(ns);
        ArgumentNullException.ThrowIfNull(changes);
        var now = time.GetUtcNow();
        var subscription = Apply(new GitLabSubscription { NamespaceId = ns.Id, CreatedAt = now }, changes) with { UpdatedAt = now };
        Validate(subscription, changes);
        try
        {
            await tables.Subscriptions.AddEntityAsync(ToEntity(subscription), cancellationToken);
        }
        catch (RequestFailedException ex) when (ex.IsConcurrencyConflict())
        {
            throw SubscriptionException.Validation("namespace_id", "has already been taken");
        }

        return await ViewAsync(ns, subscription, cancellationToken);
    }

    /// <summary>Applies the parameters sent to the existing subscription (ETag-conditional, retried on a lost race).</summary>
    public async Task<SubscriptionView> UpdateAsync(GitLabNamespace ns, SubscriptionChanges changes, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(ns);
        ArgumentNullException.ThrowIfNull(changes);
        for (var attempt = 0; attempt < MaxRetries; attempt++)
        {
            var entity = await tables.Subscriptions.FindAsync(Key(ns.Id), "", cancellationToken: cancellationToken)
                ?? throw SubscriptionException.NotFound("GitlabSubscription");
            var subscription = Apply(ToSubscription(entity), changes) with { UpdatedAt = time.GetUtcNow() };
            Validate(subscription, changes);
            try
            {
                await tables.Subscriptions.UpdateEntityAsync(ToEntity(subscription), entity.ETag, TableUpdateMode.Replace, cancellationToken);
                return await ViewAsync(ns, subscription, cancellationToken);
            }
            catch (RequestFailedException ex) when (ex.IsConcurrencyConflict() || ex.Status == 404)
            {
                // Changed (or removed) since it was read: read again.
            }
        }

        throw new InvalidOperationException("The subscription kept changing under the update.");
    }

    /// <summary>The entity of the namespace's subscription (every leaf null when it has none).</summary>
    public async Task<SubscriptionView> ReadAsync(GitLabNamespace ns, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(ns);

        // CustomersDot reads the namespaces it sells to: the memberships are read while the subscription is (they do
        // not depend on its plan), one round trip less. For a namespace without a subscription they are read for nothing.
        var levels = members.LevelsAsync(ns, cancellationToken);
        var subscription = GetAsync(ns.Id, cancellationToken);
        try
        {
            await Task.WhenAll(levels, subscription);
        }
        catch when (subscription.IsCompletedSuccessfully && subscription.Result is null)
        {
            // Without a subscription the memberships are not needed, nor is their failure.
        }

        return await subscription is { } found
            ? View(found, await members.CountAsync(await levels, found.PlanCode, cancellationToken))
            : new SubscriptionView(null, null, null, null, null);
    }

    private async Task<SubscriptionView> ViewAsync(GitLabNamespace ns, GitLabSubscription subscription, CancellationToken cancellationToken) =>
        View(subscription, await members.CountAsync(ns, subscription.PlanCode, cancellationToken));

    private SubscriptionView View(GitLabSubscription subscription, long inUse)
    {
        // GitLab owes seats from the refreshed high-water mark: the stored one, raised to what is in use now.
        var owed = GitLabPlans.IsPaid(subscription) ? Math.Max(0, Math.Max(subscription.MaxSeatsUsed, inUse) - subscription.Seats) : 0;
        return new SubscriptionView(subscription, inUse, owed, GitLabPlans.IsUpgradable(subscription, Today), GitLabPlans.ExcludesGuests(subscription.PlanCode));
    }

    private static GitLabSubscription Apply(GitLabSubscription s, SubscriptionChanges c)
    {
        var result = s with
        {
            StartDate = c.StartDate ?? s.StartDate,
            EndDate = c.EndDate ?? s.EndDate,

            // GitLab looks the plan up by name: an unknown name leaves the subscription without a plan.
            PlanCode = c.PlanCode is { } code ? (GitLabPlans.IsKnown(code) ? code : null) : s.PlanCode,
            Seats = c.Seats ?? s.Seats,
            MaxSeatsUsed = c.MaxSeatsUsed ?? s.MaxSeatsUsed,
            AutoRenew = c.AutoRenew ?? s.AutoRenew,
            Trial = c.Trial ?? s.Trial,
            TrialStartsOn = c.TrialStartsOn ?? s.TrialStartsOn,
            TrialEndsOn = c.TrialEndsOn ?? s.TrialEndsOn,
            TrialExtensionType = c.TrialExtensionType ?? s.TrialExtensionType,
        };

        // GitLab: trial_starts_on ||= start_date when the request says trial (only the dates of this request).
        return c.Trial == true && c.TrialStartsOn is null && c.StartDate is { } start ? result with { TrialStartsOn = start } : result;
    }

    private static void Validate(GitLabSubscription s, SubscriptionChanges changes)
    {
        if (RequiredByTheModel.FirstOrDefault(changes.SentAsNull.Contains) is { } blank)
        {
            throw SubscriptionException.Validation(blank, "can't be blank");
        }

        if (s.Seats < 0)
        {
            throw SubscriptionException.Validation("seats", "must be greater than or equal to 0");
        }

        if (s.MaxSeatsUsed < 0)
        {
            throw SubscriptionException.Validation("max_seats_used", "must be greater than or equal to 0");
        }

        if (s.Trial && s.TrialStartsOn is null)
        {
            throw SubscriptionException.Validation("trial_starts_on", "can't be blank");
        }
    }

    private DateOnly Today => DateOnly.FromDateTime(time.GetUtcNow().UtcDateTime);

    private static string Key(long id) => id.ToString(CultureInfo.InvariantCulture);

    private static string? Text(DateOnly? date) => date?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    private static DateOnly? Date(string? text) => text is null ? null : DateOnly.ParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture);

    private static TableEntity ToEntity(GitLabSubscription s) => new(Key(s.NamespaceId), "")
    {
        ["PlanCode"] = s.PlanCode,
        ["StartDate"] = Text(s.StartDate),
        ["EndDate"] = Text(s.EndDate),
        ["Seats"] = s.Seats,
        ["MaxSeatsUsed"] = s.MaxSeatsUsed,
        ["AutoRenew"] = s.AutoRenew,
        ["Trial"] = s.Trial,
        ["TrialStartsOn"] = Text(s.TrialStartsOn),
        ["TrialEndsOn"] = Text(s.TrialEndsOn),
        ["TrialExtensionType"] = s.TrialExtensionType,
        ["CreatedAt"] = s.CreatedAt,
        ["UpdatedAt"] = s.UpdatedAt,
    };

    private static GitLabSubscription ToSubscription(TableEntity e) => new()
    {
        NamespaceId = long.Parse(e.PartitionKey, CultureInfo.InvariantCulture),
        PlanCode = e.GetString("PlanCode"),
        StartDate = Date(e.GetString("StartDate")),
        EndDate = Date(e.GetString("EndDate")),
        Seats = e.GetInt64("Seats") ?? 0,
        MaxSeatsUsed = e.GetInt64("MaxSeatsUsed") ?? 0,
        AutoRenew = e.GetBoolean("AutoRenew"),
        Trial = e.GetBoolean("Trial") ?? false,
        TrialStartsOn = Date(e.GetString("TrialStartsOn")),
        TrialEndsOn = Date(e.GetString("TrialEndsOn")),
        TrialExtensionType = e.GetInt64("TrialExtensionType"),
        CreatedAt = e.GetDateTimeOffset("CreatedAt") ?? default,
        UpdatedAt = e.GetDateTimeOffset("UpdatedAt") ?? default,
    };
}
