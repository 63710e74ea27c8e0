using InternalApi.Core;
using InternalApi.Core.Access;
using InternalApi.Core.CustomersDot;
using InternalApi.Core.Model;
using InternalApi.Core.Subscriptions;
using InternalApi.Functions.Functions.Admin;

namespace InternalApi.Functions.Functions.CustomersDot;

/// <summary>Builds <see cref="InternalNamespaceResponse"/> from the namespace, its subscription, limits and members.</summary>
internal static class InternalNamespaceEntity
{
    public static async Task<InternalNamespaceResponse> BuildAsync(
        GitLabNamespace ns, GitLabSubscriptionService subscriptions, NamespaceLimitsService limits, BillableMembers members, GitLabOptions settings, CancellationToken cancellationToken)
    {
        // The memberships are read once: for the billable count (under the subscription's plan) and the member count.
        var found = subscriptions.GetAsync(ns.Id, cancellationToken);
        var stored = limits.GetAsync(ns.Id, cancellationToken);
        var levels = members.LevelsAsync(ns, cancellationToken);
        await Task.WhenAll(found, stored, levels);
        var subscription = await found;
        var billable = await members.CountAsync(await levels, subscription?.PlanCode, cancellationToken);
        var l = await stored;
        var group = ns.Kind == NamespaceKind.Group;
        var url = GitAccessService.ExternalUrl(settings) + (group ? "/groups/" : "/") + ns.FullPath;
        return new InternalNamespaceResponse(
            ns.Id,
            ns.Name,
            ns.FullPath[(ns.FullPath.LastIndexOf('/') + 1)..],
            group ? "group" : "user",
            ns.FullPath,
            ns.ParentId,
            null,
            url,
            l.SharedRunnersMinutesLimit,
            l.ExtraSharedRunnersMinutesLimit,
            l.AdditionalPurchasedStorageSize,
            AdminJson.Date(l.AdditionalPurchasedStorageEndsOn),
            billable,
            subscription is null ? null : billable,
            subscription?.MaxSeatsUsed,
            AdminJson.Date(subscription?.EndDate),

            // GitLab.com's plan of a namespace without a subscription is "free".
            subscription?.PlanCode ?? "free",
            AdminJson.Date(subscription?.TrialEndsOn),
            subscription?.Trial ?? false,
            group ? (await levels).Count : null);
    }
}
