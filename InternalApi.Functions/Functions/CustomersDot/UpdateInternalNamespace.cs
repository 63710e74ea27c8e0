using InternalApi.Core;
using InternalApi.Core.CustomersDot;
using InternalApi.Core.Subscriptions;
using InternalApi.Functions.Functions.Admin;
using InternalApi.Functions.Hosting;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.Options;

namespace InternalApi.Functions.Functions.CustomersDot;

/// <summary>
/// <c>PUT /api/v4/internal/gitlab_subscriptions/namespaces/:id</c>: sets the namespace's compute minutes and
/// purchased storage, and through <c>gitlab_subscription_attributes</c> its subscription (created when it has none,
/// as GitLab's nested attributes do); only what is sent changes. 200 with the namespace entity.
/// </summary>
public sealed class UpdateInternalNamespace(
    NamespaceFinder namespaces, GitLabSubscriptionService subscriptions, NamespaceLimitsService limits, BillableMembers members, IOptions<GitLabOptions> settings)
{
    private const string SubscriptionAttributes = "gitlab_subscription_attributes";

    /// <summary>The HTTP trigger; the CustomersDot token (or an admin token) is checked before this runs.</summary>
    [Function(nameof(UpdateInternalNamespace))]
    [FunctionAuth(FunctionAuth.CustomersDotToken)]
    public Task<IActionResult> RunAsync(
        [HttpTrigger(AuthorizationLevel.Anonymous, "put", Route = "v4/internal/gitlab_subscriptions/namespaces/{id}")] HttpRequest request,
        string id,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        return AdminJson.AnswerAsync(async () =>
        {
            var (change, subscriptionChanges) = Parse(await RequestBinder.ParametersAsync(request.HttpContext));
            var ns = await namespaces.RequireAsync(id, cancellationToken);
            if (subscriptionChanges is not null)
            {
                // GitLab saves the namespace and its nested subscription together; here the subscription goes first, so a
                // subscription the model refuses leaves the limits untouched too.
                if (await subscriptions.GetAsync(ns.Id, cancellationToken) is null)
                {
                    await subscriptions.CreateAsync(ns, subscriptionChanges, cancellationToken);
                }
                else
                {
                    await subscriptions.UpdateAsync(ns, subscriptionChanges, cancellationToken);
                }
            }

            await limits.UpdateAsync(ns.Id, change, cancellationToken);
            var entity = await InternalNamespaceEntity.BuildAsync(ns, subscriptions, limits, members, settings.Value, cancellationToken);
            return TypedResults.Json(entity, CustomersDotJsonContext.Wire.InternalNamespaceResponse).AsAction();
        });
    }

    /// <summary>The declared parameters, every problem in one 400.</summary>
    private static (NamespaceLimitsChange Limits, SubscriptionChanges? Subscription) Parse(GrapeParameters p)
    {
        var change = new NamespaceLimitsChange
        {
            SharedRunnersMinutesLimit = Sent(p, "shared_runners_minutes_limit", () => p.WholeNumber("shared_runners_minutes_limit")),
            ExtraSharedRunnersMinutesLimit = Sent(p, "extra_shared_runners_minutes_limit", () => p.WholeNumber("extra_shared_runners_minutes_limit")),
            AdditionalPurchasedStorageSize = Sent(p, "additional_purchased_storage_size", () => p.WholeNumber("additional_purchased_storage_size")),
            AdditionalPurchasedStorageEndsOn = Sent(p, "additional_purchased_storage_ends_on", () => p.Date("additional_purchased_storage_ends_on")),
        };
        SubscriptionChanges? subscription = null;
        if (p.Hash(SubscriptionAttributes) is { } nested)
        {
            subscription = SubscriptionParameters.Changes(nested, create: false);
            p.Absorb(nested);
        }

        p.ThrowIfAny();
        return (change, subscription);
    }

    /// <summary>Sent (also as an explicit null, which clears the column) or not.</summary>
    private static Sent<T> Sent<T>(GrapeParameters p, string name, Func<T> read) =>
        p.Sent(name) ? new Sent<T>(true, read()) : default;
}
