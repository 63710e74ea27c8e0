namespace InternalApi.Core.Data;

/// <summary>
/// A group of tables an area owns. Every registered set is created at start by the host, so an area
/// adds tables by registering its own set (<c>services.AddSingleton&lt;ITableSet&gt;(...)</c>).
/// </summary>
public interface ITableSet
{
    /// <summary>Full table names (prefix included).</summary>
    IReadOnlyList<string> All { get; }
}
