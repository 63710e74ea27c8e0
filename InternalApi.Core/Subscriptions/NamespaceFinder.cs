using System.Globalization;
using InternalApi.Core.Data;
using InternalApi.Core.Model;

namespace InternalApi.Core.Subscriptions;

/// <summary>
/// Resolves the <c>:id</c> of a namespace route as GitLab's <c>find_namespace</c> does: all digits is an id,
/// anything else a full path (URL-decoded, case-insensitive), e.g. <c>acme%2Fplatform</c> or a username.
/// </summary>
public sealed class NamespaceFinder(NamespaceStore namespaces)
{
    /// <summary>The namespace, or null.</summary>
    public async Task<GitLabNamespace?> FindAsync(string? id, CancellationToken cancellationToken = default)
    {
        if (string.IsNullOrWhiteSpace(id))
        {
            return null;
        }

        var text = Uri.UnescapeDataString(id);
        return text.All(char.IsAsciiDigit)
            ? long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? await namespaces.GetNamespaceAsync(n, cancellationToken) : null
            : await namespaces.FindNamespaceByPathAsync(text, cancellationToken);
    }

    /// <summary>The namespace, or the 404 <c>404 Namespace Not Found</c>.</summary>
    public async Task<GitLabNamespace> RequireAsync(string? id, CancellationToken cancellationToken = default) =>
        await FindAsync(id, cancellationToken) ?? throw SubscriptionException.NamespaceNotFound();

    /// <summary>A namespace by numeric id, or null.</summary>
    public Task<GitLabNamespace?> GetAsync(long id, CancellationToken cancellationToken = default) => namespaces.GetNamespaceAsync(id, cancellationToken);
}
