using Azure.Data.Tables;

namespace InternalApi.Core.Storage;

/// <summary>
/// A group of tables an area owns. Every registered set is created at start by the host, so an area
/// adds tables by registering its own set (<c>services.AddSingleton&lt;ITableSet&gt;(...)</c>).
/// </summary>
public interface ITableSet
{
    /// <summary>The tables (their names carry the configured prefix).</summary>
    IReadOnlyList<TableClient> All { get; }
}

/// <summary>
/// Queues the app sends to. Every registered set is created at start, as tables are; the
/// queue-triggered functions that read them declare the same names in their trigger attributes.
/// </summary>
public interface IQueueSet
{
    /// <summary>The queue names.</summary>
    IReadOnlyList<string> Names { get; }
}

/// <summary>A fixed list of queue names.</summary>
public sealed record QueueSet(IReadOnlyList<string> Names) : IQueueSet;
