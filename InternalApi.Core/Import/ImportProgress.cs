namespace InternalApi.Core.Import;

/// <summary>
/// How far an import's write phase is: records written out of the file's total. Updated by the writers
/// (several threads) and read by whoever prints a progress line, without locks.
/// </summary>
public sealed class ImportProgress
{
    private long _done;
    private long _total;

    /// <summary>Records written so far.</summary>
    public long Done => Interlocked.Read(ref _done);

    /// <summary>Records the file holds (known once the checks passed; 0 before).</summary>
    public long Total => Interlocked.Read(ref _total);

    /// <summary>The section being written, or null before the writes start.</summary>
    public string? Section { get; internal set; }

    internal void Add(long records) => Interlocked.Add(ref _done, records);

    internal void Start(long total) => Interlocked.Exchange(ref _total, total);
}
