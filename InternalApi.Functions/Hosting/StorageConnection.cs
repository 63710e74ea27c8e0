namespace InternalApi.Functions.Hosting;

/// <summary>
/// The names of the storage connection as the worker's triggers and the local host use them; the account and its
/// clients are registered in Core (<see cref="StorageAccount"/>), where the operator tool reaches them too.
/// </summary>
public static class StorageConnection
{
    /// <summary>The connection setting every trigger names (<c>Connection = StorageConnection.Name</c>).</summary>
    public const string Name = StorageAccount.ConnectionName;

    /// <summary>The queue client that leaves message text as it is (<see cref="StorageAccount.RawQueues"/>).</summary>
    public const string RawQueues = StorageAccount.RawQueues;
}
