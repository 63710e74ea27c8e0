using InternalApi.Core.Subscriptions;
using InternalApi.Functions.Hosting;

namespace InternalApi.Functions.Functions.Admin;

/// <summary>What the storage limit exclusion functions check inside the handler, in GitLab's order.</summary>
internal static class StorageExclusionGate
{
    /// <summary>Admin (403 <c>403 Forbidden</c>), then GitLab.com (403 <c>403 Forbidden - this API is for GitLab.com only</c>).</summary>
    public static void Check(HttpContext context, SubscriptionOptions options)
    {
        context.RequireAdmin();
        if (!options.GitLabCom)
        {
            throw ApiErrorException.WithMessage(StatusCodes.Status403Forbidden, "403 Forbidden - this API is for GitLab.com only");
        }
    }

    /// <summary>An exclusion on the wire.</summary>
    public static StorageExclusionResponse Wire(StorageExclusion e) => new(e.Id, e.NamespaceId, e.NamespaceName, e.Reason);
}
