using InternalApi.Core.CustomersDot;
using InternalApi.Core.Data;
using InternalApi.Core.Subscriptions;
using InternalApi.Functions.Functions.Admin;
using InternalApi.Functions.Hosting;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;

namespace InternalApi.Functions.Functions.CustomersDot;

/// <summary>
/// <c>PUT /api/v4/internal/gitlab_subscriptions/users/:user_id/credit_card_validation</c>: records the card a user
/// validated with CustomersDot (replacing any earlier one). Required: <c>credit_card_validated_at</c>,
/// <c>credit_card_expiration_year</c>, <c>credit_card_expiration_month</c>, <c>credit_card_holder_name</c>,
/// <c>credit_card_type</c>, <c>credit_card_mask_number</c>; optional: the Zuora and Stripe ids. 200
/// <c>{"success":{}}</c> (the doc's answer); 404 <c>404 User Not Found</c>.
/// </summary>
public sealed class UpdateCreditCardValidation(CreditCardValidationService validations, UserStore users)
{
    /// <summary>The HTTP trigger; the CustomersDot token (or an admin token) is checked before this runs.</summary>
    [Function(nameof(UpdateCreditCardValidation))]
    [FunctionAuth(FunctionAuth.CustomersDotToken)]
    public Task<IActionResult> RunAsync(
        [HttpTrigger(AuthorizationLevel.Anonymous, "put", Route = "v4/internal/gitlab_subscriptions/users/{userId}/credit_card_validation")] HttpRequest request,
        string userId,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        return AdminJson.AnswerAsync(async () =>
        {
            var p = await RequestBinder.ParametersAsync(request.HttpContext, ("user_id", userId));
            // In GitLab's declaration order, which is the order Grape names the problems in.
            var id = p.WholeNumber("user_id", required: true);
            var validatedAt = p.Text("credit_card_validated_at", required: true);
            DateTimeOffset at = default;

            // A DateTime: only text is parsed (a number is not a time, as it is not for Grape).
            if (validatedAt is not null && (p.Raw("credit_card_validated_at")!.GetValueKind() != System.Text.Json.JsonValueKind.String ||
                !DateTimeOffset.TryParse(validatedAt.Replace(" UTC", "Z", StringComparison.Ordinal), System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.AssumeUniversal, out at)))
            {
                p.Report("credit_card_validated_at", "is invalid");
            }

            var month = p.WholeNumber("credit_card_expiration_month", required: true);
            var year = p.WholeNumber("credit_card_expiration_year", required: true);
            var holder = p.Text("credit_card_holder_name", required: true);
            var mask = p.Text("credit_card_mask_number", required: true);
            var network = p.Text("credit_card_type", required: true);
            var zuora = p.Text("zuora_payment_method_xid");
            var setupIntent = p.Text("stripe_setup_intent_xid");
            var paymentMethod = p.Text("stripe_payment_method_xid");
            var fingerprint = p.Text("stripe_card_fingerprint");
            p.ThrowIfAny();

            // GitLab keeps the expiry as the month's last day; a month or year no date has is refused here rather
            // than failing as it would there (after Grape's checks, which are all GitLab would name).
            if (month is < 1 or > 12)
            {
                p.Report("credit_card_expiration_month", "is invalid");
            }

            if (year is < 1 or > 9999)
            {
                p.Report("credit_card_expiration_year", "is invalid");
            }

            p.ThrowIfAny();
            var user = await users.GetUserAsync(id!.Value, cancellationToken) ?? throw SubscriptionException.NotFound("User");
            var expires = new DateOnly((int)year!.Value, (int)month!.Value, DateTime.DaysInMonth((int)year.Value, (int)month.Value));
            await validations.UpsertAsync(new CreditCardValidation(user.Id, at.ToUniversalTime(), mask!, holder!, network!, expires, zuora, setupIntent, paymentMethod, fingerprint), cancellationToken);
            return TypedResults.Json(new CreditCardValidationResponse(new EmptyObject()), CustomersDotJsonContext.Wire.CreditCardValidationResponse).AsAction();
        });
    }
}
