using InternalApi.Core.Subscriptions;

namespace InternalApi.Functions.Functions.CustomersDot;

/// <summary>What the two internal upcoming reconciliation routes share.</summary>
internal static class InternalReconciliationGate
{
    /// <summary>
    /// GitLab.com only: 403 <c>403 Forbidden - This API is gitlab.com only!</c>. Unlike the deprecated route (whose gate
    /// comes first), here it follows authentication: the internal API's own <c>before</c> hook runs ahead of it.
    /// </summary>
    public static void Check(SubscriptionOptions options)
    {
        if (!options.GitLabCom)
        {
            throw SubscriptionException.Forbidden("This API is gitlab.com only!");
        }
    }
}
