using Azure.Data.Tables;
using InternalApi.Core.Model;
using static InternalApi.Core.Data.EntityMapping;

namespace InternalApi.Core.Data;

/// <summary>Protected branch and tag rules, one partition per project so a push reads all of a project's rules in one query.</summary>
public sealed class ProtectedRefStore(GitLabTables names)
{
    /// <summary>The project's protected branch and tag rules.</summary>
    public async Task<IReadOnlyList<ProtectedRef>> GetProtectedRefsAsync(long projectId, CancellationToken cancellationToken = default)
    {
        var list = new List<ProtectedRef>();
        await foreach (var e in names.ProtectedRefs.QueryAsync<TableEntity>(TableClient.CreateQueryFilter($"PartitionKey eq {Id(projectId)}"), cancellationToken: cancellationToken))
        {
            list.Add(ToProtectedRef(e));
        }

        return list;
    }

    /// <summary>Creates or replaces a protected branch/tag rule.</summary>
    public Task UpsertProtectedRefAsync(ProtectedRef rule, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(rule);
        return names.ProtectedRefs.UpsertEntityAsync(ToEntity(rule), TableUpdateMode.Replace, cancellationToken);
    }
}
