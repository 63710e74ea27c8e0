using Azure.Data.Tables;
using InternalApi.Core.Model;
using InternalApi.Core.Storage;
using static InternalApi.Core.Data.EntityMapping;

namespace InternalApi.Core.Data;

/// <summary>
/// Namespaces (groups and users' personal namespaces), their full-path index rows and their rows in the tree index
/// under their top-level namespace (<see cref="NamespaceTree"/>).
/// </summary>
public sealed class NamespaceStore(GitLabTables names, NamespaceTree tree)
{
    /// <summary>How far up a chain of parents is followed: deeper than GitLab allows (20), and a stop for a cycle.</summary>
    internal const int MaxDepth = 32;

    /// <summary>GitLabNamespace by id, or null.</summary>
    public async Task<GitLabNamespace?> GetNamespaceAsync(long id, CancellationToken cancellationToken = default) =>
        await names.Namespaces.FindSpreadAsync(Id(id), cancellationToken: cancellationToken) is { } e ? ToNamespace(e) : null;

    /// <summary>GitLabNamespace by full path (case-insensitive), or null.</summary>
    public async Task<GitLabNamespace?> FindNamespaceByPathAsync(string fullPath, CancellationToken cancellationToken = default)
    {
        if (string.IsNullOrWhiteSpace(fullPath))
        {
            return null;
        }

        var index = await names.NamespacePaths.FindSpreadAsync(PathKey(fullPath), cancellationToken: cancellationToken);
        return index?.GetInt64("NamespaceId") is { } id ? await GetNamespaceAsync(id, cancellationToken) : null;
    }

    /// <summary>
    /// Creates or replaces a namespace, its path index and its place in the tree index under its top-level namespace
    /// (moving what is below it when it changed root): the one writer of namespaces.
    /// </summary>
    public async Task UpsertNamespaceAsync(GitLabNamespace ns, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(ns);
        var previous = await GetNamespaceAsync(ns.Id, cancellationToken);
        await names.Namespaces.UpsertEntityAsync(ToEntity(ns), TableUpdateMode.Replace, cancellationToken);
        await names.NamespacePaths.UpsertEntityAsync(Spread.Row(PathKey(ns.FullPath), "NamespaceId", ns.Id), TableUpdateMode.Replace, cancellationToken);
        await tree.PutNamespaceAsync(ns, previous, cancellationToken);
    }

    /// <summary>The namespace and its ancestors, nearest first.</summary>
    public async Task<IReadOnlyList<GitLabNamespace>> GetNamespaceChainAsync(long namespaceId, CancellationToken cancellationToken = default)
    {
        var chain = new List<GitLabNamespace>();
        long? next = namespaceId;
        while (next is { } id && chain.Count < MaxDepth && await GetNamespaceAsync(id, cancellationToken) is { } ns)
        {
            chain.Add(ns);
            next = ns.ParentId;
        }

        return chain;
    }
}
