using System.Globalization;
using Azure;
using Azure.Data.Tables;
using InternalApi.Core.Storage;

namespace InternalApi.Core.CustomersDot;

/// <summary>The billing columns GitLab keeps on a namespace and CustomersDot sets (<c>PUT namespaces/:id</c>).</summary>
/// <param name="SharedRunnersMinutesLimit">Compute minutes quota (null: the instance default).</param>
/// <param name="ExtraSharedRunnersMinutesLimit">Extra compute minutes.</param>
/// <param name="AdditionalPurchasedStorageSize">Additional storage, in MiB.</param>
/// <param name="AdditionalPurchasedStorageEndsOn">When that storage ends.</param>
public sealed record NamespaceLimits(long? SharedRunnersMinutesLimit, long? ExtraSharedRunnersMinutesLimit, long? AdditionalPurchasedStorageSize, DateOnly? AdditionalPurchasedStorageEndsOn)
{
    /// <summary>A namespace nobody has set anything on (GitLab's column defaults: null, null, 0, null).</summary>
    public static NamespaceLimits Default { get; } = new(null, null, 0, null);
}

/// <summary>A change of <see cref="NamespaceLimits"/>: only the values sent change (a sent value may be null).</summary>
public sealed record NamespaceLimitsChange
{
    /// <summary><c>shared_runners_minutes_limit</c>, when sent.</summary>
    public Sent<long?> SharedRunnersMinutesLimit { get; init; }

    /// <summary><c>extra_shared_runners_minutes_limit</c>, when sent.</summary>
    public Sent<long?> ExtraSharedRunnersMinutesLimit { get; init; }

    /// <summary><c>additional_purchased_storage_size</c>, when sent.</summary>
    public Sent<long?> AdditionalPurchasedStorageSize { get; init; }

    /// <summary><c>additional_purchased_storage_ends_on</c>, when sent.</summary>
    public Sent<DateOnly?> AdditionalPurchasedStorageEndsOn { get; init; }

    /// <summary>Nothing sent.</summary>
    public bool IsEmpty => !SharedRunnersMinutesLimit.IsSet && !ExtraSharedRunnersMinutesLimit.IsSet && !AdditionalPurchasedStorageSize.IsSet && !AdditionalPurchasedStorageEndsOn.IsSet;

    /// <summary>The limits with this change applied.</summary>
    public NamespaceLimits ApplyTo(NamespaceLimits current)
    {
        ArgumentNullException.ThrowIfNull(current);
        return new(
            SharedRunnersMinutesLimit.Or(current.SharedRunnersMinutesLimit),
            ExtraSharedRunnersMinutesLimit.Or(current.ExtraSharedRunnersMinutesLimit),
            AdditionalPurchasedStorageSize.Or(current.AdditionalPurchasedStorageSize),
            AdditionalPurchasedStorageEndsOn.Or(current.AdditionalPurchasedStorageEndsOn));
    }
}

/// <summary>A value that was sent (possibly null) or not sent at all (<c>default</c>).</summary>
/// <typeparam name="T">The value's type.</typeparam>
/// <param name="IsSet">Whether it was sent.</param>
/// <param name="Value">The value sent.</param>
public readonly record struct Sent<T>(bool IsSet, T Value)
{
    /// <summary>The sent value, or <paramref name="fallback"/>.</summary>
    public T Or(T fallback) => IsSet ? Value : fallback;
}

/// <summary>Reads and changes <see cref="NamespaceLimits"/> (ETag-conditional, retried on a lost race).</summary>
public sealed class NamespaceLimitsService(CustomersDotTables tables)
{
    private const int MaxRetries = 20;

    /// <summary>The namespace's limits (the defaults when nothing was set).</summary>
    public async Task<NamespaceLimits> GetAsync(long namespaceId, CancellationToken cancellationToken = default) =>
        await tables.NamespaceLimits.FindAsync(Key(namespaceId), "", cancellationToken: cancellationToken) is { } e ? ToLimits(e) : NamespaceLimits.Default;

    /// <summary>Applies the values sent; nothing is written when nothing was sent.</summary>
    public async Task<NamespaceLimits> UpdateAsync(long namespaceId, NamespaceLimitsChange change, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(change);
        for (var attempt = 0; attempt < MaxRetries; attempt++)
        {
            var entity = await tables.NamespaceLimits.FindAsync(Key(namespaceId), "", cancellationToken: cancellationToken);
            var current = entity is null ? NamespaceLimits.Default : ToLimits(entity);
            if (change.IsEmpty)
            {
                return current;
            }

            var next = change.ApplyTo(current);
            try
            {
                if (entity is null)
                {
                    await tables.NamespaceLimits.AddEntityAsync(ToEntity(namespaceId, next), cancellationToken);
                }
                else
                {
                    await tables.NamespaceLimits.UpdateEntityAsync(ToEntity(namespaceId, next), entity.ETag, TableUpdateMode.Replace, cancellationToken);
                }

                return next;
            }
            catch (RequestFailedException ex) when (ex.IsConcurrencyConflict() || ex.Status == 404)
            {
                // Written (or removed) by someone else since it was read: read again.
            }
        }

        throw new InvalidOperationException("The namespace's limits kept changing under the update.");
    }

    private static string Key(long id) => id.ToString(CultureInfo.InvariantCulture);

    private static TableEntity ToEntity(long namespaceId, NamespaceLimits l) => new(Key(namespaceId), "")
    {
        ["SharedRunnersMinutesLimit"] = l.SharedRunnersMinutesLimit,
        ["ExtraSharedRunnersMinutesLimit"] = l.ExtraSharedRunnersMinutesLimit,
        ["AdditionalPurchasedStorageSize"] = l.AdditionalPurchasedStorageSize,
        ["AdditionalPurchasedStorageEndsOn"] = l.AdditionalPurchasedStorageEndsOn?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
    };

    private static NamespaceLimits ToLimits(TableEntity e) => new(
        e.GetInt64("SharedRunnersMinutesLimit"),
        e.GetInt64("ExtraSharedRunnersMinutesLimit"),
        e.GetInt64("AdditionalPurchasedStorageSize"),
        e.GetString("AdditionalPurchasedStorageEndsOn") is { } d ? DateOnly.ParseExact(d, "yyyy-MM-dd", CultureInfo.InvariantCulture) : null);
}
