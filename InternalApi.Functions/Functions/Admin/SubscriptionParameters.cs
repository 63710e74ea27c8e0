using InternalApi.Core.Subscriptions;
using InternalApi.Functions.Hosting;

namespace InternalApi.Functions.Functions.Admin;

/// <summary>
/// The declared parameters of the subscription routes (spec §5), read with Grape's types into the typed requests
/// the Core services take. Each reader reports into <see cref="GrapeParameters"/>; the caller throws once
/// (<see cref="GrapeParameters.ThrowIfAny"/>), so every problem of a request is in one 400.
/// </summary>
internal static class SubscriptionParameters
{
    /// <summary>The subscription's parameters; <c>start_date</c> required on create. Explicit <c>null</c>s are kept apart.</summary>
    public static SubscriptionChanges Changes(GrapeParameters p, bool create)
    {
        ArgumentNullException.ThrowIfNull(p);
        string[] declared = ["start_date", "seats", "max_seats_used", "plan_code", "end_date", "auto_renew", "trial", "trial_ends_on", "trial_starts_on", "trial_extension_type"];
        return new SubscriptionChanges
        {
            StartDate = p.Date("start_date", required: create),
            Seats = p.WholeNumber("seats"),
            MaxSeatsUsed = p.WholeNumber("max_seats_used"),
            PlanCode = p.Text("plan_code"),
            EndDate = p.Date("end_date"),
            AutoRenew = p.Boolean("auto_renew"),
            Trial = p.Boolean("trial"),
            TrialEndsOn = p.Date("trial_ends_on"),
            TrialStartsOn = p.Date("trial_starts_on"),
            TrialExtensionType = p.WholeNumber("trial_extension_type"),
            SentAsNull = [.. declared.Where(p.IsNull)],
        };
    }

    /// <summary>
    /// <c>namespace_id</c>: a required integer that may not be blank (Grape's <c>allow_blank: false</c>), so an
    /// explicit <c>null</c> is <c>is empty</c>, not <c>is missing</c>.
    /// </summary>
    public static long? NamespaceId(GrapeParameters p)
    {
        ArgumentNullException.ThrowIfNull(p);
        return p.WholeNumber("namespace_id", required: true, allowBlank: false);
    }

    /// <summary>The <c>upcoming_reconciliations</c> array (Grape's schema: every element needs its three values).</summary>
    public static IReadOnlyList<UpcomingReconciliation> Reconciliations(GrapeParameters p)
    {
        ArgumentNullException.ThrowIfNull(p);
        var items = p.Objects("upcoming_reconciliations", required: true, item => (
            Id: NamespaceId(item),
            Next: item.Date("next_reconciliation_date", required: true),
            Alert: item.Date("display_alert_from", required: true)));
        p.ThrowIfAny();
        return [.. items!.Select(i => new UpcomingReconciliation(i.Id!.Value, i.Next!.Value, i.Alert!.Value))];
    }

    /// <summary>The <c>packs</c> array, all-or-nothing (Grape's schema errors; the model's come from the service).</summary>
    public static IReadOnlyList<MinutePackOrder> Packs(GrapeParameters p)
    {
        ArgumentNullException.ThrowIfNull(p);
        var packs = p.Objects("packs", required: true, pack => (
            Minutes: pack.WholeNumber("number_of_minutes", required: true),
            Expires: pack.Date("expires_at", required: true),
            Xid: pack.Text("purchase_xid", required: true)));
        p.ThrowIfAny();
        return [.. packs!.Select(x => new MinutePackOrder(x.Expires!.Value, x.Minutes!.Value, x.Xid!))];
    }

    /// <summary>A POST of an add-on purchase: <c>quantity</c>, <c>expires_on</c> and <c>purchase_xid</c> required.</summary>
    public static AddOnPurchase NewPurchase(GrapeParameters p, long namespaceId, string addOn)
    {
        ArgumentNullException.ThrowIfNull(p);
        var quantity = p.WholeNumber("quantity", required: true);
        var expiresOn = p.Date("expires_on", required: true);
        var xid = p.Text("purchase_xid", required: true);
        p.ThrowIfAny();
        return new AddOnPurchase(namespaceId, addOn, quantity!.Value, expiresOn!.Value, xid!);
    }

    /// <summary>A PUT of an add-on purchase: <c>expires_on</c> required, the others optional.</summary>
    public static AddOnPurchaseChanges PurchaseChanges(GrapeParameters p)
    {
        ArgumentNullException.ThrowIfNull(p);
        var expiresOn = p.Date("expires_on", required: true);
        var quantity = p.WholeNumber("quantity");
        var xid = p.Text("purchase_xid");
        p.ThrowIfAny();
        return new AddOnPurchaseChanges(expiresOn!.Value, quantity, xid);
    }
}
