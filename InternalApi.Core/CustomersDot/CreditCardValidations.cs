using System.Globalization;
using Azure.Data.Tables;
using InternalApi.Core.Storage;

namespace InternalApi.Core.CustomersDot;

/// <summary>
/// What CustomersDot reports of the card a user validated (GitLab's <c>user_credit_card_validations</c> row: one
/// per user). The card itself never reaches GitLab: only its last digits, holder, network and expiry.
/// </summary>
/// <param name="UserId">The user.</param>
/// <param name="ValidatedAt">When the card was validated.</param>
/// <param name="LastDigits">The mask number (last four digits).</param>
/// <param name="HolderName">The card holder.</param>
/// <param name="Network">The card type, e.g. <c>American Express</c>.</param>
/// <param name="ExpirationDate">The last day of the expiry month.</param>
/// <param name="ZuoraPaymentMethodXid">Zuora's payment method id, if any.</param>
/// <param name="StripeSetupIntentXid">Stripe's setup intent id, if any.</param>
/// <param name="StripePaymentMethodXid">Stripe's payment method id, if any.</param>
/// <param name="StripeCardFingerprint">Stripe's card fingerprint, if any.</param>
public sealed record CreditCardValidation(
    long UserId,
    DateTimeOffset ValidatedAt,
    string LastDigits,
    string HolderName,
    string Network,
    DateOnly ExpirationDate,
    string? ZuoraPaymentMethodXid,
    string? StripeSetupIntentXid,
    string? StripePaymentMethodXid,
    string? StripeCardFingerprint);

/// <summary>Keeps each user's one <see cref="CreditCardValidation"/>: a new report replaces the previous one.</summary>
public sealed class CreditCardValidationService(CustomersDotTables tables)
{
    /// <summary>Creates or replaces the user's validation (repeatable: the same report gives the same row).</summary>
    public Task UpsertAsync(CreditCardValidation validation, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(validation);
        return tables.CreditCardValidations.UpsertEntityAsync(ToEntity(validation), TableUpdateMode.Replace, cancellationToken);
    }

    /// <summary>The user's validation, or null.</summary>
    public async Task<CreditCardValidation?> GetAsync(long userId, CancellationToken cancellationToken = default) =>
        await tables.CreditCardValidations.FindAsync(Key(userId), "", cancellationToken: cancellationToken) is { } e ? ToValidation(e) : null;

    private static string Key(long id) => id.ToString(CultureInfo.InvariantCulture);

    private static TableEntity ToEntity(CreditCardValidation v) => new(Key(v.UserId), "")
    {
        ["ValidatedAt"] = v.ValidatedAt,
        ["LastDigits"] = v.LastDigits,
        ["HolderName"] = v.HolderName,
        ["Network"] = v.Network,
        ["ExpirationDate"] = v.ExpirationDate.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
        ["ZuoraPaymentMethodXid"] = v.ZuoraPaymentMethodXid,
        ["StripeSetupIntentXid"] = v.StripeSetupIntentXid,
        ["StripePaymentMethodXid"] = v.StripePaymentMethodXid,
        ["StripeCardFingerprint"] = v.StripeCardFingerprint,
    };

    private static CreditCardValidation ToValidation(TableEntity e) => new(
        long.Parse(e.PartitionKey, CultureInfo.InvariantCulture),
        e.GetDateTimeOffset("ValidatedAt") ?? default,
        e.GetString("LastDigits") ?? "",
        e.GetString("HolderName") ?? "",
        e.GetString("Network") ?? "",
        DateOnly.ParseExact(e.GetString("ExpirationDate") ?? "0001-01-01", "yyyy-MM-dd", CultureInfo.InvariantCulture),
        e.GetString("ZuoraPaymentMethodXid"),
        e.GetString("StripeSetupIntentXid"),
        e.GetString("StripePaymentMethodXid"),
        e.GetString("StripeCardFingerprint"));
}
