using Azure.Data.Tables;

namespace InternalApi.Core.Health;

/// <summary>Answers whether the backing store responds, for <c>/internal/check</c>'s <c>redis</c> field.</summary>
public sealed class StoreHealth(TableServiceClient tables)
{
    private static readonly TimeSpan Budget = TimeSpan.FromSeconds(3);

    /// <summary>True when an authenticated request to the table service succeeds within a few seconds; never throws.</summary>
    public async Task<bool> IsAvailableAsync(CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(Budget);
        try
        {
            // One authenticated request that touches no data: the first page (of one) of the table list.
            await foreach (var page in tables.QueryAsync(maxPerPage: 1, cancellationToken: timeout.Token).AsPages())
            {
                break;
            }

            return true;
        }
#pragma warning disable CA1031 // Any failure of the store means "not available": the check itself must not fail.
        catch (Exception) when (!cancellationToken.IsCancellationRequested)
#pragma warning restore CA1031
        {
            return false;
        }
    }
}
