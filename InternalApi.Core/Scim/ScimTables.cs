using Azure.Data.Tables;
using InternalApi.Core.Data;
using InternalApi.Core.Storage;
using Microsoft.Extensions.Options;

namespace InternalApi.Core.Scim;

/// <summary>
/// The SCIM tables. Every identity lookup is a point read and a list reads one scope's partition, never a
/// whole table: identities are stored per scope with two rows each (by external UID and by user), written
/// together in one transaction because they share the partition.
/// </summary>
public sealed class ScimTables : ITableSet
{
    /// <summary>Partition of instance identities.</summary>
    public const string InstanceScope = "instance";

    /// <summary>RowKey prefix of the rows by external UID (lower-cased, encoded): <c>ExternUid</c>, <c>UserId</c>, <c>Active</c>.</summary>
    public const string UidPrefix = "uid:";

    /// <summary>RowKey prefix of the rows by user id: <c>ExternUid</c> (one identity per user and scope, as GitLab's unique index).</summary>
    public const string UserPrefix = "user:";

    /// <summary>
    /// RowKey of the scope's count row: <c>Count</c>, the number of identities (by-UID rows) in the partition, so a
    /// list's <c>totalResults</c> is a point read. It sorts before <see cref="UidPrefix"/> and <see cref="UserPrefix"/>,
    /// outside every range the store queries, and is written in the same transaction as the identity rows it counts.
    /// </summary>
    public const string CountKey = "count";

    /// <summary>Creates a client per table.</summary>
    public ScimTables(TableServiceClient service, IOptions<StorageOptions> options)
    {
        ArgumentNullException.ThrowIfNull(service);
        ArgumentNullException.ThrowIfNull(options);
        var prefix = options.Value.TablePrefix;
        Identities = service.GetTableClient(prefix + "ScimIdentities");
        Tokens = service.GetTableClient(prefix + "ScimTokens");
        SamlProviders = service.GetTableClient(prefix + "SamlProviders");
    }

    /// <summary>PK scope (<c>group-&lt;id&gt;</c> or <c>instance</c>); RK <c>uid:&lt;uid&gt;</c>, <c>user:&lt;id&gt;</c> or <c>count</c>.</summary>
    public TableClient Identities { get; }

    /// <summary>PK token digest → <c>Scope</c> (the scope key it opens).</summary>
    public TableClient Tokens { get; }

    /// <summary>PK group id → <c>Enabled</c>, <c>DefaultMembershipRole</c>.</summary>
    public TableClient SamlProviders { get; }

    /// <inheritdoc/>
    public IReadOnlyList<TableClient> All => [Identities, Tokens, SamlProviders];

    /// <summary>Partition of a group's identities.</summary>
    public static string GroupScope(long groupId) => "group-" + groupId.ToString(System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>RowKey of an identity by external UID: GitLab matches UIDs case-insensitively.</summary>
    public static string UidKey(string externUid)
    {
        ArgumentNullException.ThrowIfNull(externUid);
        return UidPrefix + TableKey.Encode(externUid.ToLowerInvariant());
    }

    /// <summary>RowKey of an identity by user.</summary>
    public static string UserKey(long userId) => UserPrefix + userId.ToString(System.Globalization.CultureInfo.InvariantCulture);
}
