using InternalApi.Core.Storage;

namespace InternalApi.Core.Health;

/// <summary>Answers whether the backing store responds, for <c>/internal/check</c>'s <c>redis</c> field.</summary>
public sealed class StoreHealth(TableStorageClient tables)
{
    private static readonly TimeSpan Budget = TimeSpan.FromSeconds(3);

    /// <summary>True when an authenticated request to the table service succeeds within a few seconds; never throws.</summary>
    public async Task<bool> IsAvailableAsync(CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(Budget);
        try
        {
            return await tables.PingAsync(timeout.Token);
        }
#pragma warning disable CA1031 // Any failure of the store means "not available": the check itself must not fail.
        catch (Exception) when (!cancellationToken.IsCancellationRequested)
#pragma warning restore CA1031
        {
            return false;
        }
    }
}
